import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { generateSync as otplibGenerate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidInputError } from '../../src/core/errors.js';
import {
  decodeBase32,
  encodeBase32,
  generateHotp,
  generateTotp,
  generateTotpSecret,
  matchTotp,
  verifyTotp,
  type TotpAlgorithm,
} from '../../src/core/mfa/index.js';

const CORPUS = new URL('../../../shared/corpora/totp/', import.meta.url);
const read = <T>(name: string): T => JSON.parse(readFileSync(new URL(name, CORPUS), 'utf8')) as T;

interface HotpVectors {
  secret_base32: string;
  vectors: { counter: number; hotp: string }[];
}
interface TotpVectors {
  digits: number;
  vectors: { time: number; totp: string; mode: TotpAlgorithm; secret_base32: string }[];
}

describe('RFC vectors (../shared/corpora/totp)', () => {
  it('passes all RFC 4226 HOTP vectors', () => {
    const { secret_base32: secret, vectors } = read<HotpVectors>('rfc4226-hotp.json');
    expect(vectors).toHaveLength(10);
    let passed = 0;
    for (const vector of vectors) if (generateHotp(secret, vector.counter) === vector.hotp) passed++;
    console.log(`mfa RFC 4226: ${passed}/${vectors.length} HOTP vectors`);
    expect(passed).toBe(vectors.length);
  });

  it('passes all RFC 6238 TOTP vectors (SHA1, SHA256, SHA512; 8 and 6 digits), generating and verifying', () => {
    const { digits, vectors } = read<TotpVectors>('rfc6238-totp.json');
    expect(vectors).toHaveLength(18);
    let passed = 0;
    for (const { time, totp, mode, secret_base32: secret } of vectors) {
      const timestamp = time * 1000;
      const ok =
        generateTotp(secret, { timestamp, digits, algorithm: mode }) === totp &&
        verifyTotp(totp, secret, { timestamp, digits, algorithm: mode, window: 0 }) &&
        generateTotp(secret, { timestamp, algorithm: mode }) === totp.slice(-6) &&
        verifyTotp(totp.slice(-6), secret, { timestamp, algorithm: mode }) &&
        !verifyTotp(totp, secret, { timestamp, digits, algorithm: mode === 'SHA1' ? 'SHA256' : 'SHA1' });
      if (ok) passed++;
    }
    console.log(`mfa RFC 6238: ${passed}/${vectors.length} TOTP vectors`);
    expect(passed).toBe(vectors.length);
  });
});

describe('verifyTotp', () => {
  const secret = generateTotpSecret();
  const now = Date.UTC(2026, 4, 1, 12, 0, 10);

  it('accepts the current step and one step either side by default, nothing further', () => {
    const at = (steps: number): string => generateTotp(secret, { timestamp: now + steps * 30_000 });
    expect(verifyTotp(at(0), secret, { timestamp: now })).toBe(true);
    expect(verifyTotp(at(-1), secret, { timestamp: now })).toBe(true);
    expect(verifyTotp(at(1), secret, { timestamp: now })).toBe(true);
    expect(verifyTotp(at(-2), secret, { timestamp: now })).toBe(false);
    expect(verifyTotp(at(2), secret, { timestamp: now })).toBe(false);
    expect(verifyTotp(at(-2), secret, { timestamp: now, window: 2 })).toBe(true);
    expect(verifyTotp(at(1), secret, { timestamp: now, window: 0 })).toBe(false);
    expect(matchTotp(at(-1), secret, { timestamp: now })).toEqual({ step: Math.floor(now / 30_000) - 1, delta: -1 });
  });

  it('never accepts a token that is not exactly the digits', () => {
    const code = generateTotp(secret, { timestamp: now });
    for (const bad of [`${code} `, ` ${code}`, code.slice(1), `${code}0`, '１２３４５６', '', undefined, 123456, '12345a']) {
      expect(verifyTotp(bad as string, secret, { timestamp: now })).toBe(false);
    }
  });

  it('works at step boundaries and at the epoch', () => {
    expect(verifyTotp(generateTotp(secret, { timestamp: 0 }), secret, { timestamp: 29_999 })).toBe(true);
    expect(generateTotp(secret, { timestamp: 29_999 })).toBe(generateTotp(secret, { timestamp: 0 }));
    expect(generateTotp(secret, { timestamp: 30_000 })).toBe(generateHotp(secret, 1));
    expect(verifyTotp(generateHotp(secret, 0), secret, { timestamp: 0 })).toBe(true); // no negative steps
  });

  it('refuses bad secrets and options with clear errors', () => {
    expect(() => generateTotp('not base32!', { timestamp: now })).toThrow(InvalidInputError);
    expect(() => generateTotp('', { timestamp: now })).toThrow(InvalidInputError);
    expect(() => generateTotp(secret, { digits: 9 })).toThrow(ConfigurationError);
    expect(() => generateTotp(secret, { algorithm: 'MD5' as TotpAlgorithm })).toThrow(/algorithm/);
    expect(() => verifyTotp('123456', secret, { window: 11 })).toThrow(/window/);
    expect(() => generateTotp(secret, { timestamp: -1 })).toThrow(InvalidInputError);
    expect(() => generateTotp(secret, { period: 0 })).toThrow(/period/);
    expect(generateTotp(secret, { timestamp: now, algorithm: 'sha256' as TotpAlgorithm })).toBe(generateTotp(secret, { timestamp: now, algorithm: 'SHA256' }));
  });
});

