/**
 * The Fernet token format (https://github.com/fernet/spec) for one key, on node:crypto:
 *
 *   0x80 | timestamp (64-bit big-endian seconds) | IV (16) | AES-128-CBC ciphertext, PKCS#7 | HMAC-SHA256 (32)
 *
 * The HMAC covers everything before it and is checked, in constant time, before anything is
 * decrypted. Internal: the public classes are in fernet.ts and multi-fernet.ts.
 */

import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigurationError, InvalidToken } from '../errors.js';
import { fromRandomBytes } from '../random/pool.js';
import { decodeBase64Lenient, decodeBase64UrlStrict, encodeBase64Url } from './base64url.js';
import { Scratch } from './scratch.js';

export const VERSION = 0x80;
export const KEY_BYTES = 32;
export const IV_BYTES = 16;
const BLOCK = 16;
const MAC_BYTES = 32;
const HEADER_BYTES = 1 + 8 + IV_BYTES;
/** Header, one ciphertext block, MAC: the shortest valid token. */
const MIN_TOKEN_BYTES = HEADER_BYTES + BLOCK + MAC_BYTES;
/** As in Python's `cryptography`: a token from further in the future than this is refused under a TTL. */
export const MAX_CLOCK_SKEW = 60;
const TWO_32 = 2 ** 32;

/**
 * Token bytes live only until they are base64-encoded (sealing) or decrypted (opening), within one
 * synchronous call, so one buffer each is reused instead of allocating per token: that halves the
 * allocation and GC work on 10 KB tokens. The token scratches hold ciphertext and MACs only; the
 * text scratch holds plaintext for the length of one call and is zeroed before the call returns.
 */
const decodeScratch = new Scratch();
const sealScratch = new Scratch();
/** Plaintext of string data, UTF-8 encoded; zeroed after each use. */
const textScratch = new Scratch();

/** The one message for every token failure, so errors cannot serve as an oracle. */
export const INVALID_TOKEN_MESSAGE = 'Invalid Fernet token';

export function invalidToken(): InvalidToken {
  return new InvalidToken(INVALID_TOKEN_MESSAGE);
}

/** The 32 key bytes from a base64 key (either alphabet) or from raw bytes; throws ConfigurationError. */
export function parseKey(key: unknown): Buffer {
  let bytes: Buffer | undefined;
  if (typeof key === 'string') bytes = decodeBase64Lenient(key);
  else if (key instanceof Uint8Array && key.byteLength === KEY_BYTES) bytes = Buffer.from(key);
  if (bytes?.length !== KEY_BYTES) {
    const got = key instanceof Uint8Array ? ` (got ${key.byteLength} bytes; pass the base64 text as a string)` : '';
    throw new ConfigurationError(`Fernet key must be 32 bytes: 44 characters of URL-safe base64, or a 32-byte Uint8Array${got}`);
  }
  return bytes;
}

/** Seconds since the epoch, whole, as Python's `int(time.time())`. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Decodes a token's text; undefined if it is not a well-formed Fernet token (before any key is involved). */
export function decodeToken(token: unknown): Buffer | undefined {
  let text: string;
  if (typeof token === 'string') text = token;
  else if (token instanceof Uint8Array) text = Buffer.from(token.buffer, token.byteOffset, token.byteLength).toString('latin1');
  else return undefined;
  const bytes = decodeBase64UrlStrict(text, decodeScratch);
  if (!bytes || bytes.length < MIN_TOKEN_BYTES || (bytes.length - HEADER_BYTES - MAC_BYTES) % BLOCK !== 0) return undefined;
  return bytes[0] === VERSION ? bytes : undefined;
}

/** The token's timestamp in seconds (exact up to 2^53, which is far beyond any real clock). */
export function timestampOf(bytes: Buffer): number {
  return bytes.readUInt32BE(1) * TWO_32 + bytes.readUInt32BE(5);
}

