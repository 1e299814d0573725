/**
 * A `Headers` implementation for the headers a decision carries.
 *
 * The platform `Headers` validates and normalizes on every call, which costs more than helmet's whole
 * per-request work (bench/headers.bench.ts). Header values bulwark computes are validated once at
 * construction, so this class stores them as they are and validates only what callers add.
 * The headers that are the same on every response sit in a shared, read-only base map instead of being
 * copied per request (bench/headers.bench.ts: the copy cost more than the rest of `apply`).
 * It is iterable as `[name, value]` pairs, so `new Response(body, { headers: decision.headers })` works.
 */

import { InvalidInputError } from '../errors.js';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[^\r\n\0]*$/;

function validated(name: string, value: string): [string, string] {
  if (!HEADER_NAME.test(name)) throw new InvalidInputError('Headers: invalid header name');
  const trimmed = String(value).trim();
  if (!HEADER_VALUE.test(trimmed)) throw new InvalidInputError(`Headers: invalid value for ${name}`);
  return [name.toLowerCase(), trimmed];
}

/**
 * A handful of name/value pairs in two arrays: a decision carries a few headers of its own, and a
 * linear search over them costs less than a `Map`, which also grows (and rehashes) at its fifth entry.
 */
class SmallMap {
  readonly names: string[] = [];
  readonly values: string[] = [];

  get(name: string): string | undefined {
    const i = this.names.indexOf(name);
    return i === -1 ? undefined : this.values[i];
  }

  has(name: string): boolean {
    return this.names.includes(name);
  }

  set(name: string, value: string): void {
    const i = this.names.indexOf(name);
    if (i === -1) {
      this.names.push(name);
      this.values.push(value);
    } else {
      this.values[i] = value;
    }
  }

  delete(name: string): void {
    const i = this.names.indexOf(name);
    if (i === -1) return;
    this.names.splice(i, 1);
    this.values.splice(i, 1);
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (let i = 0; i < this.names.length; i++) callback(this.values[i]!, this.names[i]!);
  }
}

export class ResponseHeaders implements Headers {
  #values = new SmallMap();
  /** Shared between responses, never changed here; no key in it is also in `#values`. */
  #base: ReadonlyMap<string, string> | undefined;
  readonly #cookies: string[] = [];

  /** @internal Trusted fast path for values computed and validated at construction (lower-case names); not validated. */
  setTrusted(name: string, value: string): void {
    this.#own(name).set(name, value);
  }

  /**
   * @internal Trusted fast path for a whole set of such values, shared by reference: the map must never change
   * afterwards and must not hold `set-cookie`. Overwrites, like `setTrusted` for each entry.
   */
  setTrustedBase(base: ReadonlyMap<string, string>): void {
    if (this.#base !== undefined) this.#flatten();
    for (const key of [...this.#values.names]) if (base.has(key)) this.#values.delete(key);
    this.#base = base;
  }

  /** The pairs to write `key` into: copies the base first when `key` is in it, so the base stays untouched. */
  #own(key: string): SmallMap {
    if (this.#base?.has(key)) this.#flatten();
    return this.#values;
  }

  #flatten(): void {
    const own = this.#values;
    this.#values = new SmallMap();
    this.#base!.forEach((value, key) => this.#values.set(key, value));
    own.forEach((value, key) => this.#values.set(key, value));
    this.#base = undefined;
  }

  append(name: string, value: string): void {
    const [key, clean] = validated(name, value);
    if (key === 'set-cookie') {
      this.#cookies.push(clean);
      return;
    }
    const existing = this.get(key);
    this.#own(key).set(key, existing === null ? clean : `${existing}, ${clean}`);
  }

  set(name: string, value: string): void {
    const [key, clean] = validated(name, value);
    if (key === 'set-cookie') {
      this.#cookies.length = 0;
      this.#cookies.push(clean);
      return;
    }
    this.#own(key).set(key, clean);
  }

  delete(name: string): void {
    const key = name.toLowerCase();
    if (key === 'set-cookie') this.#cookies.length = 0;
    else this.#own(key).delete(key);
  }

  get(name: string): string | null {
    const key = name.toLowerCase();
    if (key === 'set-cookie') return this.#cookies.length === 0 ? null : this.#cookies.join(', ');
    return this.#values.get(key) ?? this.#base?.get(key) ?? null;
  }

  getSetCookie(): string[] {
    return [...this.#cookies];
  }

  has(name: string): boolean {
    const key = name.toLowerCase();
    return key === 'set-cookie' ? this.#cookies.length > 0 : this.#values.has(key) || this.#base?.has(key) === true;
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  *entries(): IterableIterator<[string, string]> {
    const keys = [...(this.#base?.keys() ?? []), ...this.#values.names, ...(this.#cookies.length > 0 ? ['set-cookie'] : [])].sort();
    for (const key of keys) {
      if (key === 'set-cookie') for (const cookie of this.#cookies) yield [key, cookie];
      else yield [key, this.get(key)!];
    }
  }

  *keys(): IterableIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  /** @internal Unsorted single pass for adapters: each name once, `set-cookie` as a list, without entry arrays. */
  forEachRaw(callback: (name: string, value: string | string[]) => void): void {
    this.#base?.forEach((value, key) => callback(key, value));
    this.#values.forEach((value, key) => callback(key, value));
    if (this.#cookies.length > 0) callback('set-cookie', [...this.#cookies]);
  }
}
