/**
 * Fernet symmetric encryption, token for token compatible with Python's `cryptography.fernet`.
 *
 *   const f = new Fernet(Fernet.generateKey());
 *   const token = f.encrypt('secret');           // URL-safe base64 text
 *   f.decryptString(token, { ttl: 3600 });       // 'secret', or throws InvalidToken
 */

import { encodeBase64Url } from './base64url.js';
import { decodeToken, FernetKey, invalidToken, isWithinTtl, KEY_BYTES, parseKey, timestampOf } from './fernet-key.js';
import {
  asBytes,
  checkDecryptOptions,
  checkEncryptOptions,
  toPlaintext,
  toText,
  type DecryptOptions,
  type EncryptOptions,
  type FernetData,
  type FernetToken,
} from './fernet-options.js';

export type { DecryptOptions, EncryptOptions, FernetData, FernetToken };

/** @internal The key behind a Fernet, for MultiFernet; set once by the class below. */
export let keyOf: (fernet: Fernet) => FernetKey;

/** Encrypts and decrypts Fernet tokens with one key. Every decryption failure is one `InvalidToken`. */
export class Fernet {
  readonly #key: FernetKey;

  static {
    keyOf = (fernet) => fernet.#key;
  }

  /** A new random key: 32 CSPRNG bytes in URL-safe base64 (44 characters), as Python's `Fernet.generate_key()`. */
  static generateKey(): string {
    return encodeBase64Url(crypto.getRandomValues(new Uint8Array(KEY_BYTES)));
  }

  /** `key`: 44 characters of base64 (URL-safe or standard), or 32 raw bytes. Throws ConfigurationError. */
  constructor(key: string | Uint8Array) {
    this.#key = new FernetKey(parseKey(key));
  }

  /** Encrypts `data` (UTF-8 text or bytes) into a token: URL-safe base64 text. */
  encrypt(data: FernetData, options?: EncryptOptions): string {
    const plaintext = toPlaintext(data);
    const { timestamp, iv } = checkEncryptOptions(options);
    return this.#key.seal(plaintext, timestamp, iv);
  }

  /** Verifies and decrypts a token; throws InvalidToken if it is malformed, tampered, for another key or expired. */
  decrypt(token: FernetToken, options?: DecryptOptions): Uint8Array {
    const window = checkDecryptOptions(options);
    const bytes = decodeToken(token);
    if (!bytes || !this.#key.verifies(bytes)) throw invalidToken();
    if (window && !isWithinTtl(timestampOf(bytes), window.ttl, window.now)) throw invalidToken();
    return asBytes(this.#key.decrypt(bytes));
  }

  /** Like `decrypt`, returning UTF-8 text (InvalidInputError if the plaintext is not UTF-8). */
  decryptString(token: FernetToken, options?: DecryptOptions): string {
    return toText(this.decrypt(token, options));
  }

  /** The token's timestamp (seconds since the epoch), after checking its MAC; throws InvalidToken. */
  extractTimestamp(token: FernetToken): number {
    const bytes = decodeToken(token);
    if (!bytes || !this.#key.verifies(bytes)) throw invalidToken();
    return timestampOf(bytes);
  }
}
