/**
 * A `Headers` implementation for the headers a decision carries.
 *
 * The platform `Headers` validates and normalizes on every call, which costs more than helmet's whole
 * per-request work (bench/headers.bench.ts). Header values bulwark computes are validated once at
 * construction, so this class stores them as they are and validates only what callers add.
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

export class ResponseHeaders implements Headers {
  readonly #values = new Map<string, string>();
  readonly #cookies: string[] = [];

  /** Trusted fast path for values computed and validated at construction (lower-case names). */
  setTrusted(name: string, value: string): void {
    this.#values.set(name, value);
  }

  append(name: string, value: string): void {
    const [key, clean] = validated(name, value);
    if (key === 'set-cookie') {
      this.#cookies.push(clean);
      return;
    }
    const existing = this.#values.get(key);
    this.#values.set(key, existing === undefined ? clean : `${existing}, ${clean}`);
  }

  set(name: string, value: string): void {
    const [key, clean] = validated(name, value);
    if (key === 'set-cookie') {
      this.#cookies.length = 0;
      this.#cookies.push(clean);
      return;
    }
    this.#values.set(key, clean);
  }

  delete(name: string): void {
    const key = name.toLowerCase();
    if (key === 'set-cookie') this.#cookies.length = 0;
    else this.#values.delete(key);
  }

  get(name: string): string | null {
    const key = name.toLowerCase();
    if (key === 'set-cookie') return this.#cookies.length === 0 ? null : this.#cookies.join(', ');
    return this.#values.get(key) ?? null;
  }

  getSetCookie(): string[] {
    return [...this.#cookies];
  }

  has(name: string): boolean {
    const key = name.toLowerCase();
    return key === 'set-cookie' ? this.#cookies.length > 0 : this.#values.has(key);
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  *entries(): IterableIterator<[string, string]> {
    const keys = [...this.#values.keys(), ...(this.#cookies.length > 0 ? ['set-cookie'] : [])].sort();
    for (const key of keys) {
      if (key === 'set-cookie') for (const cookie of this.#cookies) yield [key, cookie];
      else yield [key, this.#values.get(key)!];
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

  /** Unsorted single pass for adapters: each name once, `set-cookie` as a list. */
  forEachRaw(callback: (name: string, value: string | string[]) => void): void {
    for (const [key, value] of this.#values) callback(key, value);
    if (this.#cookies.length > 0) callback('set-cookie', [...this.#cookies]);
  }
}
