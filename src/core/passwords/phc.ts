/**
 * The pepper's key id inside a PHC string: `$argon2id$v=19$m=19456,t=2,p=1,keyid=2025$salt$hash`.
 * `keyid` is the parameter the argon2 PHC format reserves for it; argon2 itself never sees it
 * (we strip it before verifying), so the hash stays verifiable by any argon2 library once unpeppered.
 */

import { PEPPER_ID } from '../keys/pepper.js';

const KEYID = 'keyid=';

/** Adds `keyid=<id>` to the parameter segment of a PHC string made by argon2. */
export function withKeyId(phc: string, keyId: string): string {
  const parts = phc.split('$');
  // ['', 'argon2id', 'v=19', 'm=...,t=...,p=...', salt, hash]
  if (parts.length !== 6) throw new Error('unexpected PHC string from argon2');
  parts[3] = `${parts[3]},${KEYID}${keyId}`;
  return parts.join('$');
}

/**
 * Splits a stored hash into the PHC string argon2 verifies and the pepper key id, if any.
 * Returns undefined when the keyid parameter is malformed or repeated.
 */
export function splitKeyId(stored: string): { phc: string; keyId: string | undefined } | undefined {
  if (!stored.includes(KEYID)) return { phc: stored, keyId: undefined };
  const parts = stored.split('$');
  if (parts.length !== 6) return undefined;
  const params = parts[3]!.split(',');
  const found = params.filter((p) => p.startsWith(KEYID));
  if (found.length !== 1) return undefined;
  const keyId = found[0]!.slice(KEYID.length);
  if (!PEPPER_ID.test(keyId)) return undefined;
  parts[3] = params.filter((p) => !p.startsWith(KEYID)).join(',');
  return { phc: parts.join('$'), keyId };
}
