/** bulwark/tokens: issue, verify, rotation with reuse detection, revocation, binding, keys, and the usual JWT attacks. */

import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT, base64url, type JWK } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError, InvalidInputError } from '../../src/core/errors.js';
import { createMemoryStore, StoreUnavailableError, type SecurityStore } from '../../src/core/store/index.js';
import {
  createTokenManager,
  importKeys,
  TokenError,
  type TokenEvent,
  type TokenManagerOptions,
} from '../../src/core/tokens/index.js';

const ISSUER = 'https://auth.example';
const AUDIENCE = 'https://api.example';

function edKey(kid: string): { jwk: JWK; privateKey: KeyObject; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { jwk: { ...(privateKey.export({ format: 'jwk' }) as JWK), kid }, privateKey, publicKey };
}

const current = edKey('k1');

function setup(extra: Partial<TokenManagerOptions> = {}) {
  const events: TokenEvent[] = [];
  const manager = createTokenManager({ keys: [current.jwk], issuer: ISSUER, audience: AUDIENCE, onEvent: (e) => events.push(e), ...extra });
  return { manager, events };
}

/** Rejects with a TokenError of this code (and reason, when given). */
async function expectFailure(promise: Promise<unknown>, code: string, reason?: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenError);
  expect((error as TokenError).code).toBe(code);
  if (reason !== undefined) expect((error as TokenError).reason).toBe(reason);
}

/** A token signed with `key` and arbitrary header and claims: what an attacker (or a bug) might produce. */
function forge(header: Record<string, unknown>, claims: Record<string, unknown> = {}, key: KeyObject = current.privateKey): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', iat: now, exp: now + 600, jti: 'x', sid: 'f', ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt', ...header } as never)
    .sign(key);
}

const encode = (value: unknown): string => base64url.encode(JSON.stringify(value));
const decode = (segment: string): Record<string, unknown> => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;

/** Signs any header with node:crypto directly (jose will not sign a `crit` it does not know). */
function signRaw(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const input = `${encode({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt', ...header })}.${encode({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', iat: now, exp: now + 600, jti: 'x', sid: 'f', ...claims })}`;
  return `${input}.${sign(null, Buffer.from(input), current.privateKey).toString('base64url')}`;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('issue and verifyAccess', () => {
  it('round-trips the subject and custom claims with iss, aud, exp, iat, a UUIDv7 jti and the family', async () => {
    const { manager, events } = setup();
    const pair = await manager.issue('alice', { role: 'admin' });
    expect(pair).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: 604_800 });
    const claims = await manager.verifyAccess(pair.accessToken);
    expect(claims).toMatchObject({ sub: 'alice', role: 'admin', iss: ISSUER, aud: AUDIENCE, sid: pair.familyId });
    expect(claims.exp - claims.iat).toBe(900);
    expect(claims.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(events.map((e) => e.type)).toEqual(['authn_token_created']);
    expect(JSON.stringify(events)).not.toContain(pair.accessToken);
  });

  it('refuses reserved claims, bad subjects and claims that are not JSON', async () => {
    const { manager } = setup();
    await expect(manager.issue('alice', { sub: 'root' })).rejects.toThrow(InvalidInputError);
    await expect(manager.issue('alice', { exp: 1 })).rejects.toThrow(InvalidInputError);
    await expect(manager.issue('')).rejects.toThrow(InvalidInputError);
    await expect(manager.issue('a\nb')).rejects.toThrow(InvalidInputError);
    await expect(manager.issue('alice', { big: 'x'.repeat(5000) })).rejects.toThrow(InvalidInputError);
    await expect(manager.issue('alice', { n: 1n } as never)).rejects.toThrow(InvalidInputError);
  });

  it('does not accept a refresh token as an access token, or the reverse', async () => {
    const { manager } = setup();
    const pair = await manager.issue('alice');
    await expectFailure(manager.verifyAccess(pair.refreshToken), 'ERR_BULWARK_TOKEN_INVALID');
    await expectFailure(manager.refresh(pair.accessToken), 'ERR_BULWARK_TOKEN_INVALID');
  });
});

