/**
 * Request targets that no browser sends and that servers disagree about: NUL bytes, broken
 * percent-encoding, bytes that are not UTF-8 (overlong forms included), control characters in the
 * path, dot-dot segments (also behind `%2e` or a backslash), and double-encoded `.`, `/` or `\` in
 * the path. Each one is a 400.
 */

import { hasControlCharacter } from '../control-characters.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** The bytes `text` stands for after one percent-decoding, or undefined when an escape is broken. */
function percentDecode(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(text.length);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x25) {
      const high = hexValue(text.charCodeAt(i + 1));
      const low = hexValue(text.charCodeAt(i + 2));
      if (high < 0 || low < 0) return undefined;
      bytes[length++] = (high << 4) | low;
      i += 2;
    } else if (code > 0xff) {
      return undefined; // node hands raw target bytes over as latin1; a wider character cannot be one
    } else {
      bytes[length++] = code;
    }
  }
  return bytes.subarray(0, length);
}

function decodeStrict(text: string): string | undefined {
  const bytes = percentDecode(text);
  if (bytes === undefined || bytes.includes(0)) return undefined;
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

function hasDotDotSegment(path: string): boolean {
  for (const segment of path.split(/[/\\]/)) if (segment === '..') return true;
  return false;
}

/** Fast path, one pass: nothing to decode, no backslash, no two dots in a row, only printable ASCII. */
function plainlySafe(text: string): boolean {
  let previous = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x21 || code > 0x7e || code === 0x25 || code === 0x5c || (code === 0x2e && previous === 0x2e)) return false;
    previous = code;
  }
  return true;
}

/** A reason when the path or query is malformed, for the event log; undefined when it is fine. */
export function malformedUrlReason(path: string, search: string): string | undefined {
  if (plainlySafe(path) && plainlySafe(search)) return undefined;
  const decodedPath = decodeStrict(path);
  if (decodedPath === undefined) return 'path: broken percent-encoding, NUL byte or invalid UTF-8';
  if (decodeStrict(search) === undefined) return 'query: broken percent-encoding, NUL byte or invalid UTF-8';
  if (hasControlCharacter(decodedPath)) return 'path: control character';
  if (hasDotDotSegment(decodedPath)) return 'path: dot-dot segment';
  if (/%(?:2e|2f|5c)/i.test(decodedPath)) return 'path: double-encoded ".", "/" or "\\"';
  return undefined;
}
