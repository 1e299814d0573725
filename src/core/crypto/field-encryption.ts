/**
 * Field-level encryption of JSON values for storage at rest, with the key id in the stored text so
 * rotation is visible in the data itself:
 *
 *   const fields = createFieldEncryptor({ keys: [process.env.KEY_2025, process.env.KEY_2024] });
 *   const stored = fields.encrypt({ url: 'https://hooks.example', secret: 'whsec_...' }); // 'k1a2b3c4d:gAAAAA...'
 *   fields.decrypt(stored);       // the object again
 *   fields.needsRotation(stored); // true once it was made with an older key; rotate(stored) re-encrypts
 *
 * The text is `<key id>:<Fernet token>`; the token is an ordinary Fernet token, so any Fernet
 * implementation with the key (Python's included) can read the part after the colon.
 */

import { createHash } from 'node:crypto';
import { ConfigurationError, InvalidInputError } from '../errors.js';
import { invalidToken, parseKey } from './fernet-key.js';
import { Fernet } from './fernet.js';
import type { DecryptOptions } from './fernet-options.js';

/** Any value `JSON.stringify` writes and `JSON.parse` gives back. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface FieldKey {
  /** 1 to 32 characters: letters, digits, `_` and `-`. */
  id: string;
  key: string | Uint8Array;
}

export interface FieldEncryptorOptions {
  /** Newest first; the first encrypts. A bare key gets the id `fernetKeyId(key)`. */
  keys: readonly (FieldKey | string)[];
}

export interface FieldEncryptor {
  /** The id of the key that encrypts. */
  readonly currentKeyId: string;
  /** Encrypts a JSON value into `<key id>:<token>`. */
  encrypt(value: JsonValue): string;
  /** Decrypts a value made by `encrypt`; throws InvalidToken if it is malformed, tampered, for an unknown key or expired. */
  decrypt<T extends JsonValue = JsonValue>(stored: string, options?: DecryptOptions): T;
  /** The key id of a stored value, or undefined if the text is not `<key id>:<token>`. Does not verify it. */
  keyIdOf(stored: string): string | undefined;
  /** True when the value was encrypted with a key other than the current one. */
  needsRotation(stored: string): boolean;
  /** Re-encrypts under the current key, keeping the token's original timestamp. Throws InvalidToken. */
  rotate(stored: string): string;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** A stable, public id for a Fernet key: 8 characters of a SHA-256 over it. Reveals nothing usable about a random key. */
export function fernetKeyId(key: string | Uint8Array): string {
  return createHash('sha256').update('bulwark fernet key id\0').update(parseKey(key)).digest('base64url').slice(0, 8);
}

function splitStored(stored: unknown): { id: string; token: string } | undefined {
  if (typeof stored !== 'string') return undefined;
  const colon = stored.indexOf(':');
  if (colon < 1 || colon > 32) return undefined;
  const id = stored.slice(0, colon);
  return KEY_ID.test(id) ? { id, token: stored.slice(colon + 1) } : undefined;
}

/** Builds a field encryptor over one or more keys, newest first. Throws ConfigurationError on bad keys or ids. */
export function createFieldEncryptor(options: FieldEncryptorOptions): FieldEncryptor {
  const keys = options?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new ConfigurationError('createFieldEncryptor: keys must be a non-empty array, newest first');
  }
  const byId = new Map<string, Fernet>();
  keys.forEach((entry: FieldKey | string, index) => {
    const { id, key } = typeof entry === 'string' ? { id: fernetKeyId(entry), key: entry } : entry;
    if (typeof id !== 'string' || !KEY_ID.test(id)) {
      throw new ConfigurationError(`createFieldEncryptor: keys[${index}].id must be 1 to 32 letters, digits, "_" or "-"`);
    }
    if (byId.has(id)) throw new ConfigurationError(`createFieldEncryptor: keys[${index}]: the key id "${id}" is used twice`);
    byId.set(id, new Fernet(key));
  });
  const currentKeyId = byId.keys().next().value!;
  const current = byId.get(currentKeyId)!;

  const open = (stored: string): { id: string; plaintext: Uint8Array; timestamp: number } => {
    const parts = splitStored(stored);
    const fernet = parts && byId.get(parts.id);
    if (!parts || !fernet) throw invalidToken();
    return { id: parts.id, plaintext: fernet.decrypt(parts.token), timestamp: fernet.extractTimestamp(parts.token) };
  };

  return {
    currentKeyId,
    encrypt(value) {
      const json = JSON.stringify(value);
      if (typeof json !== 'string') throw new InvalidInputError('createFieldEncryptor: the value is not JSON (undefined, a function or a symbol)');
      return `${currentKeyId}:${current.encrypt(json)}`;
    },
    decrypt<T extends JsonValue = JsonValue>(stored: string, decryptOptions?: DecryptOptions): T {
      const parts = splitStored(stored);
      const fernet = parts && byId.get(parts.id);
      if (!parts || !fernet) throw invalidToken();
      const text = fernet.decryptString(parts.token, decryptOptions);
      try {
        return JSON.parse(text) as T;
      } catch {
        // Authentic but not JSON: written by something other than encrypt().
        throw invalidToken();
      }
    },
    keyIdOf: (stored) => splitStored(stored)?.id,
    needsRotation: (stored) => splitStored(stored)?.id !== currentKeyId,
    rotate(stored) {
      const { id, plaintext, timestamp } = open(stored);
      if (id === currentKeyId) return stored;
      try {
        return `${currentKeyId}:${current.encrypt(plaintext, { timestamp })}`;
      } finally {
        plaintext.fill(0);
      }
    },
  };
}
