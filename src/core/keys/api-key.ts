/**
 * API keys: generated from the CSPRNG, shown once, stored only as HMAC-SHA256 under a server
 * pepper. A key carries 256 random bits, so nobody can guess it and a slow hash (argon2) would
 * add nothing but latency: a fast keyed hash is enough, and the pepper keeps a leaked table useless.
 *
 *   const { key, id, hash } = generateApiKey({ prefix: 'acme', pepper });  // give `key`, store `id` + `hash`
 *   const record = await db.find(apiKeyId(presented));                     // one lookup, no scan
 *   if (record && verifyApiKey(presented, record.hash, { pepper })) ...
 */

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { checkKeys, fail } from '../config/check-options.js';
import { InvalidInputError } from '../errors.js';
import { MAX_KEY_LENGTH, newKey, parseKey, PREFIX } from './format.js';
import { PEPPER_ID, pepperKeys, type PepperOption } from './pepper.js';
import { keyDigest, matchedBefore, rememberMatch } from './verified-cache.js';

export interface GenerateApiKeyOptions {
  /** 2-8 lower-case letters naming the kind of key, e.g. 'acme' gives `acme_...`. Default 'key'. */
  prefix?: string;
  /** The server pepper (or a ring of them) the hash is made with. Required. */
  pepper: PepperOption;
}

export interface GeneratedApiKey {
  /** The key: give it to the client once, never store it. */
  key: string;
  /** The lookup id (also `apiKeyId(key)`): store it with the hash and find the record by it. */
  id: string;
  /** `hmac-sha256$<pepper id>$<base64url>`: store this. */
  hash: string;
}

/** What you store per key. `expiresAt` (ms or Date) ends an old key's overlap after a rotation. */
export interface ApiKeyRecord {
  id?: string;
  hash: string;
  expiresAt?: number | Date | undefined;
}

export interface VerifyApiKeyOptions {
  pepper: PepperOption;
  /** The time to compare `expiresAt` with. Default now. */
  now?: number;
}

const HASH_SCHEME = 'hmac-sha256';
// 32 bytes in base64url: 42 characters of 6 bits and a last one of 4 bits (its low 2 bits zero), so no two strings decode alike.
const MAC = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
const ID_DOMAIN = 'bulwark-api-key-id\0';

function checkPrefix(prefix: unknown): string {
  if (prefix === undefined) return 'key';
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) fail('apiKey.prefix', 'expected 2-8 lower-case letters (a-z), e.g. "acme"');
  return prefix;
}

function mac(key: string, pepper: ReturnType<typeof pepperKeys>['current']): Buffer {
  return createHmac('sha256', pepper).update(key).digest();
}

function malformedHash(): InvalidInputError {
  return new InvalidInputError('apiKey: the stored hash is not an hmac-sha256 API key hash');
}

function parseHash(hash: unknown): { pepperId: string; mac: Buffer } {
  const parts = typeof hash === 'string' ? hash.split('$') : [];
  if (parts.length !== 3 || parts[0] !== HASH_SCHEME || !PEPPER_ID.test(parts[1]!) || !MAC.test(parts[2]!)) throw malformedHash();
  return { pepperId: parts[1]!, mac: Buffer.from(parts[2]!, 'base64url') };
}

/** The lookup id of a well-formed key (24 hex characters of a domain-separated SHA-256), or undefined. */
export function apiKeyId(key: string): string | undefined {
  if (!parseKey(key)) return undefined;
  return createHash('sha256').update(ID_DOMAIN + key).digest('hex').slice(0, 24);
}

/** The stored form of a key under the current pepper. Throws InvalidInputError for a malformed key. */
export function hashApiKey(key: string, options: { pepper: PepperOption }): string {
  if (!parseKey(key)) throw new InvalidInputError('apiKey: not a well-formed API key');
  const peppers = pepperKeys('apiKey.pepper', options?.pepper);
  return `${HASH_SCHEME}$${peppers.currentId}$${mac(key, peppers.current).toString('base64url')}`;
}

/** Makes a new key, its lookup id and its hash. */
export function generateApiKey(options: GenerateApiKeyOptions): GeneratedApiKey {
  checkKeys('apiKey', options, ['prefix', 'pepper']);
  if (options.pepper === undefined) fail('apiKey.pepper', 'a server pepper is required (32 random bytes, e.g. from `bulwark keygen`)');
  const key = newKey(checkPrefix(options.prefix));
  return { key, id: apiKeyId(key)!, hash: hashApiKey(key, options) };
}

/**
 * True when `key` is well formed, matches the stored hash (or record) in constant time, and the
 * record has not expired. A malformed key is false at once; a malformed hash or a hash made with a
 * pepper that is not configured throws InvalidInputError (a configuration fault, not a bad key).
 */
export function verifyApiKey(key: string, stored: string | ApiKeyRecord, options: VerifyApiKeyOptions): boolean {
  const hash = typeof stored === 'string' ? stored : stored?.hash;
  const peppers = pepperKeys('apiKey.pepper', options?.pepper);
  if (typeof stored === 'object' && stored !== null && stored.expiresAt !== undefined) {
    const expiresAt = stored.expiresAt instanceof Date ? stored.expiresAt.getTime() : stored.expiresAt;
    if (!((options.now ?? Date.now()) < expiresAt)) return false;
  }
  if (typeof hash !== 'string') throw malformedHash();
  if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH) return false;
  const digest = keyDigest(key);
  if (matchedBefore(peppers, hash, digest)) return true;
  const expected = parseHash(hash);
  const pepper = peppers.get(expected.pepperId);
  if (!pepper) throw new InvalidInputError(`apiKey: the stored hash needs pepper "${expected.pepperId}", which is not configured`);
  if (!parseKey(key) || !timingSafeEqual(mac(key, pepper), expected.mac)) return false;
  rememberMatch(peppers, hash, digest);
  return true;
}

/** True when the hash was made with another pepper than the current one: rehash with `hashApiKey` after a successful verify. */
export function apiKeyNeedsRehash(hash: string, options: { pepper: PepperOption }): boolean {
  return parseHash(hash).pepperId !== pepperKeys('apiKey.pepper', options?.pepper).currentId;
}

/** True for a string of the key format whose checksum matches (an offline typo check; says nothing about validity). */
export function isWellFormedApiKey(key: string, options?: { prefix?: string }): boolean {
  const parsed = parseKey(key);
  return parsed !== undefined && (options?.prefix === undefined || parsed.prefix === options.prefix);
}

/** For display and logs: the prefix and the last 4 characters, `acme_********3kQz`; '****' for anything not a key. */
export function maskApiKey(key: string): string {
  const parsed = parseKey(key);
  return parsed ? `${parsed.prefix}_********${key.slice(-4)}` : '****';
}
