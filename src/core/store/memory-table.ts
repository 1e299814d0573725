/**
 * The memory store's table: at most `max` keys; when a new key needs room, an expired key among the
 * oldest few goes first, otherwise the least recently written. Every operation is O(1) amortized.
 *
 * The write order is a queue of (key, write number) records beside the Map. Keeping it in the Map
 * itself (delete and re-add a key on every write, evict its first key) is not O(1): V8 walks every
 * deleted slot at the front of a Map to find its first key, and a full, busy store has thousands.
 */

/** How many of the oldest keys are checked for an expired one before the oldest is evicted. */
const EVICTION_PROBE = 16;
/** Queue records kept beyond twice the live keys before the queue is rebuilt. */
const QUEUE_SLACK = 1024;

interface Slot<E> {
  entry: E;
  /** The write number of the last write: a queue record with an older number is stale. */
  written: number;
}

export class MemoryTable<E extends { expiresAt: number }> {
  readonly #slots = new Map<string, Slot<E>>();
  #queueKeys: string[] = [];
  #queueWrites: number[] = [];
  #head = 0;
  #writes = 0;

  constructor(readonly max: number) {}

  get size(): number {
    return this.#slots.size;
  }

  /** The entry under `key` unless it expired before `now` (then it is dropped). */
  get(key: string, now: number): E | undefined {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    if (now <= slot.entry.expiresAt) return slot.entry;
    this.#slots.delete(key);
    return undefined;
  }

  set(key: string, entry: E, now: number): void {
    const written = ++this.#writes;
    const slot = this.#slots.get(key);
    if (slot !== undefined) {
      slot.entry = entry;
      slot.written = written;
    } else {
      if (this.#slots.size >= this.max) this.#evict(now);
      this.#slots.set(key, { entry, written });
    }
    this.#queueKeys.push(key);
    this.#queueWrites.push(written);
    const pending = this.#queueKeys.length - this.#head;
    if (pending > 2 * this.#slots.size + QUEUE_SLACK || this.#head > Math.max(QUEUE_SLACK, pending)) this.#rebuildQueue();
  }

  delete(key: string): boolean {
    return this.#slots.delete(key);
  }

  /** Drops every entry that expired before `now`. */
  sweep(now: number): void {
    for (const [key, slot] of this.#slots) if (now > slot.entry.expiresAt) this.#slots.delete(key);
  }

  clear(): void {
    this.#slots.clear();
    this.#queueKeys = [];
    this.#queueWrites = [];
    this.#head = 0;
  }

  #isCurrent(index: number): boolean {
    return this.#slots.get(this.#queueKeys[index]!)?.written === this.#queueWrites[index];
  }

  #evict(now: number): void {
    // Stale records at the head are consumed for good; after the oldest live key, at most
    // EVICTION_PROBE records are looked at.
    while (this.#head < this.#queueKeys.length && !this.#isCurrent(this.#head)) this.#head++;
    const oldest = this.#queueKeys[this.#head];
    if (oldest === undefined) return;
    const end = Math.min(this.#queueKeys.length, this.#head + EVICTION_PROBE);
    for (let i = this.#head; i < end; i++) {
      const key = this.#queueKeys[i]!;
      if (this.#isCurrent(i) && now > this.#slots.get(key)!.entry.expiresAt) {
        this.#slots.delete(key);
        return;
      }
    }
    this.#slots.delete(oldest);
  }

  /** Keeps only the current record of each live key, in write order. */
  #rebuildQueue(): void {
    const keys: string[] = [];
    const writes: number[] = [];
    for (let i = this.#head; i < this.#queueKeys.length; i++) {
      if (!this.#isCurrent(i)) continue;
      keys.push(this.#queueKeys[i]!);
      writes.push(this.#queueWrites[i]!);
    }
    this.#queueKeys = keys;
    this.#queueWrites = writes;
    this.#head = 0;
  }
}
