import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFieldEncryptor, Fernet, fernetKeyId, InvalidToken, MAX_CLOCK_SKEW, MultiFernet } from '../../src/core/crypto/index.js';
import { decodeBase64UrlStrict, encodeBase64Url } from '../../src/core/crypto/base64url.js';
import { ConfigurationError, InvalidInputError } from '../../src/core/errors.js';

const CORPUS = new URL('../../../shared/corpora/fernet/', import.meta.url);

interface Vector {
  token: string;
  now: string;
  secret: string;
  src?: string;
  iv?: number[];
  ttl_sec?: number;
  desc?: string;
}

function vectors(name: string): Vector[] {
  return JSON.parse(readFileSync(new URL(name, CORPUS), 'utf8')) as Vector[];
}

/** Spec times are RFC 3339 with an offset; Fernet counts whole seconds since the epoch. */
const seconds = (rfc3339: string): number => Date.parse(rfc3339) / 1000;

/** The InvalidToken a call throws, or a test failure if it throws anything else or nothing. */
function invalidTokenFrom(call: () => unknown): InvalidToken {
  try {
    call();
  } catch (error) {
    if (error instanceof InvalidToken) return error;
    throw new Error(`expected InvalidToken, got ${String(error)}`);
  }
  throw new Error('expected InvalidToken, but the call succeeded');
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('Fernet spec vectors (github.com/fernet/spec)', () => {
  it('generate.json: produces the exact tokens', () => {
    const cases = vectors('generate.json');
    let passed = 0;
    for (const v of cases) {
      const produced = new Fernet(v.secret).encrypt(v.src!, { timestamp: seconds(v.now), iv: Uint8Array.from(v.iv!) });
      if (produced === v.token) passed++;
    }
    console.log(`fernet spec generate: ${passed}/${cases.length} (${((100 * passed) / cases.length).toFixed(0)}%)`);
    expect(passed).toBe(cases.length);
  });

  it('verify.json: decrypts to the source text', () => {
    const cases = vectors('verify.json');
    let passed = 0;
    for (const v of cases) {
      if (new Fernet(v.secret).decryptString(v.token, { ttl: v.ttl_sec!, now: seconds(v.now) }) === v.src) passed++;
    }
    console.log(`fernet spec verify: ${passed}/${cases.length} (${((100 * passed) / cases.length).toFixed(0)}%)`);
    expect(passed).toBe(cases.length);
  });

  it('invalid.json: rejects every token with the same error and message', () => {
    const cases = vectors('invalid.json');
    const messages = new Set<string>();
    for (const v of cases) {
      const error = invalidTokenFrom(() => new Fernet(v.secret).decrypt(v.token, { ttl: v.ttl_sec!, now: seconds(v.now) }));
      expect(error.code).toBe('ERR_BULWARK_DECRYPTION_FAILED');
      messages.add(error.message);
    }
    console.log(`fernet spec invalid: ${cases.length}/${cases.length} rejected (100%)`);
    expect(messages.size).toBe(1);
  });
});

describe('Fernet', () => {
  const key = Fernet.generateKey();
  const fernet = new Fernet(key);

  it('round-trips text and bytes of every length around the block size', () => {
    for (let length = 0; length <= 49; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      const token = fernet.encrypt(bytes);
      expect(token).toMatch(/^gAAAAA[A-Za-z0-9_-]+=*$/);
      expect(token.length % 4).toBe(0);
      const out = fernet.decrypt(token);
      expect(out).toBeInstanceOf(Uint8Array);
      expect([...out]).toEqual([...bytes]);
    }
    expect(fernet.decryptString(fernet.encrypt('héllo ✓'))).toBe('héllo ✓');
  });

  it('writes a fresh IV per token and the current time', () => {
    const before = Math.floor(Date.now() / 1000);
    const a = fernet.encrypt('same');
    const b = fernet.encrypt('same');
    expect(a).not.toBe(b);
    expect(fernet.extractTimestamp(a)).toBeGreaterThanOrEqual(before);
    expect(fernet.extractTimestamp(a)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('accepts the token as ASCII bytes, as Python does', () => {
    const token = fernet.encrypt('bytes token');
    expect(fernet.decryptString(utf8(token))).toBe('bytes token');
  });

  it('extractTimestamp returns the written time and refuses tampered tokens', () => {
    const token = fernet.encrypt('x', { timestamp: 1_234_567_890 });
    expect(fernet.extractTimestamp(token)).toBe(1_234_567_890);
    invalidTokenFrom(() => new Fernet(Fernet.generateKey()).extractTimestamp(token));
    invalidTokenFrom(() => fernet.extractTimestamp(token.slice(0, -4)));
  });

  it('applies the TTL as Python does: expired after timestamp + ttl, refused beyond 60 s in the future', () => {
    const at = 1_700_000_000;
    const token = fernet.encrypt('ttl', { timestamp: at });
    expect(fernet.decryptString(token, { ttl: 10, now: at + 10 })).toBe('ttl');
    invalidTokenFrom(() => fernet.decrypt(token, { ttl: 10, now: at + 11 }));
    expect(fernet.decryptString(token, { ttl: 10, now: at - MAX_CLOCK_SKEW })).toBe('ttl');
    invalidTokenFrom(() => fernet.decrypt(token, { ttl: 10, now: at - MAX_CLOCK_SKEW - 1 }));
    expect(fernet.decryptString(token, { ttl: 0, now: at })).toBe('ttl');
    // Without a TTL, age and clock skew are not checked (Python's decrypt(token) without ttl).
    expect(fernet.decryptString(token)).toBe('ttl');
    expect(fernet.decryptString(fernet.encrypt('future', { timestamp: Math.floor(Date.now() / 1000) + 3600 }))).toBe('future');
  });

  it('uses the current time for a TTL by default', () => {
    const now = Math.floor(Date.now() / 1000);
    expect(fernet.decryptString(fernet.encrypt('fresh'), { ttl: 60 })).toBe('fresh');
    invalidTokenFrom(() => fernet.decrypt(fernet.encrypt('old', { timestamp: now - 120 }), { ttl: 60 }));
  });

  it('refuses a token made with another key', () => {
    invalidTokenFrom(() => new Fernet(Fernet.generateKey()).decrypt(fernet.encrypt('not yours')));
  });

  it('rejects every single-bit flip of a token, in its text and in its bytes', () => {
    for (const token of [vectors('verify.json')[0]!.token, fernet.encrypt('a'), fernet.encrypt('sixteen bytes!!!'), fernet.encrypt('x'.repeat(40))]) {
      const verifier = token === vectors('verify.json')[0]!.token ? new Fernet(vectors('verify.json')[0]!.secret) : fernet;
      let flips = 0;
      for (let i = 0; i < token.length; i++) {
        for (let bit = 0; bit < 8; bit++) {
          const flipped = token.slice(0, i) + String.fromCharCode(token.charCodeAt(i) ^ (1 << bit)) + token.slice(i + 1);
          invalidTokenFrom(() => verifier.decrypt(flipped));
          flips++;
        }
      }
      const bytes = Buffer.from(token, 'base64url');
      for (let i = 0; i < bytes.length; i++) {
        for (let bit = 0; bit < 8; bit++) {
          const copy = Buffer.from(bytes);
          copy[i]! ^= 1 << bit;
          invalidTokenFrom(() => verifier.decrypt(copy.toString('base64url').padEnd(token.length, '=')));
          flips++;
        }
      }
      expect(flips).toBe(8 * (token.length + bytes.length));
    }
  });

  it('rejects other spellings of a valid token', () => {
    const token = fernet.encrypt('one spelling only');
    const body = token.replace(/=+$/, '');
    const variants = [
      body, // padding removed
      `${token}=`,
      ` ${token}`,
      `${token}\n`,
      `${token.slice(0, 20)}\n${token.slice(20)}`,
      token.replaceAll('-', '+').replaceAll('_', '/'),
      token.replace('A', '\u0141'), // U+0141: Node's decoder keeps only the low byte, 0x41 = 'A'
    ].filter((variant) => variant !== token);
    for (const variant of variants) invalidTokenFrom(() => fernet.decrypt(variant));
    expect(fernet.decryptString(token)).toBe('one spelling only');
  });

  it('rejects structurally wrong tokens: version, length, block size', () => {
    const bytes = Buffer.from(fernet.encrypt('structure'), 'base64url');
    const encode = (b: Uint8Array): string => {
      const text = Buffer.from(b).toString('base64url');
      return text + '='.repeat((4 - (text.length % 4)) % 4);
    };
    const wrongVersion = Buffer.from(bytes);
    wrongVersion[0] = 0x81;
    for (const candidate of [wrongVersion, bytes.subarray(0, 72), bytes.subarray(0, bytes.length - 1), Buffer.concat([bytes, Buffer.alloc(16)]), new Uint8Array(0)]) {
      invalidTokenFrom(() => fernet.decrypt(encode(candidate)));
    }
    for (const junk of ['', '=', '====', 'gAAAAA', 'not a token at all']) invalidTokenFrom(() => fernet.decrypt(junk));
    for (const notText of [undefined, null, 42, {}, ['gAAAA']]) invalidTokenFrom(() => fernet.decrypt(notText as unknown as string));
  });

  it('takes keys in URL-safe or standard base64, or as 32 raw bytes', () => {
    const raw = crypto.getRandomValues(new Uint8Array(32));
    const urlSafe = Buffer.from(raw).toString('base64url') + '=';
    const standard = Buffer.from(raw).toString('base64');
    const token = new Fernet(urlSafe).encrypt('k');
    expect(new Fernet(standard).decryptString(token)).toBe('k');
    expect(new Fernet(raw).decryptString(token)).toBe('k');
    expect(new Fernet(urlSafe.slice(0, -1)).decryptString(token)).toBe('k');
  });

  it('refuses malformed keys with a ConfigurationError that does not echo the key', () => {
    const short = Buffer.from(crypto.getRandomValues(new Uint8Array(31))).toString('base64url');
    for (const bad of [short, `${Fernet.generateKey()}AAAA`, 'not base64 at all!', '', new Uint8Array(16), utf8(Fernet.generateKey()), 42]) {
      let error: unknown;
      try {
        new Fernet(bad as string);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      if (typeof bad === 'string' && bad.length > 0) expect((error as Error).message).not.toContain(bad);
    }
  });

  it('generateKey makes distinct 32-byte URL-safe keys', () => {
    const keys = new Set(Array.from({ length: 50 }, () => Fernet.generateKey()));
    expect(keys.size).toBe(50);
    for (const k of keys) {
      expect(k).toMatch(/^[A-Za-z0-9_-]{43}=$/);
      expect(Buffer.from(k, 'base64url').length).toBe(32);
    }
  });

  it('refuses bad options with InvalidInputError', () => {
    expect(() => fernet.encrypt('x', { iv: new Uint8Array(15) })).toThrow(InvalidInputError);
    expect(() => fernet.encrypt('x', { timestamp: 1.5 })).toThrow(InvalidInputError);
    expect(() => fernet.encrypt('x', { timestamp: -1 })).toThrow(InvalidInputError);
    expect(() => fernet.encrypt(42 as unknown as string)).toThrow(InvalidInputError);
    const token = fernet.encrypt('x');
    expect(() => fernet.decrypt(token, { ttl: -1 })).toThrow(InvalidInputError);
    expect(() => fernet.decrypt(token, { ttl: Number.NaN })).toThrow(InvalidInputError);
    expect(() => fernet.decrypt(token, { ttl: 10, now: Number.POSITIVE_INFINITY })).toThrow(InvalidInputError);
    // Python's positional ttl would otherwise mean "no TTL" here.
    expect(() => fernet.decrypt(token, 60 as never)).toThrow(InvalidInputError);
  });

  it('decryptString refuses plaintext that is not UTF-8 with InvalidInputError', () => {
    expect(() => fernet.decryptString(fernet.encrypt(Uint8Array.of(0xff, 0xfe)))).toThrow(InvalidInputError);
  });

  it('property: encrypt then decrypt returns the data, with any timestamp and IV', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (data, timestamp, iv) => {
          const token = fernet.encrypt(data, { timestamp, iv });
          expect([...fernet.decrypt(token)]).toEqual([...data]);
          expect(fernet.extractTimestamp(token)).toBe(timestamp);
        },
      ),
    );
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => {
      expect(fernet.decryptString(fernet.encrypt(text))).toBe(text);
    }));
  });

  it('property: any other string is InvalidToken, never another error', () => {
    const valid = fernet.encrypt('property');
    const base64ish = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ ') });
    const mutated = fc.tuple(fc.nat(valid.length - 1), fc.nat(valid.length), fc.string({ maxLength: 8 })).map(([from, to, insert]) => valid.slice(0, from) + insert + valid.slice(Math.max(from, to)));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), base64ish, base64ish.map((s) => `gAAAAA${s}`), mutated), (garbage) => {
        fc.pre(garbage !== valid);
        invalidTokenFrom(() => fernet.decrypt(garbage));
        invalidTokenFrom(() => fernet.extractTimestamp(garbage));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('token base64 decoding', () => {
  it('property: accepts exactly the one spelling encodeBase64Url writes', () => {
    const spellings = fc.uint8Array({ minLength: 1, maxLength: 40 }).chain((bytes) => {
      const canonical = encodeBase64Url(bytes);
      const edits = fc.tuple(fc.nat(canonical.length - 1), fc.constantFrom('A', 'B', 'C', 'Q', 'g', 'w', '-', '_', '+', '/', '=', ' ', '\n', '\u0141', '\u00c1', '%'));
      const edited = edits.map(([at, char]) => canonical.slice(0, at) + char + canonical.slice(at + 1));
      return fc.tuple(fc.constant(bytes), fc.constant(canonical), fc.oneof(fc.constant(canonical), edited));
    });
    fc.assert(
      fc.property(spellings, ([bytes, canonical, text]) => {
        const decoded = decodeBase64UrlStrict(text);
        if (text === canonical) expect([...decoded!]).toEqual([...bytes]);
        else if (decoded) expect(encodeBase64Url(decoded)).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('MultiFernet', () => {
  const [newKey, oldKey, otherKey] = [Fernet.generateKey(), Fernet.generateKey(), Fernet.generateKey()];
  const multi = new MultiFernet([newKey, new Fernet(oldKey)]);

  it('encrypts with the first key and decrypts with any', () => {
    const token = multi.encrypt('current');
    expect(new Fernet(newKey).decryptString(token)).toBe('current');
    invalidTokenFrom(() => new Fernet(oldKey).decrypt(token));
    expect(multi.decryptString(new Fernet(oldKey).encrypt('legacy'))).toBe('legacy');
    invalidTokenFrom(() => multi.decrypt(new Fernet(otherKey).encrypt('stranger')));
  });

  it('rotate re-encrypts under the first key and keeps the timestamp', () => {
    const old = new Fernet(oldKey).encrypt('rotate me', { timestamp: 1_600_000_000 });
    const rotated = multi.rotate(old);
    expect(rotated).not.toBe(old);
    expect(new Fernet(newKey).decryptString(rotated)).toBe('rotate me');
    expect(new Fernet(newKey).extractTimestamp(rotated)).toBe(1_600_000_000);
    expect(multi.extractTimestamp(old)).toBe(1_600_000_000);
    // Rotation ignores age, and the TTL keeps counting from the original time.
    invalidTokenFrom(() => multi.decrypt(rotated, { ttl: 60 }));
    invalidTokenFrom(() => multi.rotate(new Fernet(otherKey).encrypt('stranger')));
    invalidTokenFrom(() => multi.rotate('garbage'));
  });

  it('applies TTLs like Fernet', () => {
    const token = new Fernet(oldKey).encrypt('t', { timestamp: 1000 });
    expect(multi.decryptString(token, { ttl: 5, now: 1005 })).toBe('t');
    invalidTokenFrom(() => multi.decrypt(token, { ttl: 5, now: 1006 }));
  });

  it('refuses an empty key list', () => {
    expect(() => new MultiFernet([])).toThrow(ConfigurationError);
    expect(() => new MultiFernet(['short'])).toThrow(ConfigurationError);
  });
});

describe('createFieldEncryptor', () => {
  const [k2025, k2024] = [Fernet.generateKey(), Fernet.generateKey()];

  it('round-trips JSON values and shows the key id in the stored text', () => {
    const fields = createFieldEncryptor({ keys: [{ id: 'k2025', key: k2025 }] });
    const value = { url: 'https://hooks.example/x', secret: 'whsec_abc', retries: 3, enabled: true, tags: ['a', null] };
    const stored = fields.encrypt(value);
    expect(stored.startsWith('k2025:gAAAAA')).toBe(true);
    expect(fields.keyIdOf(stored)).toBe('k2025');
    expect(fields.decrypt(stored)).toEqual(value);
    // The part after the colon is a plain Fernet token.
    expect(JSON.parse(new Fernet(k2025).decryptString(stored.slice('k2025:'.length)))).toEqual(value);
  });

  it('derives stable ids for bare keys', () => {
    const fields = createFieldEncryptor({ keys: [k2025] });
    expect(fields.currentKeyId).toBe(fernetKeyId(k2025));
    expect(fernetKeyId(k2025)).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(fernetKeyId(k2025)).not.toBe(fernetKeyId(k2024));
    expect(fernetKeyId(Buffer.from(k2025, 'base64url'))).toBe(fernetKeyId(k2025));
  });

  it('makes rotation visible and rotates to the current key', () => {
    const before = createFieldEncryptor({ keys: [{ id: 'k2024', key: k2024 }] });
    const after = createFieldEncryptor({ keys: [{ id: 'k2025', key: k2025 }, { id: 'k2024', key: k2024 }] });
    const old = before.encrypt('s3cret');
    expect(after.needsRotation(old)).toBe(true);
    expect(after.decrypt(old)).toBe('s3cret');
    const rotated = after.rotate(old);
    expect(after.keyIdOf(rotated)).toBe('k2025');
    expect(after.needsRotation(rotated)).toBe(false);
    expect(after.rotate(rotated)).toBe(rotated);
    expect(after.decrypt(rotated)).toBe('s3cret');
    invalidTokenFrom(() => before.decrypt(rotated));
  });

  it('refuses unknown key ids, tampering and malformed text with InvalidToken', () => {
    const fields = createFieldEncryptor({ keys: [{ id: 'a', key: k2025 }] });
    const stored = fields.encrypt([1, 2, 3]);
    for (const bad of ['b' + stored.slice(1), stored.replace(':', ''), stored.slice(0, -3) + 'AA=', ':' + stored, 'no colon', 42 as unknown as string]) {
      invalidTokenFrom(() => fields.decrypt(bad));
    }
    expect(fields.needsRotation('garbage')).toBe(true);
    expect(fields.keyIdOf('garbage')).toBeUndefined();
  });

  it('refuses bad configuration and non-JSON values', () => {
    expect(() => createFieldEncryptor({ keys: [] })).toThrow(ConfigurationError);
    expect(() => createFieldEncryptor({ keys: [{ id: 'has space', key: k2025 }] })).toThrow(ConfigurationError);
    expect(() => createFieldEncryptor({ keys: [{ id: 'x', key: k2025 }, { id: 'x', key: k2024 }] })).toThrow(ConfigurationError);
    const fields = createFieldEncryptor({ keys: [k2025] });
    expect(() => fields.encrypt(undefined as unknown as null)).toThrow(InvalidInputError);
  });

  it('property: any JSON value round-trips', () => {
    const fields = createFieldEncryptor({ keys: [k2025, k2024] });
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      expect(fields.decrypt(fields.encrypt(value as never))).toEqual(JSON.parse(JSON.stringify(value)));
    }));
  });
});
