/**
 * A new, empty list for strings, for the per-request header lists (response headers, the guards'
 * request-header snapshot). Two things V8 does with a plain `[]` cost the hot path dearly:
 *
 * - A `[]` literal has an allocation site, which V8 may decide to pretenure (make its arrays in the
 *   old generation); every list then kept its young strings alive through each minor GC, and header
 *   work ran a fifth slower in about half the processes of bench/headers.bench.ts. A copy has no site.
 * - An empty `[]` holds small integers; the first string pushed converts it to a list of objects
 *   through the runtime, about 700 instructions per request (cachegrind on bench/guards.bench.ts).
 *   A copy of a list that once held a string starts as a list of objects.
 */

const EMPTY_OBJECT_LIST: string[] = [''];
EMPTY_OBJECT_LIST.pop();

export function newStringList(): string[] {
  return EMPTY_OBJECT_LIST.slice();
}
