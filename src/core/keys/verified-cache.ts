/**
 * Remembers, per stored hash, the SHA-256 of the key that last matched it, so the next request
 * with the same key costs one SHA-256 instead of an HMAC (see bench/passwords.bench.ts). Only
 * successful verifications are remembered, so wrong keys cannot fill it; it holds digests, never
 * keys; a changed pepper configuration starts a new memory.
 * Bounded: at most 10,000 entries per pepper configuration.
 */

import { hash, timingSafeEqual } from 'node:crypto';
import { RecentMap } from '../recent-map.js';
import type { PepperKeys } from './pepper.js';

const REMEMBERED = 10_000;

const memories = new WeakMap<PepperKeys, RecentMap<string, Buffer>>();

export function keyDigest(key: string): Buffer {
  return hash('sha256', key, 'buffer');
}

/** True when `digest` is the digest of the key that last matched `stored` under these peppers. */
export function matchedBefore(peppers: PepperKeys, stored: string, digest: Buffer): boolean {
  const remembered = memories.get(peppers)?.get(stored);
  return remembered !== undefined && timingSafeEqual(remembered, digest);
}

export function rememberMatch(peppers: PepperKeys, stored: string, digest: Buffer): void {
  let memory = memories.get(peppers);
  if (!memory) memories.set(peppers, (memory = new RecentMap(REMEMBERED)));
  memory.set(stored, digest);
}
