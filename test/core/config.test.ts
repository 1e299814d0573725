import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEnv, ENV_VARIABLES, fromEnv, maskSecret, secretWeakness } from '../../src/core/config/index.js';
import { Fernet } from '../../src/core/crypto/index.js';
import { ConfigurationError } from '../../src/core/errors.js';

const random = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** A production environment that passes: what `bulwark keygen` prints for each variable. */
function goodEnv(): Record<string, string> {
  return {
    NODE_ENV: 'production',
    BULWARK_ENCRYPTION_KEYS: `${Fernet.generateKey()},${Fernet.generateKey()}`,
    BULWARK_JWT_SECRET: random(),
    BULWARK_CSRF_SECRET: random(),
    BULWARK_API_KEY_PEPPER: random(),
  };
}

function configError(call: () => unknown): ConfigurationError {
  try {
    call();
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw new Error(`expected ConfigurationError, got ${String(error)}`);
  }
  throw new Error('expected ConfigurationError, but the call succeeded');
}

function pemPair(type: 'ed25519' | 'rsa-1024'): { privateKey: string; publicKey: string } {
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  return type === 'ed25519'
    ? generateKeyPairSync('ed25519', { publicKeyEncoding, privateKeyEncoding })
    : generateKeyPairSync('rsa', { modulusLength: 1024, publicKeyEncoding, privateKeyEncoding });
}

