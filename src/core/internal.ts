/**
 * Seams between the core and the adapters, kept out of every public barrel. A user-made object that
 * implements `Bulwark` without them still works: adapters fall back to the public methods.
 */

import type { Bulwark } from './bulwark.js';
import type { Decision, SecurityRequest } from './http/types.js';

export const EVALUATE = Symbol('bulwark.evaluate');
export const TRACKS_COMPLETION = Symbol('bulwark.tracksCompletion');
/** On a request's `Headers` view: counts the header lines as received, without iterating the view. */
export const HEADER_STATS = Symbol('bulwark.headerStats');

export interface HeaderStats {
  /** Header lines as received (repeated names count each time). */
  count: number;
  /** Bytes of names and values. */
  bytes: number;
}

export interface BulwarkInternals {
  /** Like `protect()`, but synchronous when no guard needed I/O. */
  [EVALUATE](request: SecurityRequest): Decision | Promise<Decision>;
  /** Whether `complete()` does anything; adapters skip the `finish` listener when it does not. */
  readonly [TRACKS_COMPLETION]: boolean;
}

/** The decision, without a promise when none is needed: node adapters then call `next()` in the same tick. */
export function evaluate(bulwark: Bulwark, request: SecurityRequest): Decision | Promise<Decision> {
  const internals = bulwark as Bulwark & Partial<BulwarkInternals>;
  return internals[EVALUATE] ? internals[EVALUATE](request) : bulwark.protect(request);
}

export function tracksCompletion(bulwark: Bulwark): boolean {
  return (bulwark as Bulwark & Partial<BulwarkInternals>)[TRACKS_COMPLETION] !== false;
}
