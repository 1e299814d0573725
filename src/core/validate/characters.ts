/** Character-level checks shared by the validators: control characters, bidi controls, character classes. */

import { fail } from '../config/check-options.js';

/** Unicode character classes a string may be restricted to. */
export type CharacterClass =
  | 'letters'
  | 'marks'
  | 'digits'
  | 'numbers'
  | 'spaces'
  | 'punctuation'
  | 'symbols'
  | 'ascii-letters'
  | 'ascii-digits';

const CLASS_TESTS: Readonly<Record<CharacterClass, RegExp>> = {
  letters: /^\p{L}$/u,
  marks: /^\p{M}$/u,
  digits: /^\p{Nd}$/u,
  numbers: /^\p{N}$/u,
  spaces: /^\p{Zs}$/u,
  punctuation: /^\p{P}$/u,
  symbols: /^\p{S}$/u,
  'ascii-letters': /^[A-Za-z]$/,
  'ascii-digits': /^[0-9]$/,
};

export const CHARACTER_CLASSES = Object.keys(CLASS_TESTS) as CharacterClass[];

/** Bidi embeddings, overrides and isolates: they can make text display in another order than it is stored. */
export function isBidiControl(code: number): boolean {
  return (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

export interface ControlCharacterPolicy {
  /** Allow LF, CR and TAB (text areas). */
  readonly multiline: boolean;
  readonly allowBidiControls: boolean;
}

/**
 * Index of the first forbidden character, or -1: C0 and C1 controls and DEL (LF, CR and TAB only
 * when multiline), the line and paragraph separators U+2028/U+2029 unless multiline, bidi controls
 * unless allowed, and lone surrogates (text that is not well-formed UTF-16).
 */
export function findForbiddenCharacter(text: string, policy: ControlCharacterPolicy): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      if (policy.multiline && (code === 0x0a || code === 0x0d || code === 0x09)) continue;
      return i;
    }
    if (code < 0xa0) continue;
    if (code === 0x2028 || code === 0x2029) {
      if (policy.multiline) continue;
      return i;
    }
    if (!policy.allowBidiControls && isBidiControl(code)) return i;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return i;
    }
    if (code >= 0xdc00 && code <= 0xdfff) return i;
  }
  return -1;
}

/** Describes a character for a message without echoing surrounding input: `U+202E`. */
export function describeCharacter(text: string, index: number): string {
  const code = text.codePointAt(index) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A compiled allow-list of character classes plus single extra characters. */
export interface CharacterSet {
  has(codePoint: number, char: string): boolean;
}

/** Compiles classes once; ASCII answers come from a table, other characters from Unicode property tests. */
export function compileCharacterSet(path: string, classes: readonly unknown[], extraPath: string, extra: unknown): CharacterSet {
  if (!Array.isArray(classes) || classes.length === 0) fail(path, `expected a non-empty array of ${CHARACTER_CLASSES.join(', ')}`);
  const tests: RegExp[] = [];
  for (const name of classes) {
    if (typeof name !== 'string' || !(CHARACTER_CLASSES as string[]).includes(name)) {
      fail(path, `unknown character class ${JSON.stringify(name)}; known classes: ${CHARACTER_CLASSES.join(', ')}`);
    }
    tests.push(CLASS_TESTS[name as CharacterClass]);
  }
  if (extra !== undefined && typeof extra !== 'string') fail(extraPath, 'expected a string of extra allowed characters');
  const extraSet = new Set<number>();
  for (const char of extra ?? '') extraSet.add(char.codePointAt(0)!);
  const ascii = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const char = String.fromCharCode(c);
    ascii[c] = extraSet.has(c) || tests.some((t) => t.test(char)) ? 1 : 0;
  }
  return {
    has(codePoint, char) {
      if (codePoint < 128) return ascii[codePoint] === 1;
      return extraSet.has(codePoint) || tests.some((t) => t.test(char));
    },
  };
}
