/**
 * URL-safe base64 for Fernet: tokens are encoded with padding, as the spec and Python write them,
 * and decoded strictly (one canonical spelling per byte string); keys are decoded leniently because
 * people paste them from many tools.
 */

import type { Scratch } from './scratch.js';

const PAD = '=';

/** URL-safe base64 with `=` padding, as in Python's `base64.urlsafe_b64encode`. */
export function encodeBase64Url(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString('base64url');
  const remainder = text.length % 4;
  return remainder === 0 ? text : text + PAD.repeat(4 - remainder);
}

/**
 * Decodes padded URL-safe base64, or returns undefined unless `text` is exactly what
 * `encodeBase64Url` makes of the decoded bytes. Node's decoder alone is lenient: it skips unknown
 * characters, accepts `+` and `/`, keeps only the low byte of non-ASCII characters and ignores the
 * unused bits of the last character, so a tampered spelling could decode to the same bytes. Each
 * of those is refused below.
 * With `scratch`, the bytes are decoded into it (valid until its next use) rather than a new buffer.
 */
export function decodeBase64UrlStrict(text: string, scratch?: Scratch): Buffer | undefined {
  const length = text.length;
  if (length === 0 || length % 4 !== 0) return undefined;
  const padding = text.charCodeAt(length - 1) !== 0x3d ? 0 : text.charCodeAt(length - 2) !== 0x3d ? 1 : 2;
  const expected = (length / 4) * 3 - padding;
  let bytes: Buffer;
  if (scratch) {
    const target = scratch.take(expected + 3);
    bytes = target.subarray(0, target.write(text, 'base64url'));
  } else {
    bytes = Buffer.from(text, 'base64url');
  }
  // Fewer bytes than the length promises: some characters were skipped (not base64, '=' inside).
  if (bytes.length !== expected) return undefined;
  // The other lenient readings, each checked natively rather than by re-encoding the whole token.
  if (text.indexOf('+') !== -1 || text.indexOf('/') !== -1 || Buffer.byteLength(text, 'utf8') !== length) return undefined;
  return padding === 0 || (SEXTET[text.charCodeAt(length - padding - 1)]! & UNUSED_BITS[padding]!) === 0 ? bytes : undefined;
}

/** Each URL-safe base64 character's 6-bit value, by character code. */
const SEXTET = new Uint8Array(128);
[...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].forEach((char, value) => (SEXTET[char.charCodeAt(0)] = value));
/** With one '=' the last character carries 2 unused bits, with two '=' it carries 4: all must be 0. */
const UNUSED_BITS = [0, 0b11, 0b1111];

const KEY_TEXT = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Decodes a key written in either base64 alphabet, padded or not; undefined if it is not base64. */
export function decodeBase64Lenient(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > 4096 || !KEY_TEXT.test(trimmed)) return undefined;
  const unpadded = trimmed.endsWith('==') ? trimmed.slice(0, -2) : trimmed.endsWith('=') ? trimmed.slice(0, -1) : trimmed;
  if (unpadded.length % 4 === 1) return undefined;
  return Buffer.from(unpadded, 'base64url');
}
