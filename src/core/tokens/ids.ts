/**
 * Token ids: UUIDv7 (RFC 9562) from the pooled CSPRNG, so a `jti` also carries its issue time to
 * the millisecond. "Revoke everything this subject was issued before now" compares against it:
 * `iat` has whole seconds, which cannot order a revocation and a login in the same second.
 */

import { fromRandomBytes } from '../random/pool.js';

const HEX = '0123456789abcdef';
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function hex(byte: number): string {
  return HEX[byte >> 4]! + HEX[byte & 15]!;
}

/** A fresh UUIDv7 for `nowMs`: 48 bits of time, 74 random bits. */
export function timeOrderedId(nowMs: number): string {
  return fromRandomBytes(10, (b, s) => {
    let time = '';
    for (let shift = 40; shift >= 0; shift -= 8) time += hex(Math.floor(nowMs / 2 ** shift) & 0xff);
    const version = hex(0x70 | (b[s]! & 0x0f)) + hex(b[s + 1]!);
    const variant = hex(0x80 | (b[s + 2]! & 0x3f)) + hex(b[s + 3]!);
    let tail = '';
    for (let i = 4; i < 10; i++) tail += hex(b[s + i]!);
    return `${time.slice(0, 8)}-${time.slice(8)}-${version}-${variant}-${tail}`;
  });
}

/** The issue time in ms that a UUIDv7 `jti` carries, or undefined for any other string. */
export function issuedAtMs(jti: unknown): number | undefined {
  if (typeof jti !== 'string' || !UUID_V7.test(jti)) return undefined;
  return Number.parseInt(jti.slice(0, 8) + jti.slice(9, 13), 16);
}
