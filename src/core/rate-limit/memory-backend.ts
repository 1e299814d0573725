/**
 * Counts in this process: a bounded map of small state records, no timers. At most `maxKeys` keys;
 * a new key first drops an expired one among the oldest few, otherwise the oldest key. Every new
 * key also tidies the oldest entry if it has expired, so stale keys do not linger in a busy map.
 */

import { newVerdict, step, type Slot, type Verdict } from './algorithms.js';
import { MemoryTable, type TableEntry } from '../store/memory-table.js';
import type { LimitSpec } from './options.js';

export interface MemoryBackend {
  /**
   * The limit comes with each call: limits that share a name share counts, as they do on Redis.
   * The verdict object is reused by the next call: read it at once.
   */
  consume(spec: LimitSpec, key: string, cost: number, now: number): Verdict;
  /**
   * For callers that run fixedWindowStep themselves: the key's live state at `now`, or undefined
   * when it has none; then renew(), which keeps or makes one as consume() would (a new or expired
   * key gets a state whose `expiresAt` is not after `now`). Two calls, not one: live() is small, so
   * V8 inlines it into the caller whatever it compiled first, where one method carrying renew()'s
   * body was declined for inlining (its budget counts that body too) in some processes.
   */
  live(key: string, now: number): Slot | undefined;
  renew(key: string, now: number): Slot;
  reset(key: string): void;
  readonly size: number;
}

/**
 * A key's state as newSlot() makes it, plus the table's bookkeeping. A class, not a literal: a
 * literal is an allocation site, which V8 switches to old-space allocation ("pretenuring") when
 * the first keys all survive a collection, and the switch deoptimizes every function that inlined
 * the site (the limiter's hot path inlines this one). A `new` has no allocation site.
 */
class StoredSlot implements Slot, TableEntry {
  a = 0;
  b = 0;
  c = 0;
  blockedUntil = 0;
  expiresAt = 0;
  written = 0;
}

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
    const live = this.live(key, now);
    return step(spec, live ?? this.renew(key, now), live === undefined, now, cost, this.#verdict);
  }

  live(key: string, now: number): Slot | undefined {
    const slot = this.#slots.peek(key);
    return slot !== undefined && now < slot.expiresAt ? slot : undefined;
  }

  reset(key: string): void {
    this.#slots.delete(key);
  }

  get size(): number {
    return this.#slots.size;
  }

  /**
   * A key without live state at `now`: its slot moved to the young end, or a new one. live()
   * reads the table without its expiry rule; the lookup here applies it.
   */
  renew(key: string, now: number): StoredSlot {
    let slot = this.#slots.get(key, now);
    if (slot === undefined) {
      this.#slots.dropOldestIfExpired(now);
      slot = new StoredSlot();
    }
    this.#slots.set(key, slot, now);
    return slot;
  }
}

export function createMemoryBackend(maxKeys: number): MemoryBackend {
  return new MemoryCounts(maxKeys);
}
