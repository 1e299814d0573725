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

/**
 * A class, not an object literal: V8 keeps an object literal with a getter (`size`) in dictionary
 * mode, and every hot call on it (`memory.slot`, `memory.consume`) was then a generic property lookup.
 */
class MemoryCounts implements MemoryBackend {
  readonly #slots: MemoryTable<StoredSlot>;
  readonly #verdict = newVerdict();

  constructor(maxKeys: number) {
    this.#slots = new MemoryTable<StoredSlot>(maxKeys);
  }

  consume(spec: LimitSpec, key: string, cost: number, now: number): Verdict {
    let slot = this.#slots.get(key, now);
    let fresh = false;
    if (slot === undefined || now >= slot.expiresAt) {
      fresh = true;
      slot = this.#renew(key, slot, now);
    }
    return step(spec, slot, fresh, now, cost, this.#verdict);
  }

  slot(key: string, now: number): Slot {
    const slot = this.#slots.get(key, now);
    return slot !== undefined && now < slot.expiresAt ? slot : this.#renew(key, slot, now);
  }

  reset(key: string): void {
    this.#slots.delete(key);
  }

  get size(): number {
    return this.#slots.size;
  }

  /** A key without live state at `now`: its expired slot moved to the young end, or a new one. */
  #renew(key: string, slot: StoredSlot | undefined, now: number): StoredSlot {
    if (slot === undefined) {
      this.#slots.dropOldestIfExpired(now);
      slot = Object.assign(newSlot(), { written: 0 });
    }
    this.#slots.set(key, slot, now);
    return slot;
  }
}

export function createMemoryBackend(maxKeys: number): MemoryBackend {
  return new MemoryCounts(maxKeys);
}