describe('refresh rotation and reuse detection', () => {
  it('consumes the refresh token; presenting it again revokes the whole family', async () => {
    const { manager, events } = setup();
    const first = await manager.issue('alice', { role: 'user' });
    const second = await manager.refresh(first.refreshToken);
    expect(second.familyId).toBe(first.familyId);
    expect(await manager.verifyAccess(second.accessToken)).toMatchObject({ sub: 'alice', role: 'user' });

    await expectFailure(manager.refresh(first.refreshToken), 'ERR_BULWARK_TOKEN_REUSED', 'reused');
    expect(events.find((e) => e.type === 'authn_token_reuse')).toMatchObject({ level: 'CRITICAL', details: { subject: 'alice', family: first.familyId } });
    await expectFailure(manager.refresh(second.refreshToken), 'ERR_BULWARK_TOKEN_REVOKED', 'family_revoked');
    await expectFailure(manager.verifyAccess(second.accessToken), 'ERR_BULWARK_TOKEN_REVOKED', 'family_revoked');
    // Other families of the same subject are untouched.
    const other = await manager.issue('alice');
    expect((await manager.verifyAccess(other.accessToken)).sub).toBe('alice');
  });

  it('of 50 concurrent refreshes of one token, exactly one gets a pair', async () => {
    const { manager } = setup();
    const { refreshToken } = await manager.issue('alice');
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => manager.refresh(refreshToken)));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(['ERR_BULWARK_TOKEN_REUSED', 'ERR_BULWARK_TOKEN_REVOKED']).toContain((r.reason as TokenError).code);
    await expectFailure(manager.refresh((won[0] as PromiseFulfilledResult<{ refreshToken: string }>).value.refreshToken), 'ERR_BULWARK_TOKEN_REVOKED');
  });

  it('with a grace window, a second use inside it gets another pair; after it, the family is revoked', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { manager } = setup({ reuseGraceSeconds: 5 });
    const first = await manager.issue('alice');
    const a = await manager.refresh(first.refreshToken);
    const b = await manager.refresh(first.refreshToken);
    expect(b.familyId).toBe(a.familyId);
    expect(b.refreshToken).not.toBe(a.refreshToken);
    vi.setSystemTime(Date.now() + 6000);
    await expectFailure(manager.refresh(first.refreshToken), 'ERR_BULWARK_TOKEN_REUSED');
    await expectFailure(manager.refresh(a.refreshToken), 'ERR_BULWARK_TOKEN_REVOKED');
  });

  it('an expired refresh token is refused as expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { manager } = setup({ refreshTtlSeconds: 3600 });
    const { refreshToken } = await manager.issue('alice');
    vi.setSystemTime(Date.now() + 3600_000 + 10_000);
    await expectFailure(manager.refresh(refreshToken), 'ERR_BULWARK_TOKEN_EXPIRED', 'expired');
  });
});

describe('revocation', () => {
  it('revoke(access) denylists that token only; revoke(refresh) ends its family (logout)', async () => {
    const { manager } = setup();
    const one = await manager.issue('alice');
    const two = await manager.issue('alice');
    await manager.revoke(one.accessToken);
    await expectFailure(manager.verifyAccess(one.accessToken), 'ERR_BULWARK_TOKEN_REVOKED', 'revoked');
    expect((await manager.verifyAccess(two.accessToken)).sub).toBe('alice');
    const next = await manager.refresh(one.refreshToken); // the family lives on
    await manager.revoke(next.refreshToken);
    await expectFailure(manager.refresh(next.refreshToken), 'ERR_BULWARK_TOKEN_REVOKED');
    await expectFailure(manager.verifyAccess(next.accessToken), 'ERR_BULWARK_TOKEN_REVOKED', 'family_revoked');
  });

  it('revokeAllForSubject ends every earlier token of the subject, even from this millisecond; later logins work', async () => {
    const { manager } = setup();
    const bob = await manager.issue('bob');
    const carol = await manager.issue('carol');
    await manager.revokeAllForSubject('bob');
    const again = await manager.issue('bob');
    await expectFailure(manager.verifyAccess(bob.accessToken), 'ERR_BULWARK_TOKEN_REVOKED', 'subject_revoked');
    await expectFailure(manager.refresh(bob.refreshToken), 'ERR_BULWARK_TOKEN_REVOKED', 'subject_revoked');
    expect((await manager.verifyAccess(again.accessToken)).sub).toBe('bob');
    expect((await manager.verifyAccess(carol.accessToken)).sub).toBe('carol');
  });

  it('revoke refuses tokens it cannot verify, so nobody fills the denylist with forgeries', async () => {
    const { manager } = setup();
    const stranger = edKey('k1');
    await expectFailure(manager.revoke(await forge({}, {}, stranger.privateKey)), 'ERR_BULWARK_TOKEN_INVALID', 'signature');
    await expectFailure(manager.revoke('not a token'), 'ERR_BULWARK_TOKEN_INVALID', 'malformed');
  });
});

