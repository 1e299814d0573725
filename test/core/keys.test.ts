import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidInputError } from '../../src/core/errors.js';
import {
  apiKeyId,
  apiKeyNeedsRehash,
  generateApiKey,
  hashApiKey,
  isWellFormedApiKey,
  maskApiKey,
  rotateApiKey,
  verifyApiKey,
} from '../../src/core/keys/index.js';

const pepper = randomBytes(32).toString('base64url');
const otherPepper = randomBytes(32);
const KEY_SHAPE = /^acme_[0-9A-Za-z]{43}_[0-9A-Za-z]{6}$/;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

describe('generateApiKey', () => {
  it('makes prefix_random_checksum keys with a lookup id and an HMAC-SHA256 hash under the pepper', () => {
    const { key, id, hash } = generateApiKey({ prefix: 'acme', pepper });
    expect(key).toMatch(KEY_SHAPE);
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(apiKeyId(key)).toBe(id);
    const expectedMac = createHmac('sha256', Buffer.from(pepper)).update(key).digest('base64url');
    expect(hash).toBe(`hmac-sha256$1$${expectedMac}`);
    expect(hash).not.toContain(key.split('_')[1]);
    expect(verifyApiKey(key, hash, { pepper })).toBe(true);
    expect(isWellFormedApiKey(key)).toBe(true);
  });

  it('draws 256 random bits per key: no repeats, every base62 symbol used', () => {
    const keys = Array.from({ length: 2000 }, () => generateApiKey({ prefix: 'acme', pepper }).key);
    expect(new Set(keys).size).toBe(keys.length);
    const symbols = new Set(keys.flatMap((key) => [...key.split('_')[1]!.slice(1)]));
    expect(symbols.size).toBe(62);
    expect(new Set(keys.map((key) => apiKeyId(key))).size).toBe(keys.length);
  });

  it('checks its options', () => {
    expect(() => generateApiKey({ prefix: 'A', pepper })).toThrow(ConfigurationError);
    expect(() => generateApiKey({ prefix: 'waytoolong', pepper })).toThrow(/2-8 lower-case letters/);
    expect(() => generateApiKey({ prefix: 'acme' } as never)).toThrow(/pepper is required/);
    expect(() => generateApiKey({ prefix: 'acme', pepper, prefx: 'x' } as never)).toThrow(/did you mean "prefix"/);
    expect(generateApiKey({ pepper }).key.startsWith('key_')).toBe(true);
  });
});

