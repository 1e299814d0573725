/**
 * Key rotation, as Python's `MultiFernet`: encrypt with the first key, decrypt with any of them,
 * and `rotate()` old tokens to the first key without changing their timestamp.
 *
 *   const keys = new MultiFernet([newKey, oldKey]);
 *   const fresh = keys.rotate(storedToken);
 */

import { ConfigurationError } from '../errors.js';
import { decodeToken, type FernetKey, invalidToken, isWithinTtl, timestampOf } from './fernet-key.js';
import { Fernet, keyOf } from './fernet.js';
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

/** Encrypts with the first of several Fernet keys and decrypts with whichever made the token. */
export class MultiFernet {
  readonly #keys: readonly FernetKey[];

  /** `keys`: Fernet instances or keys, newest first. Throws ConfigurationError if empty or if a key is malformed. */
  constructor(keys: readonly (Fernet | string | Uint8Array)[]) {
    if (!Array.isArray(keys) || keys.length === 0) {
      throw new ConfigurationError('MultiFernet: expected a non-empty array of keys, newest first');
    }
    this.#keys = keys.map((key) => keyOf(key instanceof Fernet ? key : new Fernet(key)));
  }

  /** Encrypts with the first key. */
  encrypt(data: FernetData, options?: EncryptOptions): string {
    const plaintext = toPlaintext(data);
    const { timestamp, iv } = checkEncryptOptions(options);
    return this.#keys[0]!.seal(plaintext, timestamp, iv);
  }

  /** Decrypts a token made with any of the keys; throws InvalidToken as `Fernet.decrypt` does. */
  decrypt(token: FernetToken, options?: DecryptOptions): Uint8Array {
    const window = checkDecryptOptions(options);
    const { key, bytes } = this.#open(token);
    if (window && !isWithinTtl(timestampOf(bytes), window.ttl, window.now)) throw invalidToken();
    return asBytes(key.decrypt(bytes));
  }

  /** Like `decrypt`, returning UTF-8 text. */
  decryptString(token: FernetToken, options?: DecryptOptions): string {
    return toText(this.decrypt(token, options));
  }

  /** The token's timestamp, after checking its MAC against each key; throws InvalidToken. */
  extractTimestamp(token: FernetToken): number {
    return timestampOf(this.#open(token).bytes);
  }

  /**
   * Re-encrypts a token under the first key with its original timestamp (so TTLs keep counting
   * from when the data was first encrypted) and a fresh IV. No TTL applies, as in Python.
   */
  rotate(token: FernetToken): string {
    const { key, bytes } = this.#open(token);
    const plaintext = key.decrypt(bytes);
    try {
      return this.#keys[0]!.seal(plaintext, timestampOf(bytes), undefined);
    } finally {
      plaintext.fill(0);
    }
  }

  /** The first key whose MAC the token carries, newest first (as Python tries them). */
  #open(token: FernetToken): { key: FernetKey; bytes: Buffer } {
    const bytes = decodeToken(token);
    if (bytes) for (const key of this.#keys) if (key.verifies(bytes)) return { key, bytes };
    throw invalidToken();
  }
}