describe('attacks', () => {
  const { manager } = setup();

  it('alg none, in any spelling, is refused', async () => {
    const claims = encode({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', iat: 1, exp: 4e9, jti: 'x', sid: 'f' });
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      await expectFailure(manager.verifyAccess(`${encode({ alg, typ: 'at+jwt' })}.${claims}.`), 'ERR_BULWARK_TOKEN_INVALID');
      await expectFailure(manager.verifyAccess(`${encode({ alg, typ: 'at+jwt' })}.${claims}.c2ln`), 'ERR_BULWARK_TOKEN_INVALID');
    }
  });

  it('HS256 signed with the public key (algorithm confusion) is refused', async () => {
    const header = encode({ alg: 'HS256', kid: 'k1', typ: 'at+jwt' });
    const claims = encode({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', iat: 1, exp: 4e9, jti: 'x', sid: 'f' });
    for (const secret of [current.publicKey.export({ format: 'pem', type: 'spki' }), Buffer.from(current.jwk.x!, 'base64url'), current.jwk.x!]) {
      const mac = createHmac('sha256', secret).update(`${header}.${claims}`).digest('base64url');
      await expectFailure(manager.verifyAccess(`${header}.${claims}.${mac}`), 'ERR_BULWARK_TOKEN_INVALID', 'algorithm');
    }
  });

  it('a token signed by another key is refused, with the same kid or another one', async () => {
    const stranger = edKey('k1');
    await expectFailure(manager.verifyAccess(await forge({}, {}, stranger.privateKey)), 'ERR_BULWARK_TOKEN_INVALID', 'signature');
    await expectFailure(manager.verifyAccess(await forge({ kid: 'k2' }, {}, stranger.privateKey)), 'ERR_BULWARK_TOKEN_INVALID', 'key');
  });

  it('kid path and SQL injection only ever miss the key map', async () => {
    for (const kid of ['../../../../dev/null', "' OR '1'='1", 'k1; DROP TABLE keys', 'k1\u0000', 'http://evil.example/key']) {
      await expectFailure(manager.verifyAccess(await forge({ kid })), 'ERR_BULWARK_TOKEN_INVALID', 'key');
    }
  });

  it('jku, x5u, jwk, x5c and crit headers are refused even on a genuine signature', async () => {
    const stranger = edKey('evil');
    for (const header of [{ jku: 'https://evil.example/jwks.json' }, { x5u: 'https://evil.example/cert.pem' }, { jwk: stranger.publicKey.export({ format: 'jwk' }) }, { x5c: ['MIIB'] }]) {
      await expectFailure(manager.verifyAccess(await forge(header)), 'ERR_BULWARK_TOKEN_INVALID', 'header');
    }
    await expectFailure(manager.verifyAccess(signRaw({ crit: ['exp'] }, {})), 'ERR_BULWARK_TOKEN_INVALID', 'header');
    await expectFailure(manager.verifyAccess(signRaw({ crit: ['b64'], b64: false }, {})), 'ERR_BULWARK_TOKEN_INVALID');
    expect((await manager.verifyAccess(signRaw({}, {}))).sub).toBe('alice'); // the raw signer itself is sound
  });

  it('expired, not yet valid, wrong audience, wrong issuer, wrong type and missing claims are refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectFailure(manager.verifyAccess(await forge({}, { iat: now - 1000, exp: now - 60 })), 'ERR_BULWARK_TOKEN_EXPIRED');
    await expectFailure(manager.verifyAccess(await forge({}, { nbf: now + 600 })), 'ERR_BULWARK_TOKEN_INVALID', 'not_yet_valid');
    await expectFailure(manager.verifyAccess(await forge({}, { aud: 'https://other.example' })), 'ERR_BULWARK_TOKEN_INVALID', 'claims');
    await expectFailure(manager.verifyAccess(await forge({}, { iss: 'https://evil.example' })), 'ERR_BULWARK_TOKEN_INVALID', 'claims');
    await expectFailure(manager.verifyAccess(await forge({ typ: 'JWT' })), 'ERR_BULWARK_TOKEN_INVALID', 'type');
    await expectFailure(manager.verifyAccess(await forge({}, { jti: undefined })), 'ERR_BULWARK_TOKEN_INVALID', 'claims');
  });

  it('a tampered payload or signature is refused', async () => {
    const { accessToken } = await manager.issue('alice', { role: 'user' });
    const [header, payload, signature] = accessToken.split('.') as [string, string, string];
    const claims = decode(payload);
    await expectFailure(manager.verifyAccess(`${header}.${encode({ ...claims, role: 'admin' })}.${signature}`), 'ERR_BULWARK_TOKEN_INVALID', 'signature');
    const flipped = (signature[5] === 'A' ? 'B' : 'A') + signature.slice(1);
    await expectFailure(manager.verifyAccess(`${header}.${payload}.${signature.slice(0, 5)}${flipped.slice(0, 1)}${signature.slice(6)}`), 'ERR_BULWARK_TOKEN_INVALID');
  });

  it('never throws anything but a TokenError, whatever the input (property)', async () => {
    const { accessToken } = await manager.issue('alice');
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.nat(accessToken.length - 1).chain((i) => fc.string({ minLength: 1, maxLength: 3 }).map((s) => accessToken.slice(0, i) + s + accessToken.slice(i + 1)))), async (input) => {
        if (input === accessToken) return;
        const error = await manager.verifyAccess(input).then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(TokenError);
      }),
      { numRuns: 300 },
    );
  });
});