describe('fromEnv', () => {
  it('reads a complete production environment', () => {
    const env = goodEnv();
    const config = fromEnv(env);
    expect(config.production).toBe(true);
    expect(config.encryptionKeys).toEqual(env.BULWARK_ENCRYPTION_KEYS!.split(','));
    expect(config.jwt.secrets).toEqual([env.BULWARK_JWT_SECRET]);
    expect(config.csrfSecret).toBe(env.BULWARK_CSRF_SECRET);
    expect(config.apiKeyPepper).toBe(env.BULWARK_API_KEY_PEPPER);
    expect(config.rateLimitStorageUri).toBeUndefined();
    expect(config.warnings).toEqual([]);
    // The keys work as they are.
    expect(new Fernet(config.encryptionKeys[0]!).decryptString(new Fernet(config.encryptionKeys[0]!).encrypt('ok'))).toBe('ok');
  });

  it('outside production, nothing is required', () => {
    const config = fromEnv({});
    expect(config.production).toBe(false);
    expect(config.encryptionKeys).toEqual([]);
    expect(config.jwt.secrets).toEqual([]);
    expect(config.csrfSecret).toBeUndefined();
  });

  it('in production, reports every missing secret in one error', () => {
    const message = configError(() => fromEnv({ NODE_ENV: 'production' })).message;
    for (const name of ['BULWARK_ENCRYPTION_KEYS', 'BULWARK_JWT_SECRET', 'BULWARK_CSRF_SECRET', 'BULWARK_API_KEY_PEPPER']) expect(message).toContain(name);
    expect(message).toContain('4 problems');
    expect(message).toContain('bulwark keygen fernet');
    // The option turns production on whatever NODE_ENV says.
    expect(configError(() => fromEnv({}, { production: true })).message).toContain('4 problems');
    expect(fromEnv({ NODE_ENV: 'production' }, { production: false }).production).toBe(false);
  });

  it('a JWT private key satisfies the JWT requirement instead of a secret', () => {
    const { privateKey, publicKey } = pemPair('ed25519');
    const env = { ...goodEnv(), BULWARK_JWT_SECRET: '', BULWARK_JWT_PRIVATE_KEY: privateKey.replace(/\n/g, '\\n'), BULWARK_JWT_PUBLIC_KEY: publicKey };
    const config = fromEnv(env);
    expect(config.jwt.secrets).toEqual([]);
    expect(config.jwt.privateKey).toBe(privateKey);
    expect(config.jwt.publicKey).toBe(publicKey);
  });

  it('refuses JWT keys that are not PEM, too weak, or not a pair', () => {
    const ed = pemPair('ed25519');
    const other = pemPair('ed25519');
    const weak = pemPair('rsa-1024');
    expect(configError(() => fromEnv({ BULWARK_JWT_PRIVATE_KEY: 'not a pem' })).message).toContain('BULWARK_JWT_PRIVATE_KEY is not a PEM private key');
    expect(configError(() => fromEnv({ BULWARK_JWT_PRIVATE_KEY: weak.privateKey })).message).toContain('RSA 2048+');
    expect(configError(() => fromEnv({ BULWARK_JWT_PRIVATE_KEY: ed.privateKey, BULWARK_JWT_PUBLIC_KEY: other.publicKey })).message).toContain('does not belong');
    expect(configError(() => fromEnv({ BULWARK_JWT_PUBLIC_KEY: 'nope' })).message).toContain('not a PEM public key');
  });

  it('refuses placeholders, short and low-entropy secrets in production, and only warns elsewhere', () => {
    const cases: [string, RegExp][] = [
      ['changeme', /placeholder/],
      ['secret', /placeholder/],
      ['password', /placeholder/],
      ['your-256-bit-secret', /placeholder/],
      ['ChangeMe-ChangeMe-ChangeMe-ChangeMe-2024', /placeholder/],
      ['keyboard cat', /placeholder/],
      ['Xq7#pL2m', /shorter than 32/],
      ['a'.repeat(64), /not random enough/],
      ['abab'.repeat(16), /not random enough/],
      ['0123'.repeat(10), /not random enough/],
    ];
    for (const [value, reason] of cases) {
      const error = configError(() => fromEnv({ ...goodEnv(), BULWARK_CSRF_SECRET: value }));
      expect(error.message, value).toMatch(reason);
      expect(error.message).toContain('BULWARK_CSRF_SECRET');
      expect(error.message).toContain('bulwark keygen csrf');
      const dev = fromEnv({ BULWARK_CSRF_SECRET: value });
      expect(dev.csrfSecret).toBe(value);
      expect(dev.warnings.map((w) => w.variable)).toEqual(['BULWARK_CSRF_SECRET']);
    }
  });

  it('never puts a value into a message, a warning, JSON or inspect output', () => {
    const leaks = ['changeme-LEAK-1', 'LEAK2', 'http://user:LEAK3pw@x', 'not-a-key-LEAK4'];
    const error = configError(() =>
      fromEnv({ NODE_ENV: 'production', BULWARK_CSRF_SECRET: leaks[0], BULWARK_API_KEY_PEPPER: leaks[1], REDIS_URL: leaks[2], BULWARK_ENCRYPTION_KEYS: leaks[3] }),
    );
    for (const leak of leaks) expect(error.message).not.toContain(leak.includes('LEAK3') ? 'LEAK3' : leak);
    const weak = fromEnv({ BULWARK_CSRF_SECRET: leaks[0] });
    expect(JSON.stringify(weak.warnings)).not.toContain(leaks[0]);
    const env: Record<string, string> = { ...goodEnv(), REDIS_URL: 'rediss://app:hunter2-LEAK@cache.internal:6380/0' };
    const config = fromEnv(env);
    const shown = `${JSON.stringify(config)}\n${inspect(config, { depth: 5 })}\n${String(inspect(config.jwt))}`;
    for (const name of ['BULWARK_CSRF_SECRET', 'BULWARK_API_KEY_PEPPER']) expect(shown).not.toContain(env[name]!);
    for (const key of config.encryptionKeys) expect(shown).not.toContain(key);
    expect(shown).not.toContain('hunter2');
    expect(shown).toContain('rediss://app:****@cache.internal:6380/0');
    expect(shown).toContain('2 keys');
  });

  it('checks every Fernet key in the rotation list', () => {
    const [a, b] = [Fernet.generateKey(), Fernet.generateKey()];
    expect(fromEnv({ BULWARK_ENCRYPTION_KEYS: ` ${a} , ${b} ` }).encryptionKeys).toEqual([a, b]);
    const message = configError(() => fromEnv({ BULWARK_ENCRYPTION_KEYS: `${a},,short,${a}` })).message;
    expect(message).toContain('is empty');
    expect(message).toContain('is not a Fernet key');
    expect(message).toContain('listed twice');
    // Valid format, but known to everyone or not random: refused in production.
    const published = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';
    const zeros = Buffer.alloc(32).toString('base64url') + '=';
    expect(configError(() => fromEnv({ ...goodEnv(), BULWARK_ENCRYPTION_KEYS: published })).message).toContain('published example');
    expect(configError(() => fromEnv({ ...goodEnv(), BULWARK_ENCRYPTION_KEYS: zeros })).message).toContain('not random enough');
    expect(fromEnv({ BULWARK_ENCRYPTION_KEYS: zeros }).warnings).toHaveLength(1);
  });

  it('reads REDIS_URL or RATELIMIT_STORAGE_URI', () => {
    expect(fromEnv({ REDIS_URL: 'redis://127.0.0.1:6379' }).rateLimitStorageUri).toBe('redis://127.0.0.1:6379');
    const both = fromEnv({ REDIS_URL: 'redis://a:6379', RATELIMIT_STORAGE_URI: 'memory://' });
    expect(both.redisUrl).toBe('redis://a:6379');
    expect(both.rateLimitStorageUri).toBe('memory://');
    expect(configError(() => fromEnv({ REDIS_URL: 'memory://' })).message).toContain('REDIS_URL has the scheme "memory:"');
    expect(configError(() => fromEnv({ RATELIMIT_STORAGE_URI: 'http://x' })).message).toContain('RATELIMIT_STORAGE_URI');
    expect(configError(() => fromEnv({ REDIS_URL: 'not a url' })).message).toContain('is not a URL');
    const plain = fromEnv({ ...goodEnv(), REDIS_URL: 'redis://cache.internal:6379' });
    expect(plain.warnings.map((w) => w.message).join()).toContain('rediss://');
  });

  it('reports unknown BULWARK_ variables with the closest name', () => {
    const message = configError(() => fromEnv({ BULWARK_ENCRYPTION_KEY: Fernet.generateKey(), BULWARK_CSRF_SECRT: random() })).message;
    expect(message).toContain('BULWARK_ENCRYPTION_KEY is not a bulwark variable; did you mean BULWARK_ENCRYPTION_KEYS?');
    expect(message).toContain('did you mean BULWARK_CSRF_SECRET?');
    expect(fromEnv({ OTHER_APP_SECRET: 'changeme', PATH: '/usr/bin' }).production).toBe(false);
  });

  it('treats blank values as unset', () => {
    expect(fromEnv({ BULWARK_CSRF_SECRET: '   ', BULWARK_ENCRYPTION_KEYS: '' }).csrfSecret).toBeUndefined();
    expect(configError(() => fromEnv({ ...goodEnv(), BULWARK_CSRF_SECRET: '' })).message).toContain('BULWARK_CSRF_SECRET is required in production');
  });

  it('`require` picks what must be set, in any mode', () => {
    const env = { NODE_ENV: 'production', BULWARK_CSRF_SECRET: random() };
    expect(fromEnv(env, { require: ['csrfSecret'] }).csrfSecret).toBe(env.BULWARK_CSRF_SECRET);
    expect(configError(() => fromEnv({}, { require: ['redis'] })).message).toContain('REDIS_URL is required');
    expect(fromEnv({ RATELIMIT_STORAGE_URI: 'rediss://x:6380' }, { require: ['redis'] }).rateLimitStorageUri).toBe('rediss://x:6380');
  });

  it('validates its own options', () => {
    expect(configError(() => fromEnv({}, { prodution: true } as never)).message).toContain('did you mean "production"?');
    expect(configError(() => fromEnv({}, { require: ['csrf'] } as never)).message).toContain('fromEnv.require');
    expect(configError(() => fromEnv({}, { production: 'yes' } as never)).message).toContain('true or false');
  });

  it('checkEnv returns the problems instead of throwing', () => {
    const result = checkEnv({ NODE_ENV: 'production', BULWARK_CSRF_SECRET: 'changeme' });
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.variable).sort()).toEqual(['BULWARK_API_KEY_PEPPER', 'BULWARK_CSRF_SECRET', 'BULWARK_ENCRYPTION_KEYS', 'BULWARK_JWT_SECRET']);
    const good = checkEnv(goodEnv());
    expect(good.ok && good.config.production).toBe(true);
  });

  it('property: any values for its variables give a config or a ConfigurationError, nothing else', () => {
    const names = [...ENV_VARIABLES, 'NODE_ENV', 'BULWARK_OTHER'];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constant('changeme'))), (env) => {
        try {
          fromEnv(env);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigurationError);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('secretWeakness and maskSecret', () => {
  it('passes what `bulwark keygen` makes, every time', () => {
    let weak = 0;
    for (let i = 0; i < 2000; i++) if (secretWeakness(random()) !== undefined) weak++;
    for (let i = 0; i < 500; i++) if (secretWeakness(randomBytes(32).toString('hex')) !== undefined) weak++;
    expect(weak).toBe(0);
  });

  it('masks everything but the length', () => {
    expect(maskSecret('abcdefgh')).toBe('**** (8 characters)');
    expect(maskSecret(undefined)).toBe('(not set)');
  });
});
