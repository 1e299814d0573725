import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { validateString, type StringResult } from '../../src/core/validate/string.js';

function code(result: StringResult): string | undefined {
  return result.success ? undefined : result.issues[0].code;
}

const NO_DETECTORS = { kinds: [] } as const;

describe('validateString', () => {
  it('normalizes to NFC and trims by default', () => {
    expect(validateString('  Cafe\u0301  ')).toEqual({ success: true, output: 'Café' });
    expect(validateString(' x ', { trim: false, ...NO_DETECTORS })).toEqual({ success: true, output: ' x ' });
    expect(validateString('ｆｕｌｌ', { normalize: 'NFKC' })).toEqual({ success: true, output: 'full' });
    expect(validateString('e\u0301', { normalize: false })).toEqual({ success: true, output: 'e\u0301' });
  });

  it('counts length in characters after normalization', () => {
    expect(validateString('😀😀😀', { maxLength: 3 }).success).toBe(true);
    expect(code(validateString('😀😀😀😀', { maxLength: 3 }))).toBe('too_long');
    expect(validateString('e\u0301e\u0301', { maxLength: 2 }).success).toBe(true);
    expect(code(validateString('ab', { minLength: 3 }))).toBe('too_short');
    expect(code(validateString('   ', { minLength: 1 }))).toBe('too_short');
    expect(code(validateString('a'.repeat(10_001)))).toBe('too_long');
    expect(code(validateString(' '.repeat(1_000_000), { maxLength: 10 }))).toBe('too_long');
  });

  it('rejects control characters, lone surrogates and bidi controls', () => {
    for (const text of ['a\u0000b', 'a\u0007', 'a\u007f', 'a\u0085', 'a\u2028b', 'a\u202eb', 'a\u2066b', 'a\ud800b', 'a\udc00']) {
      expect(code(validateString(text)), JSON.stringify(text)).toBe('control_character');
    }
    expect(code(validateString('line\nbreak'))).toBe('control_character');
    expect(validateString('line\r\nbreak\tand tab', { multiline: true, ...NO_DETECTORS }).success).toBe(true);
    expect(validateString('a\u202eb', { allowBidiControls: true, ...NO_DETECTORS }).success).toBe(true);
    expect(validateString('עברית and English\u200f').success).toBe(true);
  });

  it('restricts to character classes when asked', () => {
    const name = { allow: ['letters', 'marks', 'spaces'], allowChars: "-'." } as const;
    expect(validateString("Zoë O'Brien-Smith", name).success).toBe(true);
    expect(validateString('José Nuñez', name).success).toBe(true);
    expect(code(validateString('Ann2', name))).toBe('character_not_allowed');
    expect(code(validateString('Ann<b>', name))).toBe('character_not_allowed');
    const username = { allow: ['ascii-letters', 'ascii-digits'], allowChars: '_' } as const;
    expect(validateString('ann_42', username).success).toBe(true);
    expect(code(validateString('änn', username))).toBe('character_not_allowed');
    expect(validateString('a\nb', { multiline: true, allow: ['letters'] }).success).toBe(true);
  });

  it('runs the injection detectors at the chosen level and reports findings', () => {
    const attack = validateString('<script>alert(document.cookie)</script>');
    expect(code(attack)).toBe('injection');
    if (!attack.success) {
      expect(attack.issues[0].findings?.map((f) => f.kind)).toContain('xss');
      expect(attack.issues[0].message).toContain('xss');
    }
    expect(code(validateString("1' OR '1'='1' --", { level: 'strict' }))).toBe('injection');
    expect(validateString("Seán O'Brien").success).toBe(true);
    expect(validateString('Please select the union option from the drop-down.').success).toBe(true);
    expect(validateString('<script>alert(1)</script>', NO_DETECTORS).success).toBe(true);
    expect(code(validateString('<script>alert(1)</script>', { kinds: ['xss'] }))).toBe('injection');
  });

  it('returns a type issue for non-strings and validates options once with hints', () => {
    for (const value of [undefined, null, 1, {}, ['a']]) expect(code(validateString(value))).toBe('type');
    expect(() => validateString('a', { maxLenght: 3 } as never)).toThrow(/did you mean "maxLength"/);
    expect(() => validateString('a', { level: 'paranoid' as never })).toThrow(ConfigurationError);
    expect(() => validateString('a', { level: 'Strict' as never })).not.toThrow();
    expect(() => validateString('a', { kinds: ['sqli' as never] })).toThrow(/did you mean "sql"/);
    expect(() => validateString('a', { minLength: 5, maxLength: 2 })).toThrow(ConfigurationError);
    expect(() => validateString('a', { allow: ['emoji' as never] })).toThrow(/unknown character class/);
    expect(() => validateString('a', { allowChars: '-' })).toThrow(/set allow/);
  });

  it('property: never throws; output is NFC, trimmed, within limits, and a fixed point', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme-composite', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 30 })), fc.integer({ min: 1, max: 30 }), (input, maxLength) => {
        const options = { maxLength, ...NO_DETECTORS };
        const result = validateString(input, options);
        if (!result.success) return;
        expect(result.output).toBe(result.output.normalize('NFC').trim());
        expect([...result.output].length).toBeLessThanOrEqual(maxLength);
        expect(validateString(result.output, options)).toEqual(result);
      }),
      { numRuns: 400 },
    );
  });
});
