/**
 * Version 4 UUIDs (RFC 9562) from the pooled CSPRNG bytes: `crypto.randomUUID()` costs about three
 * times as much and allocates several hundred bytes per call, on every request (bench/headers.bench.ts).
 */

import { fromRandomBytes } from './pool.js';

const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const DASH = 0x2d;

function hi(byte: number): number {
  return HEX[byte >> 4]!;
}

function lo(byte: number): number {
  return HEX[byte & 15]!;
}

function format(b: Uint8Array, s: number): string {
  const version = (b[s + 6]! & 0x0f) | 0x40;
  const variant = (b[s + 8]! & 0x3f) | 0x80;
  return String.fromCharCode(
    hi(b[s]!), lo(b[s]!), hi(b[s + 1]!), lo(b[s + 1]!), hi(b[s + 2]!), lo(b[s + 2]!), hi(b[s + 3]!), lo(b[s + 3]!), DASH,
    hi(b[s + 4]!), lo(b[s + 4]!), hi(b[s + 5]!), lo(b[s + 5]!), DASH,
    hi(version), lo(version), hi(b[s + 7]!), lo(b[s + 7]!), DASH,
    hi(variant), lo(variant), hi(b[s + 9]!), lo(b[s + 9]!), DASH,
    hi(b[s + 10]!), lo(b[s + 10]!), hi(b[s + 11]!), lo(b[s + 11]!), hi(b[s + 12]!), lo(b[s + 12]!),
    hi(b[s + 13]!), lo(b[s + 13]!), hi(b[s + 14]!), lo(b[s + 14]!), hi(b[s + 15]!), lo(b[s + 15]!),
  );
}

export function randomUuid(): string {
  return fromRandomBytes(16, format);
}
