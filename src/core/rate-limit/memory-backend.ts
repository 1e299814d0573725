/**
 * Counts in this process: a bounded map of small state records, no timers. At most `maxKeys` keys;
 * a new key first drops an expired one among the oldest few, otherwise the oldest key. Every new
 * key also tidies the oldest entry if it has expired, so stale keys do not linger in a busy map.
 */

import { newSlot, newVerdict, step, type Slot, type Verdict } from './algorithms.js';
import { MemoryTable, type TableEntry } from '../store/memory-table.js';
import type { LimitSpec } from './options.js';

export interface MemoryBackend {
  /**
   * The limit comes with each call: limits that share a name share counts, as they do on Redis.
   * The verdict object is reused by the next call: read it at once.
   */
  consume(spec: LimitSpec, key: string, cost: number, now: number): Verdict;
  /**
   * The key's state at `now`, kept or made anew as consume() would (a new or expired key gets a
   * state whose `expiresAt` is not after `now`), for callers that run fixedWindowStep themselves.
   */
  slot(key: string, now: number): Slot;
  reset(key: string): void;
  readonly size: number;
}

type StoredSlot = Slot & TableEntry;

export function createMemoryBackend(maxKeys: number): MemoryBackend {
  const slots = new MemoryTable<StoredSlot>(maxKeys);
  const verdict = newVerdict();

  /** A key without live state at `now`: its expired slot moved to the young end, or a new one. */
  function renew(key: string, slot: StoredSlot | undefined, now: number): StoredSlot {
    if (slot === undefined) {
      slots.dropOldestIfExpired(now);
      slot = Object.assign(newSlot(), { written: 0 });
    }
    slots.set(key, slot, now);
    return slot;
  }

  return {
    consume(spec, key, cost, now) {
      let slot = slots.get(key, now);
      let fresh = false;
      if (slot === undefined || now >= slot.expiresAt) {
        fresh = true;
        slot = renew(key, slot, now);
      }
      return step(spec, slot, fresh, now, cost, verdict);
    },
    slot(key, now) {
      const slot = slots.get(key, now);
      return slot !== undefined && now < slot.expiresAt ? slot : renew(key, slot, now);
    },
    reset(key) {
      slots.delete(key);
    },
    get size() {
      return slots.size;
    },
  };
}
