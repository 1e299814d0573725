/**
 * @internal The memory store's reads without a promise, for one hot path: the session guard reads
 * a record on every request, and awaiting a store that has the answer at once costs it more than
 * the read. Not part of the store seam (other stores have no such thing), not exported by bulwark/store.
 */

import type { SecurityStore, StoreKey } from './types.js';

export interface SyncRead {
  /** The store's own `get`: a caller reads synchronously only while `store.get` is still this one. */
  readonly get: SecurityStore['get'];
  /** What `get` would resolve to at time `now` (ms), returned (or thrown) at once. The key is not checked: it must be a value key built by the caller. */
  readonly read: (key: StoreKey, now: number) => string | undefined;
}

const readers = new WeakMap<SecurityStore, SyncRead>();

export function registerSyncRead(store: SecurityStore, read: SyncRead['read']): void {
  readers.set(store, { get: store.get, read });
}

/**
 * The store's synchronous read, or undefined for any store but an unwrapped memory store. A caller
 * checks `store.get === reader.get` before each use, so a replaced (spied, wrapped) `get` is honoured.
 */
export function syncReadOf(store: SecurityStore): SyncRead | undefined {
  return readers.get(store);
}
