/**
 * Free-text strings: Unicode normalization, trimming, control-character rejection, length in
 * characters, optional character classes, and the injection detectors at a security level.
 */

import { checkBoolean, checkInteger, checkKeys, checkOneOf, fail } from '../config/check-options.js';
import type { Finding } from '../detect/index.js';
import { compileCharacterSet, describeCharacter, findForbiddenCharacter, type CharacterClass, type CharacterSet } from './characters.js';
import { detectInjection, normalizeDetection, type Detection, type DetectionOptions } from './detection.js';
import { DEFAULT_JSON_LIMITS } from './json-limits.js';
import { invalid, valid, type ValidationIssue, type ValidationResult } from './result.js';

export interface StringOptions extends DetectionOptions {
  /** Minimum length in characters (Unicode code points, after normalization and trimming). Default 0. */
  minLength?: number;
  /** Maximum length in characters. Default 10 000. */
  maxLength?: number;
  /** Allowed character classes. Default: any character that passes the control-character rules. */
  allow?: readonly CharacterClass[];
  /** Single characters allowed in addition to `allow`, for example `"-'. "` for names. */
  allowChars?: string;
  /** Unicode normalization form applied first. Default `NFC`; `false` keeps the input as is. */
  normalize?: 'NFC' | 'NFKC' | false;
  /** Trim leading and trailing white space. Default true. */
  trim?: boolean;
  /** Allow line breaks and tabs (text areas). Default false. */
  multiline?: boolean;
  /** Allow bidi embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069). Default false. */
  allowBidiControls?: boolean;
}

export type StringIssueCode = 'type' | 'control_character' | 'too_short' | 'too_long' | 'character_not_allowed' | 'injection';

export interface StringIssue extends ValidationIssue<StringIssueCode> {
  /** Present for `injection`: what the detectors found (evidence is part of the input: do not log it raw). */
  readonly findings?: readonly Finding[];
}

export type StringResult = ValidationResult<string, StringIssue>;

interface StringRules {
  readonly minLength: number;
  readonly maxLength: number;
  readonly characters: CharacterSet | undefined;
  readonly normalize: 'NFC' | 'NFKC' | false;
  readonly trim: boolean;
  readonly multiline: boolean;
  readonly allowBidiControls: boolean;
  readonly detection: Detection;
}

const OPTION_NAMES = ['minLength', 'maxLength', 'allow', 'allowChars', 'normalize', 'trim', 'multiline', 'allowBidiControls', 'level', 'kinds'];
const DEFAULT_MAX_LENGTH = 10_000;
// Normalization can shrink text (Hangul jamo compose 3:1) and a code point may take two UTF-16 units,
// so anything longer than this many units per allowed character cannot pass and is refused unread.
const UNITS_PER_CHARACTER_BOUND = 8;

/** Validates string options once; the result is reused for every value. */
export function compileStringRules(options: StringOptions = {}, path = 'string'): StringRules {
  checkKeys(path, options, OPTION_NAMES);
  const minLength = checkInteger(`${path}.minLength`, options.minLength, 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const maxLength = checkInteger(`${path}.maxLength`, options.maxLength, 1, Number.MAX_SAFE_INTEGER) ?? DEFAULT_MAX_LENGTH;
  if (minLength > maxLength) fail(path, `minLength (${minLength}) is greater than maxLength (${maxLength})`);
  if (options.allowChars !== undefined && options.allow === undefined) fail(`${path}.allowChars`, 'set allow (the character classes) too');
  const characters = options.allow === undefined ? undefined : compileCharacterSet(`${path}.allow`, options.allow, `${path}.allowChars`, options.allowChars);
  const normalize = options.normalize === false ? false : (checkOneOf(`${path}.normalize`, options.normalize, ['NFC', 'NFKC'] as const) ?? 'NFC');
  return Object.freeze({
    minLength,
    maxLength,
    characters,
    normalize,
    trim: checkBoolean(`${path}.trim`, options.trim) ?? true,
    multiline: checkBoolean(`${path}.multiline`, options.multiline) ?? false,
    allowBidiControls: checkBoolean(`${path}.allowBidiControls`, options.allowBidiControls) ?? false,
    detection: normalizeDetection(path, options),
  });
}

function countCodePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) count--;
    }
  }
  return count;
}

function fails(code: StringIssueCode, message: string): StringResult {
  return invalid(code, message);
}

/** Runs compiled rules on one value. */
export function checkString(value: unknown, rules: StringRules): StringResult {
  if (typeof value !== 'string') return fails('type', `expected a string, got ${value === null ? 'null' : typeof value}`);
  if (value.length > rules.maxLength * UNITS_PER_CHARACTER_BOUND + 1024) {
    return fails('too_long', `longer than ${rules.maxLength} characters`);
  }
  // Forbidden characters are checked before normalization too: NFC leaves them alone, and a lone
  // surrogate would make normalize() produce U+FFFD and hide the malformed input.
  const policy = { multiline: rules.multiline, allowBidiControls: rules.allowBidiControls };
  let text = value;
  let bad = findForbiddenCharacter(text, policy);
  if (bad === -1 && rules.normalize) {
    text = text.normalize(rules.normalize);
    bad = findForbiddenCharacter(text, policy);
  }
  if (bad !== -1) return fails('control_character', `contains the control or invisible character ${describeCharacter(text, bad)}`);
  if (rules.trim) text = text.trim();
  const length = countCodePoints(text);
  if (length < rules.minLength) return fails('too_short', `shorter than ${rules.minLength} characters`);
  if (length > rules.maxLength) return fails('too_long', `longer than ${rules.maxLength} characters`);
  if (rules.characters) {
    for (const char of text) {
      const code = char.codePointAt(0)!;
      if (rules.multiline && (code === 0x0a || code === 0x0d || code === 0x09)) continue;
      if (!rules.characters.has(code, char)) return fails('character_not_allowed', `contains a character that is not allowed (${describeCharacter(char, 0)})`);
    }
  }
  const outcome = detectInjection(text, rules.detection, text.length > DEFAULT_JSON_LIMITS.maxStringLength ? text.length : undefined);
  if (!outcome.safe) return { success: false, issues: [{ code: 'injection', message: outcome.message, findings: outcome.findings }] };
  return valid(text);
}

/** Validates and normalizes a free-text string. Options are checked on every call: for hot paths use `secureString()` or `compileStringRules()`. */
export function validateString(value: unknown, options?: StringOptions): StringResult {
  return checkString(value, compileStringRules(options));
}
