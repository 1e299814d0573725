/**
 * E-mail addresses: a practical subset of RFC 5321/5322 (with RFC 6531 UTF-8 local parts), the
 * SMTP length limits, IDN domains converted to their ASCII (A-label) form, and a short list of
 * patterns that are legal but mostly seen in attacks.
 */

import { checkBoolean, checkKeys } from '../config/check-options.js';
import { toAsciiDomain } from './domain.js';
import { invalid, valid, type ValidationIssue, type ValidationResult } from './result.js';

export interface EmailOptions {
  /** Accept `"quoted local parts"@example.com` (RFC 5321). Default true. */
  allowQuotedLocalPart?: boolean;
  /** Accept non-ASCII local parts and IDN domains (SMTPUTF8). Default true. */
  allowUnicode?: boolean;
}

export type EmailIssueCode = 'type' | 'too_long' | 'local_too_long' | 'syntax' | 'domain' | 'suspicious';
export type EmailResult = ValidationResult<string, ValidationIssue<EmailIssueCode>>;

interface EmailRules {
  readonly allowQuotedLocalPart: boolean;
  readonly allowUnicode: boolean;
}

/** RFC 5321: a forward path is at most 256 octets including the angle brackets. */
export const MAX_EMAIL_LENGTH = 254;
export const MAX_LOCAL_PART_LENGTH = 64;

// atext (RFC 5322 3.2.3) as a lookup table over ASCII.
const ATEXT = new Uint8Array(128);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-") ATEXT[char.charCodeAt(0)] = 1;
// Letters, marks and numbers beyond ASCII (RFC 6531 allows any UTF-8; symbols and spaces are not worth the risk).
const UNICODE_WORD = /^[\p{L}\p{M}\p{N}]$/u;
// Control, format (zero-width, bidi), surrogate and line/paragraph separator characters.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
// Inside quotes these are legal, but they are how parser-differential attacks split one address into two.
const QUOTED_DELIMITERS = new Set(['\\', '@', '<', '>', '(', ')', '[', ']', ',', ';', ':']);
const utf8 = new TextEncoder();

function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

function fails(code: EmailIssueCode, message: string): EmailResult {
  return invalid(code, message);
}

export function compileEmailRules(options: EmailOptions = {}, path = 'email'): EmailRules {
  checkKeys(path, options, ['allowQuotedLocalPart', 'allowUnicode']);
  return Object.freeze({
    allowQuotedLocalPart: checkBoolean(`${path}.allowQuotedLocalPart`, options.allowQuotedLocalPart) ?? true,
    allowUnicode: checkBoolean(`${path}.allowUnicode`, options.allowUnicode) ?? true,
  });
}

function checkQuotedLocal(local: string, rules: EmailRules): EmailResult | undefined {
  if (!rules.allowQuotedLocalPart) return fails('syntax', 'quoted local parts are not accepted');
  if (local.length < 3 || !local.endsWith('"')) return fails(local.length === 2 ? 'suspicious' : 'syntax', 'the quoted local part is empty or not closed');
  for (let i = 1; i < local.length - 1; i++) {
    const char = local[i]!;
    const code = char.charCodeAt(0);
    if (char === '"') return fails('syntax', 'a quote inside the quoted local part');
    if (QUOTED_DELIMITERS.has(char)) return fails('suspicious', `the quoted local part contains "${char}"`);
    if (code >= 0x20 && code <= 0x7e) continue;
    if (code > 0x7f && rules.allowUnicode) continue; // invisible characters were refused earlier
    return fails('syntax', 'the quoted local part contains a character that is not allowed');
  }
  return undefined;
}

function checkDotAtomLocal(local: string, rules: EmailRules): EmailResult | undefined {
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return fails('syntax', 'the local part starts or ends with a dot, or has two dots in a row');
  }
  for (let i = 0; i < local.length; i++) {
    const code = local.charCodeAt(i);
    if (code < 0x80) {
      if (code === 0x2e || ATEXT[code] === 1) continue;
    } else if (rules.allowUnicode) {
      const char = String.fromCodePoint(local.codePointAt(i)!);
      if (UNICODE_WORD.test(char)) {
        i += char.length - 1;
        continue;
      }
    }
    return fails('syntax', 'the local part contains a character that is not allowed');
  }
  // sendmail-style tools read a leading hyphen as an option (-oQ, -X): argument injection.
  if (local.startsWith('-')) return fails('suspicious', 'the local part starts with a hyphen');
  // MIME encoded-words (=?charset?q?...?=) in addresses have been used to smuggle a second address past parsers.
  if (local.includes('=?') && local.includes('?=')) return fails('suspicious', 'the local part contains a MIME encoded-word');
  return undefined;
}

/** Compiled-rules form of `validateEmail`. */
export function checkEmail(value: unknown, rules: EmailRules): EmailResult {
  if (typeof value !== 'string') return fails('type', `expected a string, got ${value === null ? 'null' : typeof value}`);
  if (value.length > MAX_EMAIL_LENGTH * 4) return fails('too_long', `longer than ${MAX_EMAIL_LENGTH} octets`);
  const ascii = isPrintableAscii(value);
  if (!ascii && INVISIBLE.test(value)) return fails('suspicious', 'contains a control or invisible character');
  // Printable ASCII is already NFC and NFKC.
  const address = ascii ? value : value.normalize('NFC');
  // Fullwidth letters, ligatures and the like: they fold to other characters in some systems and not in others.
  if (!ascii && address !== address.normalize('NFKC')) return fails('suspicious', 'contains compatibility characters (for example fullwidth letters)');
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return fails('syntax', 'expected local-part@domain');
  const local = address.slice(0, at);
  const domainText = address.slice(at + 1);
  if (!rules.allowUnicode && !ascii) return fails('syntax', 'contains non-ASCII characters');

  const localProblem = local.startsWith('"') ? checkQuotedLocal(local, rules) : checkDotAtomLocal(local, rules);
  if (localProblem) return localProblem;
  const localOctets = ascii ? local.length : utf8.encode(local).length;
  if (localOctets > MAX_LOCAL_PART_LENGTH) return fails('local_too_long', `the local part is longer than ${MAX_LOCAL_PART_LENGTH} octets`);

  if (domainText.startsWith('[')) return fails('domain', 'IP address literals are not accepted as a domain');
  const domain = toAsciiDomain(domainText);
  if (!domain.ok) return fails(domain.suspicious ? 'suspicious' : 'domain', domain.message);
  if (localOctets + 1 + domain.value.length > MAX_EMAIL_LENGTH) return fails('too_long', `longer than ${MAX_EMAIL_LENGTH} octets`);
  return valid(`${local}@${domain.value}`);
}

/**
 * Validates an e-mail address and returns it normalized: NFC, local part kept as written (it is
 * case-sensitive), domain lower-cased and in ASCII (IDN labels as `xn--`).
 */
export function validateEmail(value: unknown, options?: EmailOptions): EmailResult {
  return checkEmail(value, compileEmailRules(options));
}