describe('verifyApiKey', () => {
  const { key, hash } = generateApiKey({ prefix: 'acme', pepper });

  it('refuses other keys, the wrong pepper and non-keys, repeatedly (the cache of matches is per pepper)', () => {
    expect(verifyApiKey(key, hash, { pepper })).toBe(true);
    expect(verifyApiKey(key, hash, { pepper: otherPepper })).toBe(false);
    expect(verifyApiKey(generateApiKey({ prefix: 'acme', pepper }).key, hash, { pepper })).toBe(false);
    for (const bad of ['', 'acme_', key.slice(0, -1), `${key}x`, key.toUpperCase(), 42, null]) {
      expect(verifyApiKey(bad as string, hash, { pepper })).toBe(false);
    }
    expect(verifyApiKey(key, hash, { pepper })).toBe(true);
  });

  it('fails both checks when any one character is altered (property)', () => {
    const alphabet = [...BASE62, '_', '-', ' ', '.', 'é'];
    fc.assert(
      fc.property(fc.nat({ max: key.length - 1 }), fc.constantFrom(...alphabet), (position, replacement) => {
        fc.pre(key[position] !== replacement);
        const altered = key.slice(0, position) + replacement + key.slice(position + 1);
        expect(isWellFormedApiKey(altered)).toBe(false);
        expect(verifyApiKey(altered, hash, { pepper })).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('throws on a malformed stored hash or a pepper id that is not configured', () => {
    expect(() => verifyApiKey(key, 'sha256$1$abc', { pepper })).toThrow(InvalidInputError);
    expect(() => verifyApiKey(key, hash.slice(0, -1), { pepper })).toThrow(InvalidInputError);
    expect(() => verifyApiKey(key, undefined as never, { pepper })).toThrow(InvalidInputError);
    expect(() => verifyApiKey(key, hash.replace('$1$', '$9$'), { pepper })).toThrow(/pepper "9"/);
    expect(() => verifyApiKey(key, hash, {} as never)).toThrow(ConfigurationError);
  });

  it('rotates peppers: old hashes verify under the ring and report that they need a rehash', () => {
    const ring = { current: '2', peppers: { '1': pepper, '2': otherPepper } };
    expect(verifyApiKey(key, hash, { pepper: ring })).toBe(true);
    expect(apiKeyNeedsRehash(hash, { pepper: ring })).toBe(true);
    const rehashed = hashApiKey(key, { pepper: ring });
    expect(rehashed.startsWith('hmac-sha256$2$')).toBe(true);
    expect(verifyApiKey(key, rehashed, { pepper: ring })).toBe(true);
    expect(apiKeyNeedsRehash(rehashed, { pepper: ring })).toBe(false);
    expect(() => hashApiKey('nope', { pepper })).toThrow(InvalidInputError);
  });
});

describe('isWellFormedApiKey and maskApiKey', () => {
  it('check the shape and checksum offline, optionally the prefix', () => {
    const { key } = generateApiKey({ prefix: 'ab', pepper });
    expect(isWellFormedApiKey(key, { prefix: 'ab' })).toBe(true);
    expect(isWellFormedApiKey(key, { prefix: 'acme' })).toBe(false);
    for (const bad of ['', 'ab_', 'ghp_abc', 'x'.repeat(10_000), undefined, {}]) expect(isWellFormedApiKey(bad as string)).toBe(false);
  });

  it('shows the prefix and the last 4 characters only', () => {
    const { key } = generateApiKey({ prefix: 'acme', pepper });
    const masked = maskApiKey(key);
    expect(masked).toBe(`acme_********${key.slice(-4)}`);
    expect(masked).not.toContain(key.split('_')[1]!.slice(0, 8));
    expect(maskApiKey('sk_live_secret-value')).toBe('****');
    expect(maskApiKey(undefined as never)).toBe('****');
  });

  it('never throws on any input (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        expect(typeof isWellFormedApiKey(text)).toBe('boolean');
        expect(maskApiKey(text)).toMatch(/^(\*{4}|[a-z]{2,8}_\*{8}.{4})$/);
        expect(apiKeyId(text) === undefined).toBe(!isWellFormedApiKey(text));
      }),
    );
  });
});

describe('rotateApiKey', () => {
  it('issues a new key and lets the old one work until the overlap ends', () => {
    const now = Date.UTC(2026, 0, 1);
    const old = generateApiKey({ prefix: 'acme', pepper });
    const { next, previous } = rotateApiKey({ id: old.id, hash: old.hash }, { prefix: 'acme', pepper, overlapMs: 3_600_000, now });
    expect(previous).toEqual({ id: old.id, hash: old.hash, expiresAt: now + 3_600_000 });
    expect(verifyApiKey(old.key, previous, { pepper, now: now + 3_599_999 })).toBe(true);
    expect(verifyApiKey(old.key, previous, { pepper, now: now + 3_600_000 })).toBe(false);
    expect(verifyApiKey(next.key, next.hash, { pepper })).toBe(true);
    expect(next.id).not.toBe(old.id);
    // An earlier expiry is kept; overlap 0 ends the old key at once.
    expect(rotateApiKey({ ...previous }, { pepper, overlapMs: 86_400_000, now }).previous.expiresAt).toBe(now + 3_600_000);
    expect(rotateApiKey({ hash: old.hash }, { pepper, overlapMs: 0, now }).previous.expiresAt).toBe(now);
    expect(() => rotateApiKey({} as never, { pepper })).toThrow(InvalidInputError);
  });
});