describe('held-out secrets and times', () => {
  it('agrees with otplib on random secrets, times, algorithms, digits and periods (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 64 }), // otplib refuses secrets under 128 bits (RFC 4226 minimum)
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        fc.constantFrom<TotpAlgorithm>('SHA1', 'SHA256', 'SHA512'),
        fc.constantFrom(6, 7, 8),
        fc.constantFrom(30, 60),
        (bytes, timestamp, algorithm, digits, period) => {
          const secret = encodeBase32(bytes);
          const ours = generateTotp(secret, { timestamp, algorithm, digits, period });
          const theirs = otplibGenerate({ secret, epoch: Math.floor(timestamp / 1000), algorithm: algorithm.toLowerCase() as 'sha1', digits: digits as 6, period });
          expect(ours).toBe(theirs);
          expect(verifyTotp(ours, secret, { timestamp: timestamp + period * 1000, algorithm, digits, period })).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('base32 and secrets', () => {
  it('round-trips any bytes, tolerating case, spaces and padding (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const text = encodeBase32(bytes);
        expect(text).toMatch(/^[A-Z2-7]*$/);
        expect(decodeBase32(text)).toEqual(bytes);
        const padded = text + '='.repeat((8 - (text.length % 8)) % 8);
        expect(decodeBase32(padded.toLowerCase())).toEqual(bytes);
        expect(decodeBase32(text.replace(/(.{4})/g, '$1 '))).toEqual(bytes);
      }),
    );
  });

  it('never throws on arbitrary text and refuses impossible lengths and characters (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 100 }), (text) => void decodeBase32(text)));
    expect(decodeBase32('A')).toBeUndefined(); // 5 bits: not a whole byte
    expect(decodeBase32('AAA')).toBeUndefined();
    expect(decodeBase32('AB1C')).toBeUndefined();
    expect(decodeBase32('MZXW6===')).toEqual(new TextEncoder().encode('foo'));
  });

  it('generates 160-bit secrets from the CSPRNG', () => {
    const secrets = Array.from({ length: 200 }, () => generateTotpSecret());
    for (const secret of secrets) expect(decodeBase32(secret)).toHaveLength(20);
    expect(new Set(secrets).size).toBe(secrets.length);
    expect(decodeBase32(generateTotpSecret({ bytes: 32 }))).toHaveLength(32);
    expect(() => generateTotpSecret({ bytes: 8 })).toThrow(ConfigurationError);
    expect(generateTotp(randomBytes(20), { timestamp: 0 })).toMatch(/^\d{6}$/);
  });
});
