/**
 * Session ids: 256 random bits, base64url (43 characters). The store never sees an id: records live
 * under its SHA-256, so a store dump, a replica or a MONITOR log does not hand out live sessions.
 * Logs see a salted, truncated HMAC, which cannot be turned back into either.
 */

import { createHash, createHmac, hash } from 'node:crypto';
import { fromRandomBytes } from '../random/pool.js';

const ID_BYTES = 32;
const ID_LENGTH = 43;
// One search for a character outside base64url: cheaper than a JavaScript loop over 43 characters.
const NOT_BASE64URL = /[^A-Za-z0-9_-]/;

const base64url = (bytes: Uint8Array, start: number, length: number): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString('base64url');

/** A fresh session id. */
export function newSessionId(): string {
  return fromRandomBytes(ID_BYTES, (bytes, start) => base64url(bytes, start, ID_BYTES));
}

/** A fresh 128-bit id (the stable per-session binding for CSRF tokens and data). */
export function newBindingId(): string {
  return fromRandomBytes(16, (bytes, start) => base64url(bytes, start, 16));
}

export function isSessionId(value: string): boolean {
  return value.length === ID_LENGTH && !NOT_BASE64URL.test(value);
}

// crypto.hash (Node 20.12+) is a one-shot digest several times cheaper than createHash for short input.
const sha256 = typeof hash === 'function' ? (text: string) => hash('sha256', text, 'base64url') : (text: string) => createHash('sha256').update(text).digest('base64url');

/** The key a session is stored under. */
export function storageHash(id: string): string {
  return sha256(id);
}

/** Salted hashes for logs: stable within one salt, useless without it. */
export function createLogHasher(salt: Uint8Array): (id: string) => string {
  return (id) => createHmac('sha256', salt).update(id).digest('base64url').slice(0, 16);
}
