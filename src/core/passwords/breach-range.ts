/**
 * The Pwned Passwords range format (k-anonymity): the client sends the first 5 hex characters of
 * the password's SHA-1 and gets back every known suffix with that prefix, one `SUFFIX:COUNT` per
 * line (35 hex characters, a colon, a decimal count). With `Add-Padding: true` the server adds
 * random suffixes with count 0, which must be ignored.
 */

import { createHash } from 'node:crypto';

export const PREFIX_LENGTH = 5;
const SUFFIX_LENGTH = 35;
const LINE = /^([0-9A-Fa-f]{35}):(\d{1,15})$/;
const NEWLINE = /\r?\n/;

/** Upper-case SHA-1 hex of the NFKC-normalized UTF-8 password, split into the 5-character prefix and the 35-character suffix. */
export function rangeParts(password: string): { prefix: string; suffix: string } {
  const hex = createHash('sha1').update(password.normalize('NFKC'), 'utf8').digest('hex').toUpperCase();
  return { prefix: hex.slice(0, PREFIX_LENGTH), suffix: hex.slice(PREFIX_LENGTH) };
}

/**
 * Parses a range response into suffix (upper case) -> count, leaving out padding (count 0).
 * Returns undefined when any non-empty line is not `SUFFIX:COUNT`: the server is not speaking the format.
 */
export function parseRangeResponse(text: string): Map<string, number> | undefined {
  const entries = new Map<string, number>();
  for (const raw of text.split(NEWLINE)) {
    const line = raw.trim();
    if (line === '') continue;
    const match = LINE.exec(line);
    if (!match) return undefined;
    const count = Number(match[2]);
    if (count > 0) entries.set(match[1]!.toUpperCase(), count);
  }
  return entries;
}

/** How often the suffix appears in a parsed range (0 when absent). */
export function countOf(range: ReadonlyMap<string, number>, suffix: string): number {
  return suffix.length === SUFFIX_LENGTH ? (range.get(suffix.toUpperCase()) ?? 0) : 0;
}
