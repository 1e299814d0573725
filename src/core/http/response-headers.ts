/**
 * A `Headers` implementation for the headers a decision carries.
 *
 * The platform `Headers` validates and normalizes on every call, which costs more than helmet's whole
 * per-request work (bench/headers.bench.ts). Header values bulwark computes are validated once at
 * construction, so this class stores them as they are and validates only what callers add.
 * The headers that are the same on every response sit in a shared, read-only base (`SharedHeaders`) instead of being
 * copied per request (bench/headers.bench.ts: the copy cost more than the rest of `apply`).
 * It is iterable as `[name, value]` pairs, so `new Response(body, { headers: decision.headers })` works.
 */

import { InvalidInputError } from '../errors.js';
import { newStringList } from './string-list.js';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[^\r\n\0]*$/;

function validated(name: string, value: string): [string, string] {
  if (!HEADER_NAME.test(name)) throw new InvalidInputError('Headers: invalid header name');
  const trimmed = String(value).trim();
  if (!HEADER_VALUE.test(trimmed)) throw new InvalidInputError(`Headers: invalid value for ${name}`);
  return [name.toLowerCase(), trimmed];
}

/**
 * A handful of name/value pairs in one array, `[name, value, name, value, ...]`: a decision carries a
 * few headers of its own, and a linear search over them costs less than a `Map`, which also grows (and
 * rehashes) at its fifth entry; one array grows once where two would grow twice.
 */
class SmallMap {
  /** Not a `[]` literal: see string-list.ts. */
  readonly entries: string[] = newStringList();

  #find(name: string): number {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i += 2) if (entries[i] === name) return i;
    return -1;
  }

  get(name: string): string | undefined {
    const i = this.#find(name);
    return i === -1 ? undefined : this.entries[i + 1];
  }

  has(name: string): boolean {
    return this.#find(name) !== -1;
  }

  set(name: string, value: string): void {
    const i = this.#find(name);
    if (i === -1) this.entries.push(name, value);
    else this.entries[i + 1] = value;
  }

  delete(name: string): void {
    const i = this.#find(name);
    if (i !== -1) this.entries.splice(i, 2);
  }

  names(): string[] {
    return this.entries.filter((_, i) => i % 2 === 0);
  }

  forEach(callback: (value: string, name: string) => void): void {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i += 2) callback(entries[i + 1]!, entries[i]!);
  }
}

/**
 * @internal Trusted headers that are the same on every response, shared read-only between responses:
 * lower-case names, values validated when they were built, no `set-cookie`. Kept as two arrays so that
 * writing them is a plain loop (a `Map`'s `forEach` costs a callback per entry, bench/headers.bench.ts).
 */
export class SharedHeaders {
  readonly names: readonly string[];
  readonly values: readonly string[];
  readonly #map: ReadonlyMap<string, string>;

  constructor(entries: Iterable<readonly [string, string]>) {
    const map = new Map(entries);
    this.#map = map;
    this.names = [...map.keys()];
    this.values = [...map.values()];
  }

  get(name: string): string | undefined {
    return this.#map.get(name);
  }

  has(name: string): boolean {
    return this.#map.has(name);
  }
}

export class ResponseHeaders implements Headers {
  #values = new SmallMap();
  /** Shared between responses, never changed here; no key in it is also in `#values`. */
  #base: SharedHeaders | undefined;
  /** Made on the first cookie: most responses have none. */
  #cookies: string[] | undefined;

  /** @internal Trusted fast path for values computed and validated at construction (lower-case names); not validated. */
  setTrusted(name: string, value: string): void {
    this.#own(name).set(name, value);
  }

  /**
   * @internal Trusted fast path for a whole set of such values, shared by reference, not copied.
   * Overwrites, like `setTrusted` for each entry.
   */
  setTrustedBase(base: SharedHeaders): void {
    if (this.#base !== undefined) this.#flatten();
    const own = this.#values.entries;
    for (let i = own.length - 2; i >= 0; i -= 2) if (base.has(own[i]!)) own.splice(i, 2);
    this.#base = base;
  }

  /** The pairs to write `key` into: copies the base first when `key` is in it, so the base stays untouched. */
  #own(key: string): SmallMap {
    if (this.#base?.has(key)) this.#flatten();
    return this.#values;
  }

  #flatten(): void {
    const own = this.#values;
    const base = this.#base!;
    this.#values = new SmallMap();
    for (let i = 0; i < base.names.length; i++) this.#values.set(base.names[i]!, base.values[i]!);
    own.forEach((value, key) => this.#values.set(key, value));
    this.#base = undefined;
  }

  append(name: string, value: string): void {
    const [key, clean] = validated(name, value);
    if (key === 'set-cookie') {
      (this.#cookies ??= []).push(clean);
      return;
    }
    const existing = this.get(key);
    this.#own(key).set(key, existing === null ? clean : `${existing}, ${clean}`);
  }

  set(name: string, value: string): void {
    const [key, clean] = validated(name, value);
    if (key === 'set-cookie') {
      this.#cookies = [clean];
      return;
    }
    this.#own(key).set(key, clean);
  }

  delete(name: string): void {
    const key = name.toLowerCase();
    if (key === 'set-cookie') this.#cookies = undefined;
    else this.#own(key).delete(key);
  }

  get(name: string): string | null {
    const key = name.toLowerCase();
    if (key === 'set-cookie') return this.#cookies === undefined ? null : this.#cookies.join(', ');
    return this.#values.get(key) ?? this.#base?.get(key) ?? null;
  }

  getSetCookie(): string[] {
    return [...(this.#cookies ?? [])];
  }

  has(name: string): boolean {
    const key = name.toLowerCase();
    return key === 'set-cookie' ? this.#cookies !== undefined : this.#values.has(key) || this.#base?.has(key) === true;
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  *entries(): IterableIterator<[string, string]> {
    const cookies = this.#cookies ?? [];
    const keys = [...(this.#base?.names ?? []), ...this.#values.names(), ...(cookies.length > 0 ? ['set-cookie'] : [])].sort();
    for (const key of keys) {
      if (key === 'set-cookie') for (const cookie of cookies) yield [key, cookie];
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

  /**
   * @internal Unsorted single pass for adapters: each name once, `set-cookie` as a list, without entry arrays.
   * `target` is handed to `callback`, so that a callback need not be a closure made per response.
   */
  forEachRaw<T>(callback: (name: string, value: string | string[], target: T) => void, target?: T): void {
    const base = this.#base;
    if (base !== undefined) for (let i = 0; i < base.names.length; i++) callback(base.names[i]!, base.values[i]!, target!);
    const own = this.#values.entries;
    for (let i = 0; i < own.length; i += 2) callback(own[i]!, own[i + 1]!, target!);
    if (this.#cookies !== undefined) callback('set-cookie', [...this.#cookies], target!);
  }
}
