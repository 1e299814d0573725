import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidInputError } from '../../src/core/errors.js';
import { createPasswordPolicy, estimatePasswordStrength, STRENGTH_LABELS } from '../../src/core/passwords/index.js';
import { strengthScore } from '../../src/core/passwords/strength.js';

const COMMON = readFileSync(new URL('../../../shared/corpora/passwords/seclists-10k-most-common.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '');

const codes = (issues: { code: string }[]): string[] => issues.map((issue) => issue.code);

describe('password policy on the SecLists 10k most common passwords', () => {
  it('rejects at least 99% with the default policy, and with the 8-character minimum of the MFA policy', async () => {
    expect(COMMON.length).toBe(10_000);
    for (const [name, policy] of [
      ['default (15+ characters, blocklist)', createPasswordPolicy()],
      ['mfa: true (8+ characters, blocklist)', createPasswordPolicy({ mfa: true })],
      ['composition: true (12+ with upper, lower, digit, special, blocklist)', createPasswordPolicy({ composition: true })],
    ] as const) {
      let rejected = 0;
      let byBlocklist = 0;
      for (const password of COMMON) {
        const result = await policy.check(password);
        if (!result.ok) rejected++;
        if (codes(result.issues).includes('common')) byBlocklist++;
      }
      const rate = rejected / COMMON.length;
      console.log(`passwords policy ${name}: rejected ${rejected}/${COMMON.length} (${(rate * 100).toFixed(2)}%), ${byBlocklist} of them on the common-password list`);
      expect(rate).toBeGreaterThanOrEqual(0.99);
    }
  });

  it('rejects the common passwords long enough to pass the length rule through the blocklist', async () => {
    const policy = createPasswordPolicy({ mfa: true });
    const long = COMMON.filter((password) => [...password].length >= 8);
    let blocked = 0;
    for (const password of long) if (codes((await policy.check(password)).issues).includes('common')) blocked++;
    console.log(`passwords blocklist: ${blocked}/${long.length} (${((blocked / long.length) * 100).toFixed(1)}%) of the 8+ character SecLists passwords are on zxcvbn's common list (with decoration stripped)`);
    expect(blocked / long.length).toBeGreaterThanOrEqual(0.95);
  });
});

describe('createPasswordPolicy', () => {
  it('follows NIST by default: 15 characters alone, 8 with MFA, at least 64 allowed, no composition rules', async () => {
    const alone = createPasswordPolicy();
    expect([alone.minLength, alone.maxLength]).toEqual([15, 128]);
    expect((await alone.check('vexing quokka lamp')).ok).toBe(true);
    expect(codes((await alone.check('vexing quokka')).issues)).toEqual(['too_short']);
    const withMfa = createPasswordPolicy({ mfa: true });
    expect((await withMfa.check('quokka-lamp')).ok).toBe(true);
    expect((await withMfa.check('a'.repeat(7) + 'z')).ok).toBe(true);
    expect((await withMfa.check('zq9!x')).ok).toBe(false);
    expect((await alone.check('z'.repeat(128))).ok).toBe(true);
    expect(codes((await alone.check('z'.repeat(129))).issues)).toEqual(['too_long']);
    expect(codes((await alone.check('z'.repeat(100_000))).issues)).toEqual(['too_long']);
  });

  it('counts characters after NFKC, accepts any Unicode, never truncates', async () => {
    const policy = createPasswordPolicy({ mfa: true });
    const result = await policy.check('ｐａｓｓ ｗｏｒｄ ｚｅｂｒａ'); // full-width letters
    expect(result.normalized).toBe('pass word zebra');
    expect(result.ok).toBe(true);
    expect((await policy.check('日本語のパスワード🔑✓')).ok).toBe(true);
    expect((await policy.check('emoji 👩‍👩‍👧‍👦 family')).ok).toBe(true);
    expect(codes((await policy.check('bad \uD800 surrogate pw')).issues)).toEqual(['malformed']);
    expect((await policy.check('vexing quokka lamp\u0000')).normalized).toBe('vexing quokka lamp\u0000');
  });

  it('rejects common passwords, dressed up or in another case', async () => {
    const policy = createPasswordPolicy({ mfa: true });
    for (const password of ['password', 'PASSWORD', 'Password123!', '!!iloveyou2024', 'qwertyuiop']) {
      expect(codes((await policy.check(password)).issues)).toContain('common');
    }
    expect(codes((await createPasswordPolicy({ mfa: true, blockCommon: false }).check('password')).issues)).toEqual([]);
  });

  it('rejects context-specific words: the user data and the service name', async () => {
    const policy = createPasswordPolicy({ mfa: true, contextWords: ['Bulwark Bank'] });
    expect(codes((await policy.check('my bulwark vault key')).issues)).toEqual(['context']);
    const context = { userInputs: ['alice.smith@example.com', 'Alice Smith'] };
    expect(codes((await policy.check('smith-family-1984', context)).issues)).toEqual(['context']);
    expect(codes((await policy.check('ALICE rocks the boat', context)).issues)).toEqual(['context']);
    expect((await policy.check('vexing quokka lamp', context)).ok).toBe(true);
  });

  it("offers the requirements' composition rule (12+ with upper, lower, digit and special) as an option", async () => {
    const policy = createPasswordPolicy({ composition: true });
    expect(policy.minLength).toBe(12);
    expect((await policy.check('Vexing-Quokka7')).ok).toBe(true);
    expect(codes((await policy.check('vexing-quokka7')).issues)).toEqual(['missing_upper']);
    expect(codes((await policy.check('VEXINGQUOKKA')).issues)).toEqual(['missing_lower', 'missing_digit', 'missing_special']);
    expect(codes((await policy.check('Vx-7')).issues)).toEqual(['too_short']);
    const partial = createPasswordPolicy({ composition: { minLength: 10, special: false } });
    expect((await partial.check('VexingQuokka7')).ok).toBe(true);
  });

  it('can demand a minimum strength score', async () => {
    const policy = createPasswordPolicy({ mfa: true, blockCommon: false, minStrength: 60 });
    const weak = await policy.check('abcdefgh1');
    expect(codes(weak.issues)).toEqual(['weak']);
    expect(weak.issues[0]!.message).toMatch(/too easy to guess/);
    expect((await policy.check('vexing quokka lamp orbit')).ok).toBe(true);
  });

  it('checks options at construction with suggestions', () => {
    expect(() => createPasswordPolicy({ minLenght: 10 } as never)).toThrow(/did you mean "minLength"/);
    expect(() => createPasswordPolicy({ maxLength: 32 })).toThrow(ConfigurationError);
    expect(() => createPasswordPolicy({ minLength: 4 })).toThrow(/minLength/);
    expect(() => createPasswordPolicy({ composition: { upper: 'yes' } as never })).toThrow(/upper/);
    expect(() => createPasswordPolicy({ contextWords: 'acme' as never })).toThrow(/contextWords/);
  });

  it('never throws on any string, and its verdict matches its issues (property)', async () => {
    const policy = createPasswordPolicy({ mfa: true, composition: { minLength: 8 } });
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (password) => {
        const result = await policy.check(password);
        expect(result.ok).toBe(result.issues.length === 0);
        if (result.ok) expect([...result.normalized].length).toBeGreaterThanOrEqual(8);
      }),
      { numRuns: 200 },
    );
    await expect(policy.check(undefined as unknown as string)).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('estimatePasswordStrength', () => {
  it('maps zxcvbn onto 0-100 with the five labels and gives feedback', async () => {
    const weak = await estimatePasswordStrength('password1');
    expect(weak.label).toBe('very weak');
    expect(weak.score).toBeLessThan(20);
    expect(weak.feedback.warning).toBeTruthy();
    const strong = await estimatePasswordStrength('vexing quokka lamp orbit');
    expect(strong.label).toBe('very strong');
    expect(strong.score).toBeGreaterThanOrEqual(80);
    expect(strong.feedback.suggestions).toEqual([]);
    const personal = await estimatePasswordStrength('alicesmith1984', ['alicesmith']);
    const impersonal = await estimatePasswordStrength('alicesmith1984');
    expect(personal.guessesLog10).toBeLessThan(impersonal.guessesLog10);
  });

  it('keeps the 0-100 score inside the band of the zxcvbn score, increasing with the guesses (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 30, noNaN: true }), fc.double({ min: 0, max: 30, noNaN: true }), (a, b) => {
        const band = (log: number): number => (log < 3 ? 0 : log < 6 ? 1 : log < 8 ? 2 : log < 10 ? 3 : 4);
        const [low, high] = a <= b ? [a, b] : [b, a];
        const scoreLow = strengthScore(low, band(low));
        expect(Math.min(4, Math.floor(scoreLow / 20))).toBe(band(low));
        expect(strengthScore(high, band(high))).toBeGreaterThanOrEqual(scoreLow);
        expect(STRENGTH_LABELS[Math.min(4, Math.floor(scoreLow / 20))]).toBe(STRENGTH_LABELS[band(low)]);
      }),
    );
  });
});
