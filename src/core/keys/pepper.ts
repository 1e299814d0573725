/**
 * Server-side peppers: secret HMAC keys kept outside the database, so a stolen table of hashes
 * cannot be attacked offline. A ring of peppers with ids allows rotation: new hashes use the
 * current one, old hashes name theirs and still verify.
 *
 *   pepper: process.env.PEPPER                                   // one pepper, id '1'
 *   pepper: { current: '2025', peppers: { '2024': old, '2025': fresh } }
 */

import { createSecretKey, type KeyObject } from 'node:crypto';
import { fail, isPlainObject } from '../config/check-options.js';
import { RecentMap } from '../recent-map.js';

/** One pepper: a string or bytes. Use 32 random bytes (`bulwark keygen`); it is checked for shape, not for randomness. */
export type Pepper = string | Uint8Array;

/** Several peppers by id; `current` makes new hashes, the others only verify old ones. */
export interface PepperRing {
  current: string;
  peppers: Readonly<Record<string, Pepper>>;
}

export type PepperOption = Pepper | PepperRing;

/** A normalized ring: keys as KeyObjects (made once), looked up by id. */
export interface PepperKeys {
  readonly currentId: string;
  readonly current: KeyObject;
  get(id: string): KeyObject | undefined;
}

/** The id a bare pepper gets; name it in a ring (`{ current: 'new', peppers: { '1': old, new } }`) to rotate. */
export const DEFAULT_PEPPER_ID = '1';
/** Pepper ids travel inside stored hashes (PHC `keyid=`), so they are short and plain. */
export const PEPPER_ID = /^[A-Za-z0-9.-]{1,32}$/;
const MAX_PEPPER_BYTES = 1024;

/**
 * Peppers are checked for shape only: refusing weak secrets is the job of configuration loading
 * (`fromEnv` in production), which knows where a value came from.
 */
function toKey(path: string, pepper: unknown): KeyObject {
  const bytes = typeof pepper === 'string' ? Buffer.from(pepper, 'utf8') : pepper instanceof Uint8Array ? Buffer.from(pepper) : undefined;
  if (!bytes) return fail(path, 'expected a string, a Uint8Array or { current, peppers }');
  if (bytes.length === 0 || bytes.length > MAX_PEPPER_BYTES) fail(path, `expected 1 to ${MAX_PEPPER_BYTES} bytes (32 random bytes recommended)`);
  return createSecretKey(bytes);
}

const cache = new WeakMap<object, PepperKeys>();
const stringCache = new RecentMap<string, PepperKeys>(16);

function build(path: string, option: unknown): PepperKeys {
  if (typeof option === 'string' || option instanceof Uint8Array) {
    const key = toKey(path, option);
    return { currentId: DEFAULT_PEPPER_ID, current: key, get: (id) => (id === DEFAULT_PEPPER_ID ? key : undefined) };
  }
  if (!isPlainObject(option) || typeof option.current !== 'string' || !isPlainObject(option.peppers)) {
    return fail(path, 'expected a pepper (string or bytes) or { current: id, peppers: { [id]: pepper } }');
  }
  const keys = new Map<string, KeyObject>();
  for (const [id, pepper] of Object.entries(option.peppers)) {
    if (!PEPPER_ID.test(id)) fail(`${path}.peppers`, `the id "${id.slice(0, 40)}" must be 1-32 characters of A-Z, a-z, 0-9, "." or "-"`);
    keys.set(id, toKey(`${path}.peppers.${id}`, pepper));
  }
  const current = keys.get(option.current);
  if (!current) fail(`${path}.current`, `"${option.current.slice(0, 40)}" is not one of the ids in peppers`);
  return { currentId: option.current, current, get: (id) => keys.get(id) };
}

/**
 * Validates a pepper option once and returns its keys; repeated calls with the same value (the
 * same string, array or ring object) reuse the result, so per-call APIs stay cheap.
 */
export function pepperKeys(path: string, option: PepperOption): PepperKeys {
  if (typeof option === 'string') {
    let keys = stringCache.get(option);
    if (keys) return keys;
    keys = build(path, option);
    stringCache.set(option, keys);
    return keys;
  }
  if (option === null || typeof option !== 'object') return build(path, option);
  let keys = cache.get(option);
  if (!keys) {
    keys = build(path, option);
    cache.set(option, keys);
  }
  return keys;
}
