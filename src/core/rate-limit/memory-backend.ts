/**
 * Counts in this process: a bounded map of small state records, no timers. At most `maxKeys` keys;
 * a new key first drops an expired one among the oldest few, otherwise the oldest key. Every new
 * key also tidies the oldest entry if it has expired, so stale keys do not linger in a busy map.
 */

import { newSlot, newVerdict, step, type Slot, type Verdict } from './algorithms.js';
import type { LimitSpec } from './options.js';

/** How many of the oldest keys are checked for an expired one before the oldest is evicted. */
const EVICTION_PROBE = 16;

export interface MemoryBackend {
  /**
   * The limit comes with each call: limits that share a name share counts, as they do on Redis.
   * The verdict object is reused by the next call: read it at once.
   */
  consume(spec: LimitSpec, key: string, cost: number, now: number): Verdict;
  reset(key: string): void;
  readonly size: number;
}

export function createMemoryBackend(maxKeys: number): MemoryBackend {
  const slots = new Map<string, Slot>();
  const verdict = newVerdict();

  function evictOne(now: number): void {
    let probed = 0;
    for (const [key, slot] of slots) {
      if (now >= slot.expiresAt) {
        slots.delete(key);
        return;
      }
      if (++probed >= EVICTION_PROBE) break;
    }
    const oldest = slots.keys().next();
    if (!oldest.done) slots.delete(oldest.value);
  }

  function tidyOldest(now: number): void {
    const oldest = slots.entries().next();
    if (!oldest.done && now >= oldest.value[1].expiresAt) slots.delete(oldest.value[0]);
  }

  return {
    consume(spec, key, cost, now) {
      let slot = slots.get(key);
      let fresh = false;
      if (slot === undefined || now >= slot.expiresAt) {
        fresh = true;
        if (slot === undefined) {
          tidyOldest(now);
          if (slots.size >= maxKeys) evictOne(now);
          slot = newSlot();
        } else {
          slots.delete(key); // a renewed key moves to the young end, away from eviction
        }
        slots.set(key, slot);
      }
      return step(spec, slot, fresh, now, cost, verdict);
    },
    reset(key) {
      slots.delete(key);
    },
    get size() {
      return slots.size;
    },
  };
}
