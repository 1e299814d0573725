/** Input checks and conversions shared by Fernet, MultiFernet and field encryption. Internal. */

import { InvalidInputError } from '../errors.js';
import { IV_BYTES, nowSeconds } from './fernet-key.js';

/** Plaintext: UTF-8 text or bytes. */
export type FernetData = string | Uint8Array;
/** A token as text, or as the ASCII bytes of that text (as Python accepts). */
export type FernetToken = string | Uint8Array;

export interface EncryptOptions {
  /** Seconds since the epoch to write into the token; default now. For test vectors and `rotate`. */
  timestamp?: number;
  /** The 16-byte IV; default fresh CSPRNG bytes. Only for test vectors: never reuse an IV. */
  iv?: Uint8Array;
}

export interface DecryptOptions {
  /** Refuse tokens older than this many seconds (and more than 60 s in the future). Default: no limit. */
  ttl?: number;
  /** The current time in seconds since the epoch, for tests; default now. */
  now?: number;
}

const MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The data, checked: text is UTF-8 encoded when it is encrypted. */
export function toPlaintext(data: FernetData): FernetData {
  if (typeof data === 'string' || data instanceof Uint8Array) return data;
  throw new InvalidInputError('Fernet: data to encrypt must be a string or a Uint8Array');
}

/** Options must be an object: `decrypt(token, 60)` would otherwise silently mean "no TTL". */
function checkObject(name: string, options: unknown): void {
  if (options !== undefined && options !== null && typeof options !== 'object') {
    throw new InvalidInputError(`Fernet: ${name} options must be an object, for example { ttl: 60 }`);
  }
}

export function checkEncryptOptions(options: EncryptOptions | undefined): { timestamp: number; iv: Uint8Array | undefined } {
  checkObject('encrypt', options);
  const timestamp = options?.timestamp ?? nowSeconds();
  if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp > MAX_TIMESTAMP) {
    throw new InvalidInputError('Fernet: timestamp must be a whole number of seconds since the epoch, 0 or more');
  }
  const iv = options?.iv;
  if (iv !== undefined && !(iv instanceof Uint8Array && iv.byteLength === IV_BYTES)) {
    throw new InvalidInputError('Fernet: iv must be a Uint8Array of 16 bytes');
  }
  return { timestamp, iv };
}

/** Validates `ttl` and `now` (programming errors, not token failures: these throw InvalidInputError). */
export function checkDecryptOptions(options: DecryptOptions | undefined): { ttl: number; now: number } | undefined {
  checkObject('decrypt', options);
  // null reads as "not given", as Python's ttl=None.
  const ttl = options?.ttl ?? undefined;
  const now = options?.now ?? undefined;
  if (ttl === undefined) {
    if (now !== undefined) checkSeconds('now', now);
    return undefined;
  }
  return { ttl: checkSeconds('ttl', ttl), now: now === undefined ? nowSeconds() : checkSeconds('now', now) };
}

function checkSeconds(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidInputError(`Fernet: ${name} must be a number of seconds, 0 or more`);
  }
  return value;
}

/** UTF-8 text of decrypted bytes; InvalidInputError if they are not text. */
export function toText(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new InvalidInputError('Fernet: the decrypted data is not UTF-8 text; use decrypt() for bytes');
  }
}

/** A Uint8Array view of a Buffer: plain bytes for the caller, no copy. */
export function asBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

