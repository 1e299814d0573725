/**
 * The request headers as the guards read them. The platform `Headers` checks and normalizes the name
 * on every `get` (about as costly as iterating six headers), and the guards read five to eight names per
 * request; the limits guard iterates the headers anyway to measure them, so that one pass also copies
 * them into a flat array, and every later read is a short scan. Node's lazy view (adapters/node-http)
 * reads node's own object cheaply and hands over a reader that skips its case folding.
 */

import { newStringList } from '../http/string-list.js';
import type { HeaderLookup } from '../http/types.js';
import { HEADER_STATS, type HeaderStats } from '../internal.js';

/** What the guards read the headers through. */
export interface HeaderReader extends HeaderLookup {
  /** Header lines and bytes as `measureHeaders` counts them, from readers that know them without iterating a `Headers`. */
  measure?(): HeaderStats;
}

/** On an adapter's `Headers` view: a reader that skips case folding, as the guards ask by lower-case name only. */
export const LOWER_CASE_READER = Symbol('bulwark.lowerCaseReader');

/** A copy of platform `Headers`, taken in one pass: the same answers, as long as the original does not change. */
export class HeaderSnapshot implements HeaderReader, HeaderStats {
  /**
   * `[name, value, name, value, ...]` in iteration order: lower-case names, combined values (set-cookie
   * lines apart). Not a `[]` literal: see http/string-list.ts.
   */
  readonly #entries: string[] = newStringList();
  count = 0;
  bytes = 0;

  constructor(headers: Headers) {
    const entries = this.#entries;
    headers.forEach((value, name) => {
      this.count++;
      this.bytes += name.length + value.length;
      entries.push(name, value);
    });
  }

  /** Repeated names (only `set-cookie` iterates line by line) are joined as `Headers.get` joins them. */
  get(name: string): string | null {
    const entries = this.#entries;
    let found: string | null = null;
    for (let i = 0; i < entries.length; i += 2) {
      if (entries[i] === name) found = found === null ? entries[i + 1]! : `${found}, ${entries[i + 1]!}`;
    }
    return found;
  }

  has(name: string): boolean {
    const entries = this.#entries;
    for (let i = 0; i < entries.length; i += 2) if (entries[i] === name) return true;
    return false;
  }

  measure(): HeaderStats {
    return this;
  }
}

/**
 * What the guards read the headers through: a snapshot of platform `Headers` when the headers get
 * iterated anyway (`measured`, for the limits), else the headers themselves.
 */
export function headerReader(headers: Headers, measured: boolean): HeaderReader {
  const lowerCase = (headers as Headers & { [LOWER_CASE_READER]?: () => HeaderReader })[LOWER_CASE_READER];
  if (lowerCase !== undefined) return lowerCase.call(headers);
  // Any other view that counts its own lines answers cheaply; a `Headers` that is not the platform class is read as it is.
  if (!measured || HEADER_STATS in headers || !(headers instanceof Headers)) return headers;
  return new HeaderSnapshot(headers);
}
