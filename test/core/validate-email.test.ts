import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { validateEmail, type EmailResult } from '../../src/core/validate/email.js';

const corpus = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../shared/corpora/email/${name}`, import.meta.url), 'utf8'));

function code(result: EmailResult): string | undefined {
  return result.success ? undefined : result.issues[0].code;
}

function output(result: EmailResult): string {
  if (!result.success) throw new Error(`expected a valid address, got ${result.issues[0].message}`);
  return result.output;
}

describe('validateEmail', () => {
  it('accepts ordinary addresses and normalizes the domain to lower-case ASCII', () => {
    expect(output(validateEmail('Ann.Lee+news@Example.COM'))).toBe('Ann.Lee+news@example.com');
    expect(output(validateEmail("o'brien@example.ie"))).toBe("o'brien@example.ie");
    expect(output(validateEmail('user@sub.domain.example.co.uk'))).toBe('user@sub.domain.example.co.uk');
  });

  it('accepts IDN domains and returns them as A-labels', () => {
    expect(output(validateEmail('hans@müller.de'))).toBe('hans@xn--mller-kva.de');
    expect(output(validateEmail('info@MÜLLER.de'))).toBe('info@xn--mller-kva.de');
    expect(output(validateEmail('用户@例え.テスト'))).toBe('用户@xn--r8jz45g.xn--zckzah'); // IANA's IDN test domain
    expect(code(validateEmail('a@xn--zz'))).toBe('domain');
  });

  it('normalizes to NFC: composed and decomposed input give the same address', () => {
    expect(output(validateEmail('jose\u0301@example.com'))).toBe(output(validateEmail('jos\u00e9@example.com')));
  });

  it('applies the SMTP length limits: local part 64 octets, address 254', () => {
    expect(validateEmail(`${'a'.repeat(64)}@example.com`).success).toBe(true);
    expect(code(validateEmail(`${'a'.repeat(65)}@example.com`))).toBe('local_too_long');
    expect(code(validateEmail(`${'é'.repeat(33)}@example.com`))).toBe('local_too_long'); // 66 octets in UTF-8
    const label = 'a'.repeat(63);
    expect(validateEmail(`${'b'.repeat(64)}@${label}.${label}.${'c'.repeat(57)}.com`).success).toBe(true); // 64 + 1 + 189 = 254
    expect(code(validateEmail(`${'b'.repeat(64)}@${label}.${label}.${'c'.repeat(58)}.com`))).toBe('too_long');
    expect(code(validateEmail(`a@${label}.${label}.${label}.${'c'.repeat(58)}.com`))).toBe('domain'); // 254-character domain
  });

  it('refuses malformed addresses', () => {
    for (const address of ['plain', '@example.com', 'a@', 'a@b', 'a..b@example.com', '.a@example.com', 'a.@example.com', 'a@example.com.', 'a@-example.com', 'a@exa_mple.com', 'a b@example.com', 'a@[127.0.0.1]', 'a@example.c', 'a@example.123', '"unclosed@example.com', 'a"b"@example.com']) {
      expect(validateEmail(address).success, address).toBe(false);
    }
  });

  it('refuses suspicious patterns', () => {
    expect(code(validateEmail('ann\u200b@example.com'))).toBe('suspicious'); // zero-width space
    expect(code(validateEmail('ann@exa\u202emple.com'))).toBe('suspicious'); // bidi override
    expect(code(validateEmail('ann\u0000@example.com'))).toBe('suspicious');
    expect(code(validateEmail('ann@ｅｘａｍｐｌｅ.com'))).toBe('suspicious'); // fullwidth
    expect(code(validateEmail('ann@\u0440aypal.com'))).toBe('suspicious'); // Cyrillic р + Latin
    expect(code(validateEmail('-oProxyCommand@example.com'))).toBe('suspicious');
    expect(code(validateEmail('=?utf-8?q?a=40b.com?=@example.com'))).toBe('suspicious');
    expect(code(validateEmail('"a@b"@example.com'))).toBe('suspicious');
    expect(code(validateEmail('"a\\"b"@example.com'))).toBe('suspicious');
    expect(code(validateEmail('""@example.com'))).toBe('suspicious');
  });

  it('accepts quoted local parts without delimiters, unless turned off', () => {
    expect(output(validateEmail('"John Smith"@example.com'))).toBe('"John Smith"@example.com');
    expect(code(validateEmail('"John Smith"@example.com', { allowQuotedLocalPart: false }))).toBe('syntax');
  });

  it('can require ASCII only', () => {
    expect(code(validateEmail('hans@müller.de', { allowUnicode: false }))).toBe('syntax');
    expect(validateEmail('hans@example.de', { allowUnicode: false }).success).toBe(true);
  });

  it('returns a type issue for non-strings and validates options', () => {
    for (const value of [null, undefined, 42, {}, ['a@b.co']]) expect(code(validateEmail(value))).toBe('type');
    expect(() => validateEmail('a@b.co', { allowUnicod: true } as never)).toThrow(/did you mean "allowUnicode"/);
    expect(() => validateEmail('a@b.co', { allowUnicode: 'yes' } as never)).toThrow(ConfigurationError);
  });

  it('agrees with validator.js isEmail on at least 98% of its default-option cases', () => {
    const cases = (corpus('validatorjs-isEmail.json') as { address: string; valid: boolean; options: unknown }[]).filter((c) => c.options === null);
    const disagreements = cases.filter((c) => validateEmail(c.address).success !== c.valid);
    const rate = 1 - disagreements.length / cases.length;
    console.log(`email: validator.js isEmail default options: ${(rate * 100).toFixed(2)}% agreement (${cases.length - disagreements.length}/${cases.length}); differs on ${JSON.stringify(disagreements.map((c) => c.address))}`);
    expect(cases.length).toBeGreaterThan(50);
    expect(rate).toBeGreaterThanOrEqual(0.98);
  });

  it('reports agreement with the is_email suites (policy differs: see docs/validate.md)', () => {
    for (const name of ['isemail-dominicsayers.json', 'isemail-skeggse.json']) {
      const cases = corpus(name) as { address: string; valid: boolean; valid_smtp: boolean }[];
      const accepted = cases.map((c) => validateEmail(c.address).success);
      const vsValid = accepted.filter((a, i) => a === cases[i]!.valid).length / cases.length;
      const vsSmtp = accepted.filter((a, i) => a === cases[i]!.valid_smtp).length / cases.length;
      const falseAccepts = accepted.filter((a, i) => a && !cases[i]!.valid_smtp).length;
      console.log(`email: ${name}: ${(vsValid * 100).toFixed(2)}% agreement with "valid", ${(vsSmtp * 100).toFixed(2)}% with "valid_smtp"; accepted-but-invalid-for-SMTP: ${falseAccepts} of ${cases.length}`);
      expect(falseAccepts).toBe(0);
    }
  });

  it('property: never throws, and normalization is idempotent', () => {
    const local = fc.string({ unit: fc.constantFrom(...'abcXYZ019.+-_\'"@ é\u0301\u200b\\'), minLength: 0, maxLength: 20 });
    const domain = fc.string({ unit: fc.constantFrom(...'abcXYZ019.-_ü\u0440ｅ'), minLength: 0, maxLength: 20 });
    fc.assert(
      fc.property(fc.oneof(fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`), fc.string(), fc.string({ unit: 'binary' })), (input) => {
        const first = validateEmail(input);
        if (first.success) {
          const second = validateEmail(first.output);
          expect(second).toEqual(first);
          expect(first.output.length).toBeLessThanOrEqual(254);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