describe('keys', () => {
  it('rotation: the new key signs, the old key still verifies its tokens, the JWKS lists both', async () => {
    const previous = edKey('k0');
    const before = createTokenManager({ keys: [previous.jwk], issuer: ISSUER, audience: AUDIENCE });
    const after = createTokenManager({ keys: [current.jwk, previous.jwk], issuer: ISSUER, audience: AUDIENCE });
    const old = await before.issue('alice');
    expect((await after.verifyAccess(old.accessToken)).sub).toBe('alice');
    const fresh = await after.issue('alice');
    expect(decode(fresh.accessToken.split('.')[0]!)).toMatchObject({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt' });
    const jwks = after.jwks();
    expect(jwks.keys.map((k) => k.kid)).toEqual(['k1', 'k0']);
    expect(jwks.keys.every((k) => k.d === undefined && k.use === 'sig' && k.alg === 'EdDSA')).toBe(true);
  });

  it('imports PEM, ES256 and RS256 keys and HS256 secrets, and names keys by thumbprint when kid is missing', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const [pem, es, rs] = importKeys([
      { pem: ec.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, kid: 'pem' },
      ec.publicKey.export({ format: 'jwk' }) as JWK,
      { pem: rsa.publicKey.export({ format: 'pem', type: 'spki' }) as string, kid: 'rsa' },
    ]);
    const [hs] = importKeys([{ secret: crypto.getRandomValues(new Uint8Array(32)), kid: 'hs' }]);
    expect([pem!.alg, es!.alg, rs!.alg, hs!.alg]).toEqual(['ES256', 'ES256', 'RS256', 'HS256']);
    expect(es!.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const keys of [[ec.privateKey.export({ format: 'jwk' })], [{ secret: crypto.getRandomValues(new Uint8Array(48)), kid: 'h' }]]) {
      const manager = createTokenManager({ keys: keys as never, issuer: ISSUER, audience: AUDIENCE });
      expect((await manager.verifyAccess((await manager.issue('alice')).accessToken)).sub).toBe('alice');
    }
  });

  it('refuses weak or ambiguous key sets at construction', () => {
    const attempts: unknown[] = [
      [{ kty: 'oct', k: base64url.encode(new Uint8Array(16)), kid: 'short' }],
      [{ secret: 'changeme-changeme-changeme-changeme', kid: 's' }],
      [current.jwk, { ...edKey('k1').jwk }],
      [current.jwk, { secret: crypto.getRandomValues(new Uint8Array(32)), kid: 'hs' }],
      [{ ...current.jwk, use: 'enc' }],
      [{ ...current.jwk, key_ops: ['encrypt'] }],
      [{ ...current.jwk, alg: 'RS256' }],
      [generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' })],
      [generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ format: 'jwk' })],
      [{ kty: 'OKP', crv: 'Ed25519', x: 'not-a-key', kid: 'bad' }],
      [],
    ];
    for (const keys of attempts) expect(() => importKeys(keys as never)).toThrow(ConfigurationError);
    expect(() => createTokenManager({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: current.jwk.x!, kid: 'pub' }], issuer: ISSUER, audience: AUDIENCE })).toThrow(/first key signs/);
    expect(() => createTokenManager({ keys: [current.jwk], issuer: ISSUER, audience: AUDIENCE, algorithms: ['none' as never] })).toThrow(ConfigurationError);
    expect(() => createTokenManager({ keys: [current.jwk], issuer: ISSUER, audince: AUDIENCE } as never)).toThrow(/did you mean "audience"/);
  });
});

