/**
 * The API key format: `prefix_random_checksum`, like GitHub's tokens.
 *
 * - prefix: 2-8 lower-case letters, names the kind of key (secret scanners match on it);
 * - random: 256 bits from the CSPRNG in base62, 43 characters;
 * - checksum: CRC32 of `prefix_random` in base62, 6 characters, so a typo or a truncated copy is
 *   refused offline, before any lookup. CRC32 catches every change of a single character.
 */

import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const RANDOM_BYTES = 32;
export const RANDOM_LENGTH = 43; // ceil(256 / log2(62))
export const CHECKSUM_LENGTH = 6; // 62^6 > 2^32
export const PREFIX = /^[a-z]{2,8}$/;
const KEY = /^([a-z]{2,8})_([0-9A-Za-z]{43})_([0-9A-Za-z]{6})$/;
export const MAX_KEY_LENGTH = 8 + 1 + RANDOM_LENGTH + 1 + CHECKSUM_LENGTH;

function base62(value: bigint, length: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i++) {
    out = BASE62[Number(rest % 62n)]! + out;
    rest /= 62n;
  }
  return out;
}

/** CRC32 in base62; plain numbers here (a CRC32 fits a double), as this runs on every verification. */
function checksum(body: string): string {
  let rest = crc32(body);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[rest % 62]! + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

/** A new key with the given (already checked) prefix. */
export function newKey(prefix: string): string {
  const random = base62(BigInt(`0x${randomBytes(RANDOM_BYTES).toString('hex')}`), RANDOM_LENGTH);
  const body = `${prefix}_${random}`;
  return `${body}_${checksum(body)}`;
}

/** The key's prefix when it has the shape and a matching checksum; undefined otherwise. */
export function parseKey(key: unknown): { prefix: string } | undefined {
  if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH) return undefined;
  const match = KEY.exec(key);
  if (!match) return undefined;
  const body = key.slice(0, key.length - CHECKSUM_LENGTH - 1);
  return checksum(body) === match[3] ? { prefix: match[1]! } : undefined;
}