/** Python's rule: expired when timestamp + ttl < now; from the future when now + skew < timestamp. */
export function isWithinTtl(timestamp: number, ttl: number, now: number): boolean {
  return timestamp + ttl >= now && now + MAX_CLOCK_SKEW >= timestamp;
}

export class FernetKey {
  readonly #signing: Buffer;
  readonly #encryption: Buffer;

  constructor(raw: Buffer) {
    this.#signing = raw.subarray(0, 16);
    this.#encryption = raw.subarray(16, 32);
  }

  /** The token text. `iv` undefined means fresh random bytes from the CSPRNG. */
  seal(data: string | Uint8Array, timestamp: number, iv: Uint8Array | undefined): string {
    if (typeof data !== 'string') return this.#seal(data, timestamp, iv);
    // UTF-8 straight into a reused buffer (at most 3 bytes per UTF-16 unit), wiped afterwards.
    const room = textScratch.take(data.length * 3);
    const plaintext = room.subarray(0, room.write(data, 'utf8'));
    try {
      return this.#seal(plaintext, timestamp, iv);
    } finally {
      plaintext.fill(0);
    }
  }

  #seal(plaintext: Uint8Array, timestamp: number, iv: Uint8Array | undefined): string {
    const cipherBytes = (Math.floor(plaintext.byteLength / BLOCK) + 1) * BLOCK;
    const macAt = HEADER_BYTES + cipherBytes;
    const out = sealScratch.take(macAt + MAC_BYTES);
    out[0] = VERSION;
    out.writeUInt32BE(Math.floor(timestamp / TWO_32), 1);
    out.writeUInt32BE(timestamp % TWO_32, 5);
    if (iv) out.set(iv, 9);
    else fromRandomBytes(IV_BYTES, (bytes, start) => out.set(bytes.subarray(start, start + IV_BYTES), 9));
    const cipher = createCipheriv('aes-128-cbc', this.#encryption, out.subarray(9, HEADER_BYTES));
    const body = cipher.update(plaintext);
    out.set(body, HEADER_BYTES);
    out.set(cipher.final(), HEADER_BYTES + body.length);
    out.set(createHmac('sha256', this.#signing).update(out.subarray(0, macAt)).digest(), macAt);
    return encodeBase64Url(out);
  }

  /** True when the token's MAC is this key's, compared in constant time. */
  verifies(bytes: Buffer): boolean {
    const macAt = bytes.length - MAC_BYTES;
    const expected = createHmac('sha256', this.#signing).update(bytes.subarray(0, macAt)).digest();
    return timingSafeEqual(expected, bytes.subarray(macAt));
  }

  /**
   * Decrypts a token whose MAC `verifies()` already accepted. The PKCS#7 padding is removed here
   * rather than by OpenSSL's final(): one native call and no copy instead of two and a concat, and
   * as the MAC was checked first, a padding error cannot serve as an oracle. Throws InvalidToken.
   */
  decrypt(bytes: Buffer): Buffer {
    const macAt = bytes.length - MAC_BYTES;
    const decipher = createDecipheriv('aes-128-cbc', this.#encryption, bytes.subarray(9, HEADER_BYTES));
    decipher.setAutoPadding(false);
    const padded = decipher.update(bytes.subarray(HEADER_BYTES, macAt));
    const end = padded.length - paddingLength(padded);
    if (end === padded.length) throw invalidToken();
    return padded.subarray(0, end);
  }
}

/** The PKCS#7 padding length of a whole number of blocks: 1 to 16, or 0 if the padding is malformed. */
function paddingLength(padded: Buffer): number {
  const count = padded[padded.length - 1]!;
  if (count < 1 || count > BLOCK) return 0;
  let mismatch = 0;
  for (let i = padded.length - count; i < padded.length; i++) mismatch |= padded[i]! ^ count;
  return mismatch === 0 ? count : 0;
}