describe('binding', () => {
  const browser = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0', clientIp: '198.51.100.7' };
  const thief = { userAgent: 'curl/8.5.0', clientIp: '203.0.113.9' };

  it('reject mode refuses a token presented by another user agent, for access and refresh', async () => {
    const { manager, events } = setup({ binding: true });
    const pair = await manager.issue('alice', undefined, browser);
    expect((await manager.verifyAccess(pair.accessToken, browser)).sub).toBe('alice');
    await expectFailure(manager.verifyAccess(pair.accessToken, thief), 'ERR_BULWARK_TOKEN_INVALID', 'binding');
    await expectFailure(manager.refresh(pair.refreshToken, thief), 'ERR_BULWARK_TOKEN_INVALID', 'binding');
    expect(events.filter((e) => e.type === 'authn_token_binding_mismatch')).toHaveLength(2);
    // Not consumed by the refused attempt: the real client can still refresh.
    expect((await manager.refresh(pair.refreshToken, browser)).familyId).toBe(pair.familyId);
  });

  it('report mode lets the token through and emits an event; an IP prefix binds the network too', async () => {
    const { manager, events } = setup({ binding: { mode: 'report', ipPrefix: { ipv4: 24 } } });
    const pair = await manager.issue('alice', undefined, browser);
    expect((await manager.verifyAccess(pair.accessToken, { ...browser, clientIp: '198.51.100.200' })).sub).toBe('alice');
    expect(events.some((e) => e.type === 'authn_token_binding_mismatch')).toBe(false);
    expect((await manager.verifyAccess(pair.accessToken, { ...browser, clientIp: '198.51.101.7' })).sub).toBe('alice');
    expect(events.filter((e) => e.type === 'authn_token_binding_mismatch')).toHaveLength(1);
  });
});

describe('store failures', () => {
  function failingStore(): SecurityStore {
    const store = createMemoryStore();
    return { ...store, get: () => Promise.reject(new StoreUnavailableError('store: down')) };
  }

  it('deny (default) rejects with StoreUnavailableError; allow accepts the signed token and emits an event', async () => {
    const deny = setup({ store: failingStore() });
    const pair = await deny.manager.issue('alice');
    await expect(deny.manager.verifyAccess(pair.accessToken)).rejects.toThrow(StoreUnavailableError);
    const allow = setup({ store: failingStore(), onStoreError: 'allow' });
    const other = await allow.manager.issue('alice');
    expect((await allow.manager.verifyAccess(other.accessToken)).sub).toBe('alice');
    expect(allow.events.at(-1)).toMatchObject({ type: 'authn_token_store_fail_open', level: 'WARN' });
    // Refresh never fails open: it cannot rotate without the store.
    await expect(allow.manager.refresh(other.refreshToken)).rejects.toThrow(StoreUnavailableError);
  });
});
