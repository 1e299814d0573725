/**
 * Remembers, per stored hash, the SHA-256 of the key that last matched it, so the next request
 * with the same key costs one SHA-256 instead of an HMAC (see bench/passwords.bench.ts). Only
 * successful verifications are remembered, so wrong keys cannot fill it; it holds digests, never
 * keys; a changed pepper configuration starts a new memory.
 *
 * Bounded by two generations of at most 5,000 entries each: when the young one is full it becomes
 * the old one and the previous old one is dropped. Every operation is O(1); a Map used as an LRU
 * (delete the first key when full) is not, because V8 skips the deleted slots at its front.
 */

import { hash, timingSafeEqual } from 'node:crypto';
import type { PepperKeys } from './pepper.js';

const GENERATION_SIZE = 5_000;

interface Memory {
  young: Map<string, Buffer>;
  old: Map<string, Buffer>;
}

const memories = new WeakMap<PepperKeys, Memory>();

export function keyDigest(key: string): Buffer {
  return hash('sha256', key, 'buffer');
}

/** True when `digest` is the digest of the key that last matched `stored` under these peppers. */
export function matchedBefore(peppers: PepperKeys, stored: string, digest: Buffer): boolean {
  const memory = memories.get(peppers);
  const remembered = memory?.young.get(stored) ?? memory?.old.get(stored);
  return remembered !== undefined && timingSafeEqual(remembered, digest);
}

export function rememberMatch(peppers: PepperKeys, stored: string, digest: Buffer): void {
  let memory = memories.get(peppers);
  if (!memory) memories.set(peppers, (memory = { young: new Map(), old: new Map() }));
  if (memory.young.size >= GENERATION_SIZE) {
    memory.old = memory.young;
    memory.young = new Map();
  }
  memory.young.set(stored, digest);
}
