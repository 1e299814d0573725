import { randomBytes } from 'node:crypto';
import { hash as argon2Hash } from '@node-rs/argon2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidInputError, LimitExceededError } from '../../src/core/errors.js';
import {
  createPasswordHasher,
  dummyVerifyPassword,
  hashPassword,
  MAX_PASSWORD_BYTES,
  PASSWORD_HASH_DEFAULTS,
  verifyPassword,
} from '../../src/core/passwords/index.js';
import { splitKeyId, withKeyId } from '../../src/core/passwords/phc.js';

/** The parameters a PHC string carries: `$argon2id$v=19$m=19456,t=2,p=1[,keyid=..]$salt$hash`. */
function phcParams(phc: string): { algorithm: string; version: string; params: Record<string, string> } {
  const [, algorithm, version, params] = phc.split('$');
  return { algorithm: algorithm!, version: version!, params: Object.fromEntries(params!.split(',').map((p) => p.split('=') as [string, string])) };
}

const pepperA = randomBytes(32);
const pepperB = randomBytes(32);

describe('hashPassword / verifyPassword', () => {
  it('makes argon2id PHC strings that carry OWASP-minimum parameters, salted per hash', async () => {
    const [first, second] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    const { algorithm, version, params } = phcParams(first);
    expect(algorithm).toBe('argon2id');
    expect(version).toBe('v=19');
    expect(Number(params.m)).toBeGreaterThanOrEqual(19456);
    expect(Number(params.t)).toBeGreaterThanOrEqual(2);
    expect(Number(params.p)).toBeGreaterThanOrEqual(1);
    expect(first).not.toBe(second);
    expect(await verifyPassword(first, 'correct horse')).toEqual({ valid: true, needsRehash: false });
    expect(await verifyPassword(second, 'correct horse')).toEqual({ valid: true, needsRehash: false });
  });

  it('rejects a wrong password, and never asks to rehash on a failure', async () => {
    const weak = await argon2Hash('secret-one', { memoryCost: 8192, timeCost: 1, parallelism: 1 });
    const stored = await hashPassword('secret-one');
    expect(await verifyPassword(stored, 'secret-two')).toEqual({ valid: false, needsRehash: false });
    expect(await verifyPassword(stored, 'Secret-one')).toEqual({ valid: false, needsRehash: false });
    expect(await verifyPassword(weak, 'secret-two')).toEqual({ valid: false, needsRehash: false });
  });

  it('reports needsRehash for weaker argon2id hashes and other argon2 variants, and when the settings rise', async () => {
    const weaker = [
      await argon2Hash('pw', { memoryCost: 8192, timeCost: 2, parallelism: 1, algorithm: 2 }),
      await argon2Hash('pw', { memoryCost: 19456, timeCost: 1, parallelism: 1, algorithm: 2 }),
      await argon2Hash('pw', { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 1 }), // argon2i
    ];
    for (const stored of weaker) expect(await verifyPassword(stored, 'pw')).toEqual({ valid: true, needsRehash: true });
    const current = await hashPassword('pw');
    expect((await verifyPassword(current, 'pw')).needsRehash).toBe(false);
    // The defaults rise (as a deployment would raise them): yesterday's hashes upgrade at the next login.
    const raised = { memoryCost: PASSWORD_HASH_DEFAULTS.memoryCost * 2, timeCost: 3 };
    expect(await verifyPassword(current, 'pw', raised)).toEqual({ valid: true, needsRehash: true });
    const upgraded = await hashPassword('pw', raised);
    expect(phcParams(upgraded).params).toMatchObject({ m: String(raised.memoryCost), t: '3' });
    expect(await verifyPassword(upgraded, 'pw', raised)).toEqual({ valid: true, needsRehash: false });
  });

  it('NFKC-normalizes, so composed and decomposed forms of one password match', async () => {
    const stored = await hashPassword('Ångström ﬁx'); // precomposed Å, the "ﬁ" ligature
    expect((await verifyPassword(stored, 'A\u030Angstro\u0308m fix')).valid).toBe(true);
    const raw = await hashPassword('Ångström', { normalize: false });
    expect((await verifyPassword(raw, 'A\u030Angstro\u0308m', { normalize: false })).valid).toBe(false);
  });

  it('caps input at 1024 bytes: hashing refuses, verification is simply not valid', async () => {
    const stored = await hashPassword('x'.repeat(MAX_PASSWORD_BYTES));
    await expect(hashPassword('x'.repeat(MAX_PASSWORD_BYTES + 1))).rejects.toBeInstanceOf(LimitExceededError);
    await expect(hashPassword('é'.repeat(513))).rejects.toBeInstanceOf(LimitExceededError); // 1026 bytes in UTF-8
    expect(await verifyPassword(stored, 'x'.repeat(MAX_PASSWORD_BYTES + 1))).toEqual({ valid: false, needsRehash: false });
    expect(await verifyPassword(stored, 'x'.repeat(5_000_000))).toEqual({ valid: false, needsRehash: false });
    expect((await verifyPassword(stored, 'x'.repeat(MAX_PASSWORD_BYTES))).valid).toBe(true);
  });

  it('refuses malformed stored hashes and options with clear errors', async () => {
    for (const stored of ['', 'plain', '$2b$12$abcdefghijklmnopqrstuu', '$argon2id$v=19$m=19456,t=2,p=1$!!$??']) {
      await expect(verifyPassword(stored, 'pw')).rejects.toBeInstanceOf(InvalidInputError);
    }
    await expect(verifyPassword('$argon2id$v=19$m=19456,t=2000,p=1$c2FsdHNhbHQ$aGFzaA', 'pw')).rejects.toThrow(/more work/);
    await expect(hashPassword(42 as unknown as string)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(hashPassword('pw', { memoryCost: 1024 })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(hashPassword('pw', { timeCost: 1 })).rejects.toThrow(/timeCost/);
    await expect(hashPassword('pw', { memorycost: 20000 } as never)).rejects.toThrow(/did you mean "memoryCost"/);
  });
});

describe('pepper', () => {
  it('HMACs before hashing and names the pepper in the PHC string; without the pepper the hash is useless', async () => {
    const stored = await hashPassword('hunter22', { pepper: pepperA });
    expect(phcParams(stored).params.keyid).toBe('1');
    expect(await verifyPassword(stored, 'hunter22', { pepper: pepperA })).toEqual({ valid: true, needsRehash: false });
    expect((await verifyPassword(stored, 'hunter22', { pepper: { current: '1', peppers: { '1': pepperB } } })).valid).toBe(false);
    await expect(verifyPassword(stored, 'hunter22')).rejects.toThrow(/pepper "1".*not configured/);
    // Argon2 alone on the raw password does not match: the pepper is really mixed in.
    const { phc } = splitKeyId(stored)!;
    expect((await verifyPassword(phc, 'hunter22')).valid).toBe(false);
  });

  it('rotates: old hashes verify with their pepper and ask for a rehash under the current one', async () => {
    const old = await hashPassword('hunter22', { pepper: { current: '2024', peppers: { '2024': pepperA } } });
    const ring = { current: '2025', peppers: { '2024': pepperA, '2025': pepperB } };
    expect(await verifyPassword(old, 'hunter22', { pepper: ring })).toEqual({ valid: true, needsRehash: true });
    expect((await verifyPassword(old, 'wrong', { pepper: ring })).valid).toBe(false);
    const fresh = await hashPassword('hunter22', { pepper: ring });
    expect(phcParams(fresh).params.keyid).toBe('2025');
    expect(await verifyPassword(fresh, 'hunter22', { pepper: ring })).toEqual({ valid: true, needsRehash: false });
    // An unpeppered hash from before the pepper existed still verifies, and upgrades.
    const legacy = await hashPassword('hunter22');
    expect(await verifyPassword(legacy, 'hunter22', { pepper: ring })).toEqual({ valid: true, needsRehash: true });
  });

  it('refuses malformed pepper options at once', async () => {
    await expect(hashPassword('pw', { pepper: '' })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(hashPassword('pw', { pepper: { current: 'x', peppers: { y: pepperA } } })).rejects.toThrow(/current/);
    await expect(hashPassword('pw', { pepper: { current: 'a$b', peppers: { 'a$b': pepperA } } })).rejects.toThrow(/id/);
  });

  it('keeps the keyid parameter round-trip exact for any valid id (property)', () => {
    const base = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA';
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9.-]{1,32}$/), (id) => {
        expect(splitKeyId(withKeyId(base, id))).toEqual({ phc: base, keyId: id });
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const split = splitKeyId(text);
        if (split?.keyId !== undefined) expect(withKeyId(split.phc, split.keyId).length).toBe(text.length);
      }),
    );
  });
});

describe('unknown users', () => {
  it('dummy verification runs and is never valid (its cost is measured in bench/passwords.bench.ts)', async () => {
    expect(await dummyVerifyPassword('whatever')).toEqual({ valid: false, needsRehash: false });
    expect(await verifyPassword(undefined, 'whatever')).toEqual({ valid: false, needsRehash: false });
    expect(await verifyPassword(null, '')).toEqual({ valid: false, needsRehash: false });
    const hasher = createPasswordHasher({ pepper: pepperA });
    expect(await hasher.dummyVerify('x')).toEqual({ valid: false, needsRehash: false });
    const stored = await hasher.hash('x');
    expect(await hasher.verify(stored, 'x')).toEqual({ valid: true, needsRehash: false });
    expect(await hasher.verify(undefined, 'x')).toEqual({ valid: false, needsRehash: false });
  });
});
