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

/** What the table holds: `written` is the table's own bookkeeping (set by `set`, never by callers). */
export interface TableEntry {
  expiresAt: number;
  /** The write number of the entry's last write: a queue record with another number is stale. */
  written: number;
}

export class MemoryTable<E extends TableEntry> {
  readonly #entries = new Map<string, E>();
  #queueKeys: string[] = [];
  #queueWrites: number[] = [];
  #head = 0;
  #writes = 0;

  constructor(readonly max: number) {}

  get size(): number {
    return this.#entries.size;
  }

  /** The entry under `key`, expired or not: for callers that check expiry themselves, then call get(). */
  peek(key: string): E | undefined {
    return this.#entries.get(key);
  }

  /** The entry under `key` unless it expired before `now` (then it is dropped). */
  get(key: string, now: number): E | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || now <= entry.expiresAt) return entry;
    this.#entries.delete(key);
    return undefined;
  }

  /** Stores `entry` under `key` as its most recent write (an entry object lives under one key only). */
  set(key: string, entry: E, now: number): void {
    const previous = this.#entries.get(key);
    if (previous === undefined && this.#entries.size >= this.max) this.#evict(now);
    entry.written = ++this.#writes;
    if (previous !== entry) this.#entries.set(key, entry);
    this.#queueKeys.push(key);
    this.#queueWrites.push(entry.written);
    const pending = this.#queueKeys.length - this.#head;
    if (pending > 2 * this.#entries.size + QUEUE_SLACK || this.#head > Math.max(QUEUE_SLACK, pending)) this.#rebuildQueue();
  }

  delete(key: string): boolean {
    return this.#entries.delete(key);
  }

  /** Drops the least recently written key if it expired before `now`: a cheap tidy for tables without a sweep. */
  dropOldestIfExpired(now: number): void {
    this.#skipStaleHead();
    const oldest = this.#queueKeys[this.#head];
    if (oldest !== undefined && now > this.#entries.get(oldest)!.expiresAt) this.#entries.delete(oldest);
  }

  /** Drops every entry that expired before `now`. */
  sweep(now: number): void {
    for (const [key, entry] of this.#entries) if (now > entry.expiresAt) this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
    this.#queueKeys = [];
    this.#queueWrites = [];
    this.#head = 0;
  }

  #isCurrent(index: number): boolean {
    return this.#entries.get(this.#queueKeys[index]!)?.written === this.#queueWrites[index];
  }

  #skipStaleHead(): void {
    while (this.#head < this.#queueKeys.length && !this.#isCurrent(this.#head)) this.#head++;
  }

  #evict(now: number): void {
    // Stale records at the head are consumed for good; after the oldest live key, at most
    // EVICTION_PROBE records are looked at.
    this.#skipStaleHead();
    const oldest = this.#queueKeys[this.#head];
    if (oldest === undefined) return;
    const end = Math.min(this.#queueKeys.length, this.#head + EVICTION_PROBE);
    for (let i = this.#head; i < end; i++) {
      const key = this.#queueKeys[i]!;
      if (this.#isCurrent(i) && now > this.#entries.get(key)!.expiresAt) {
        this.#entries.delete(key);
        return;
      }
    }
    this.#entries.delete(oldest);
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
