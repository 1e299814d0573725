/** Escaping for HTML text and quoted attribute values. */

import { InvalidInputError } from '../errors.js';

const SPECIAL = /[&<>"']/;
const SPECIAL_ALL = /[&<>"']/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes `& < > " '` so the text is inert in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  if (typeof text !== 'string') throw new InvalidInputError('escapeHtml: expected a string');
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (c) => ENTITIES[c]!) : text;
}

const CARRIAGE_RETURN_OR_NUL = /\r\n?|\0/g;

/**
 * What the HTML parser does to text without `<` or `&`: CR and CRLF become LF and NUL is dropped.
 * Applying it before escaping makes escaped text come back unchanged from a second pass.
 */
export function normalizeParsedText(text: string): string {
  return text.replace(CARRIAGE_RETURN_OR_NUL, (match) => (match === '\0' ? '' : '\n'));
}
