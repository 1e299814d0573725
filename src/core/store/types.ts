/**
 * The store seam: the few atomic operations that tokens, sessions, lockout, MFA replay guards and
 * bans need. Every implementation (memory, Redis, Redis Cluster) gives them the same semantics.
 *
 * - Keys are `StoreKey`s built by `storeKey()` / `taggedKey()`, so user input cannot forge a key
 *   or a Cluster hash tag. The store prepends its `prefix`.
 * - Values are strings (callers JSON-encode), at most `MAX_VALUE_LENGTH` UTF-16 code units, well formed.
 * - Every write carries a TTL in milliseconds (a positive integer up to `MAX_TTL_MS`): nothing lives forever.
 * - A key expires when the clock passes its expiry time; until then it is readable.
 * - A store outage rejects with `StoreUnavailableError` within the store's `timeoutMs`; invalid
 *   arguments reject with `InvalidInputError`.
 */

declare const storeKeyBrand: unique symbol;
declare const taggedKeyBrand: unique symbol;

/** A key built by `storeKey()` or `taggedKey()`: namespaced, with every part escaped. */
export type StoreKey = string & { readonly [storeKeyBrand]: true };

/** A key with a Cluster hash tag (`ns:{tag}:...`): keys with the same tag live in one slot. */
export type TaggedStoreKey = StoreKey & { readonly [taggedKeyBrand]: true };

/** Which backend a store runs on; rate limits pick the matching backend (memory tables or Redis scripts) from it. */
export type StoreKind = 'memory' | 'redis' | 'redis-cluster' | 'custom';

export interface TtlOptions {
  /** Time to live in milliseconds: a positive integer. */
  ttlMs: number;
}

export interface IncrementOptions extends TtlOptions {
  /** A safe integer, may be negative. Default 1. */
  by?: number;
}

export interface AddMemberOptions extends TtlOptions {
  /** Orders the collection; the lowest scores are evicted first (ties: by id, code point order). Finite. */
  score: number;
  /** The cap: after adding, members beyond `max` (lowest scores) are evicted. 1 to `MAX_COLLECTION_SIZE`. */
  max: number;
  /** Data kept with the member (for example session metadata as JSON). Replaces any earlier value. */
  value?: string;
}

export interface CollectionMember {
  id: string;
  score: number;
  /** Milliseconds since the epoch after which the member is gone. */
  expiresAt: number;
  value: string | undefined;
}

/** The store seam. All methods are atomic on every implementation, also across processes on Redis. */
export interface SecurityStore {
  readonly kind: StoreKind;
  /** Prepended to every key, e.g. `bulwark:`. */
  readonly prefix: string;
  /** The bound on one operation: past it, the operation rejects with `StoreUnavailableError`. */
  readonly timeoutMs: number;

  /** The value, or undefined when the key is missing or expired. */
  get(key: StoreKey): Promise<string | undefined>;
  /** Stores the value with a fresh TTL, replacing any earlier value. */
  set(key: StoreKey, value: string, options: TtlOptions): Promise<void>;
  /** Stores the value only if the key is absent (SET NX). True when this call stored it. */
  setIfAbsent(key: StoreKey, value: string, options: TtlOptions): Promise<boolean>;
  /** Stores the value with a fresh TTL and returns the previous value (SET GET), atomically. */
  swap(key: StoreKey, value: string, options: TtlOptions): Promise<string | undefined>;
  /** Gets and deletes (GETDEL): of many concurrent calls on one key, exactly one gets the value. */
  take(key: StoreKey): Promise<string | undefined>;
  /** Deletes the key. True when it existed. */
  delete(key: StoreKey): Promise<boolean>;
  /**
   * Adds `by` to an integer counter and returns the new value. A missing key starts at 0 and gets
   * the TTL (fixed window: later increments keep the expiry). Rejects with `InvalidInputError` when
   * the key holds something other than an integer.
   */
  increment(key: StoreKey, options: IncrementOptions): Promise<number>;
  /** Sets a new TTL on an existing key (sliding expiry). True when the key exists. */
  expire(key: StoreKey, options: TtlOptions): Promise<boolean>;
  /** Milliseconds until the key expires, or undefined when it is missing. */
  ttlMs(key: StoreKey): Promise<number | undefined>;

  /**
   * Adds (or updates) a member of the owner's capped collection and evicts the lowest-scored members
   * beyond `max`, atomically. Returns the evicted ids (possibly the new member itself, if it scores
   * lowest). Expired members are dropped first and are not reported as evicted.
   */
  addMember(owner: TaggedStoreKey, id: string, options: AddMemberOptions): Promise<string[]>;
  /** The live members, lowest score first. */
  listMembers(owner: TaggedStoreKey): Promise<CollectionMember[]>;
  /** Removes one member. True when it was there and live: of concurrent calls, exactly one gets true. */
  removeMember(owner: TaggedStoreKey, id: string): Promise<boolean>;
  /** Removes the whole collection and returns the ids of the live members it held, lowest score first. */
  removeAllMembers(owner: TaggedStoreKey): Promise<string[]>;

  /** Releases timers and connections the store owns. Later operations reject with `StoreUnavailableError`. */
  close(): Promise<void>;
}

/** Bounds that every implementation enforces the same way. */
export const MAX_TTL_MS = 10 * 366 * 24 * 60 * 60 * 1000;
export const MAX_VALUE_LENGTH = 1_048_576;
export const MAX_MEMBER_ID_LENGTH = 512;
export const MAX_COLLECTION_SIZE = 1000;
