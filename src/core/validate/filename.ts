/**
 * File names from uploads: the base name only (a client may send `C:\Users\me\photo.jpg`), no
 * traversal, no control or invisible characters, none of the characters or names Windows reserves,
 * no trailing dots or spaces, at most 255 UTF-8 bytes.
 */

import { checkBoolean, checkInteger, checkKeys } from '../config/check-options.js';
import { describeCharacter, findForbiddenCharacter } from './characters.js';
import { invalid, valid, type ValidationIssue, type ValidationResult } from './result.js';

export interface FilenameOptions {
  /** Maximum length in UTF-8 bytes. Default 255 (ext4, NTFS in UTF-16 units, APFS). */
  maxBytes?: number;
  /** Keep only the last path component instead of refusing names with directories. Default true. */
  stripPath?: boolean;
  /** Refuse names that start with a dot (`.htaccess`, `.env`). Default true. */
  rejectHidden?: boolean;
}

export type FilenameIssueCode =
  | 'type'
  | 'empty'
  | 'too_long'
  | 'traversal'
  | 'path'
  | 'control_character'
  | 'invalid_character'
  | 'reserved_name'
  | 'trailing_dot_or_space'
  | 'hidden';
export type FilenameResult = ValidationResult<string, ValidationIssue<FilenameIssueCode>>;

export interface FilenameRules {
  readonly maxBytes: number;
  readonly stripPath: boolean;
  readonly rejectHidden: boolean;
}

// Windows refuses these in names; the slashes are path separators everywhere.
const WINDOWS_FORBIDDEN = new Set(['<', '>', ':', '"', '|', '?', '*']);
// CON, PRN, AUX, NUL, COM1-9, LPT1-9 (and the superscript-digit forms Windows also reserves), with or without an extension.
const ENCODED_SEPARATOR = /%(?:2f|5c|00)/i;
const RESERVED_STEM = /^(?:con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³]|conin\$|conout\$)$/i;

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4; // a pair (lone surrogates were refused earlier)
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function fails(code: FilenameIssueCode, message: string): FilenameResult {
  return invalid(code, message);
}

export function compileFilenameRules(options: FilenameOptions = {}, path = 'filename'): FilenameRules {
  checkKeys(path, options, ['maxBytes', 'stripPath', 'rejectHidden']);
  return Object.freeze({
    maxBytes: checkInteger(`${path}.maxBytes`, options.maxBytes, 1, 4096) ?? 255,
    stripPath: checkBoolean(`${path}.stripPath`, options.stripPath) ?? true,
    rejectHidden: checkBoolean(`${path}.rejectHidden`, options.rejectHidden) ?? true,
  });
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

function hasDotDotSegment(text: string): boolean {
  return text.includes('..') && text.split(/[/\\]/).some((segment) => segment.trim() === '..');
}

/** Decodes each %XX on its own (as a byte value), so one malformed escape cannot hide the others. */
function decodePercent(text: string): string {
  return text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Compiled-rules form of `validateFilename`. */
export function checkFilename(value: unknown, rules: FilenameRules): FilenameResult {
  if (typeof value !== 'string') return fails('type', `expected a string, got ${value === null ? 'null' : typeof value}`);
  if (value.length > rules.maxBytes * 4 + 4096) return fails('too_long', `longer than ${rules.maxBytes} bytes`);
  const bad = findForbiddenCharacter(value, { multiline: false, allowBidiControls: false });
  if (bad !== -1) return fails('control_character', `contains the control or invisible character ${describeCharacter(value, bad)}`);
  const name = isAscii(value) ? value : value.normalize('NFC');
  // Traversal is judged on the decoded text too: a name is often decoded again later (%2e%2e%2f).
  const once = name.includes('%') ? decodePercent(name) : name;
  const twice = once.includes('%') ? decodePercent(once) : once;
  if (hasDotDotSegment(name) || hasDotDotSegment(once) || hasDotDotSegment(twice)) return fails('traversal', 'contains a ".." path segment');
  if (ENCODED_SEPARATOR.test(name) || ENCODED_SEPARATOR.test(once)) return fails('traversal', 'contains an encoded slash, backslash or NUL');
  const lastSeparator = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  if (lastSeparator !== -1 && !rules.stripPath) return fails('path', 'contains a directory path');
  let base = name.slice(lastSeparator + 1);
  // Drive-relative names such as "C:file.txt" and NTFS alternate data streams ("a.txt:stream") both use a colon.
  if (base.includes(':')) return fails('invalid_character', 'contains ":" (drive letter or alternate data stream)');
  base = base.trimStart();
  if (base.length === 0 || base === '.') return fails('empty', 'the file name is empty');
  for (const char of base) {
    if (WINDOWS_FORBIDDEN.has(char)) return fails('invalid_character', `contains "${char}", which Windows does not allow`);
  }
  if (base.endsWith('.') || base.endsWith(' ')) return fails('trailing_dot_or_space', 'ends with a dot or a space (Windows drops them, so two names collide)');
  const dot = base.indexOf('.');
  // Windows matches the part before the first dot, ignoring spaces before it: "CON .txt" is CON too.
  if (RESERVED_STEM.test((dot === -1 ? base : base.slice(0, dot)).trimEnd())) return fails('reserved_name', 'is a reserved device name on Windows (CON, PRN, AUX, NUL, COM1-9, LPT1-9)');
  if (rules.rejectHidden && base.startsWith('.')) return fails('hidden', 'starts with a dot (a hidden or configuration file)');
  if (utf8Length(base) > rules.maxBytes) return fails('too_long', `longer than ${rules.maxBytes} bytes`);
  return valid(base);
}

/** Validates an uploaded file name and returns its safe base name (NFC, directories stripped). */
export function validateFilename(value: unknown, options?: FilenameOptions): FilenameResult {
  return checkFilename(value, compileFilenameRules(options));
}
