import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { validateFilename, type FilenameResult } from '../../src/core/validate/filename.js';

function code(result: FilenameResult): string | undefined {
  return result.success ? undefined : result.issues[0].code;
}

describe('validateFilename', () => {
  it('keeps ordinary names, NFC-normalized', () => {
    expect(validateFilename('report-2024.pdf')).toEqual({ success: true, output: 'report-2024.pdf' });
    expect(validateFilename('Re\u0301sume\u0301 final.docx')).toEqual({ success: true, output: 'Résumé final.docx' });
    expect(validateFilename('写真.jpeg')).toEqual({ success: true, output: '写真.jpeg' });
  });

  it('strips directories sent by old browsers and tools', () => {
    expect(validateFilename('C:\\Users\\ann\\photo.jpg')).toEqual({ success: true, output: 'photo.jpg' });
    expect(validateFilename('/home/ann/photo.jpg')).toEqual({ success: true, output: 'photo.jpg' });
    expect(code(validateFilename('dir/photo.jpg', { stripPath: false }))).toBe('path');
  });

  it('refuses traversal, raw or encoded', () => {
    for (const name of ['../etc/passwd', '..\\..\\boot.ini', 'a/../../b.txt', '..', '%2e%2e%2fetc%2fpasswd', '%252e%252e%252fx', 'a%2fb.txt', 'a%00.jpg', '.. /x', 'a%zz%2f..%2fb', '%2e%2e/x']) {
      expect(code(validateFilename(name)), name).toBe('traversal');
    }
  });

  it('refuses control and invisible characters', () => {
    for (const name of ['a\u0000.txt', 'a\n.txt', 'a\u0085.txt', 'invoice\u202Efdp.exe', 'a\uD800.txt']) {
      expect(code(validateFilename(name)), JSON.stringify(name)).toBe('control_character');
    }
  });

  it('refuses reserved Windows device names, with or without extension, in any case', () => {
    for (const name of ['CON', 'con.txt', 'Prn.pdf', 'AUX', 'nul.tar.gz', 'COM1', 'com9.log', 'LPT1.txt', 'lpt9', 'COM¹.txt', 'CON .txt']) {
      expect(code(validateFilename(name)), name).toBe('reserved_name');
    }
    for (const name of ['console.txt', 'com10.txt', 'lpt0.txt', 'nullable.js', 'auxiliary.pdf']) {
      expect(validateFilename(name).success, name).toBe(true);
    }
  });

  it('refuses trailing dots and spaces, Windows-forbidden characters, hidden files, empty names', () => {
    for (const name of ['file.txt.', 'file.txt ', 'file.', 'a...']) expect(code(validateFilename(name)), name).toBe('trailing_dot_or_space');
    for (const name of ['a<b.txt', 'a>b', 'a|b', 'a?b', 'a*b', 'a"b']) expect(code(validateFilename(name)), name).toBe('invalid_character');
    expect(code(validateFilename('C:evil.txt'))).toBe('invalid_character');
    expect(code(validateFilename('file.txt:hidden'))).toBe('invalid_character');
    expect(code(validateFilename('.htaccess'))).toBe('hidden');
    expect(validateFilename('.env', { rejectHidden: false }).success).toBe(true);
    for (const name of ['', '   ', 'dir/', '.']) expect(code(validateFilename(name)), name).toBe('empty');
  });

  it('limits names to 255 UTF-8 bytes', () => {
    expect(validateFilename(`${'a'.repeat(251)}.txt`).success).toBe(true);
    expect(code(validateFilename(`${'a'.repeat(252)}.txt`))).toBe('too_long');
    expect(code(validateFilename(`${'é'.repeat(126)}.txt`))).toBe('too_long'); // 252 + 4 bytes
    expect(validateFilename(`${'é'.repeat(125)}.txt`).success).toBe(true);
    expect(code(validateFilename('a'.repeat(100_000)))).toBe('too_long');
  });

  it('returns type issues and validates options', () => {
    expect(code(validateFilename(undefined))).toBe('type');
    expect(() => validateFilename('a', { maxByte: 10 } as never)).toThrow(/did you mean "maxBytes"/);
    expect(() => validateFilename('a', { maxBytes: 0 })).toThrow(ConfigurationError);
  });

  it('property: never throws; valid output is a fixed point without separators, controls or traversal', () => {
    const unit = fc.constantFrom(...'ab.-_ /\\:%2e0fC\u0000\u202eé'.split(''), 'CON', 'com1', '..');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit, maxLength: 16 }), fc.string({ unit: 'binary', maxLength: 40 })), (input) => {
        const result = validateFilename(input);
        if (!result.success) return;
        expect(validateFilename(result.output)).toEqual(result);
        expect([...result.output].some((c) => c === '/' || c === '\\' || c.charCodeAt(0) < 0x20)).toBe(false);
        expect(result.output).not.toBe('..');
      }),
      { numRuns: 500 },
    );
  });
});
