/**
 * A bounded map that keeps what was used recently, in two generations: entries go into the young
 * one; when it is full it becomes the old one and the previous old one is dropped whole. Reading an
 * old entry moves it back to the young one. Every operation is O(1). A single Map used as an LRU
 * (delete its first key when full) is not: V8 walks over the deleted slots at the front of a Map
 * before it finds the first live key, so a full, busy map pays for every eviction since its last
 * rehash, and whoever can make it churn (many clients, made-up ids) can make it pay more.
 */
export class RecentMap<K, V> {
  #young = new Map<K, V>();
  #old = new Map<K, V>();
  readonly #generationSize: number;

  /** Holds at most `max` entries (2 when `max` is 1) and always the `max / 2` most recently used. */
  constructor(max: number) {
    this.#generationSize = Math.max(1, Math.floor(max / 2));
  }

  get(key: K): V | undefined {
    const young = this.#young.get(key);
    if (young !== undefined || !this.#old.has(key)) return young;
    const value = this.#old.get(key)!;
    this.#old.delete(key);
    this.#setYoung(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.#old.delete(key);
    this.#setYoung(key, value);
  }

  delete(key: K): boolean {
    const young = this.#young.delete(key);
    return this.#old.delete(key) || young;
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }

  #setYoung(key: K, value: V): void {
    if (this.#young.size >= this.#generationSize && !this.#young.has(key)) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }
}
