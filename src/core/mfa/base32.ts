/**
 * Base32 (RFC 4648, alphabet A-Z 2-7), the encoding of TOTP secrets in otpauth URIs. Decoding is
 * forgiving where people copy secrets by hand: lower case, spaces and trailing `=` padding are
 * accepted. Encoding writes no padding, as authenticator apps expect.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) {
  VALUES[ALPHABET.charCodeAt(i)] = i;
  VALUES[ALPHABET.toLowerCase().charCodeAt(i)] = i;
}
/** Character counts mod 8 that a whole number of bytes can produce (RFC 4648 section 6). */
const VALID_REMAINDER = [true, false, true, false, true, true, false, true];

/** Encodes bytes as upper-case base32 without padding. */
export function encodeBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Decodes base32 (any case, spaces ignored, optional trailing padding); undefined when malformed. */
export function decodeBase32(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length > 4096) return undefined;
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 0x3d || text.charCodeAt(end - 1) === 0x20)) end--; // '=' and spaces
  const out = new Uint8Array(Math.floor((end * 5) / 8));
  let length = 0;
  let chars = 0;
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x20) continue;
    const value = code < 128 ? VALUES[code]! : -1;
    if (value < 0) return undefined;
    chars++;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[length++] = (buffer >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  if (!VALID_REMAINDER[chars % 8]) return undefined;
  return out.subarray(0, length);
}
