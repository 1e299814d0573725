/**
 * Public shapes of `bulwark/rate-limit`. Durations follow rate-limiter-flexible: `duration` and
 * `blockDuration` are in seconds; every name that ends in `Ms` is in milliseconds.
 */

import type { SecurityStore } from '../store/types.js';

/** How a limiter counts. See docs/rate-limit.md for the comparison. */
export type RateLimitAlgorithm = 'fixed-window' | 'sliding-window' | 'token-bucket' | 'gcra';

/**
 * What a limiter does when its store does not answer within `timeoutMs`:
 * - `'insurance'` (default): a per-process memory limiter with the same rule decides;
 * - `'allow'`: let the request through (recorded as failed open);
 * - `'deny'`: refuse it (fail closed).
 */
export type StoreErrorPolicy = 'insurance' | 'allow' | 'deny';

/** Where a result came from. */
export type RateLimitSource = 'store' | 'insurance' | 'policy';

/** The outcome of one `consume()`. Never a rejection for "limit reached" or "store down". */
export interface RateLimitResult {
  /** The request fits the budget (and the points were taken). */
  readonly allowed: boolean;
  /** The budget: `points`. */
  readonly limit: number;
  /** Points left after this call (0 when denied or used up). */
  readonly remaining: number;
  /** Milliseconds since the epoch at which the budget is whole again (the window's end for fixed windows). */
  readonly resetAt: number;
  /** When denied: milliseconds until a call of the same cost can succeed (exact to the millisecond for GCRA). 0 when allowed. */
  readonly retryAfterMs: number;
  /** Denied because the key is blocked (`blockDuration`), not only over its budget. */
  readonly blocked: boolean;
  /** The store could not answer and the request was judged without it (insurance limiter or `onStoreError: 'allow'`). */
  readonly failedOpen: boolean;
  readonly source: RateLimitSource;
}

/** Events a limiter, guard or ban list emits; the names follow bulwark's event vocabulary. */
export type RateLimitEventType = 'excess_rate_limit_exceeded' | 'store_unavailable' | 'store_recovered' | 'malicious_attack_tool';

export interface RateLimitEvent {
  readonly type: RateLimitEventType;
  readonly level: 'INFO' | 'WARN' | 'CRITICAL';
  readonly description: string;
  readonly requestId?: string | undefined;
  readonly clientIp?: string | undefined;
  readonly method?: string | undefined;
  readonly path?: string | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/** An `emit`-style sink. Errors it throws are swallowed. */
export type RateLimitEventSink = (event: RateLimitEvent) => void;

export interface RateLimiterOptions {
  /** Requests (points) allowed per `duration`. Integer, 1 to 1,000,000,000. */
  points: number;
  /** The window, in seconds (fractions down to 1 ms; fixed windows: whole seconds). */
  duration: number;
  /** Default `'fixed-window'`. */
  algorithm?: RateLimitAlgorithm;
  /** Where counts live: `createMemoryStore()` (default: a private bounded memory), `createRedisStore()`, `createRedisClusterStore()`. */
  store?: SecurityStore;
  /** After a denial, refuse the key for this many seconds (0 = off, the default). */
  blockDuration?: number;
  /**
   * Names the limiter's keys (and its entry in the RateLimit headers): `[a-z0-9][a-z0-9_.-]*`, up to 64.
   * Limiters that share a store and a name share their counts. Default `<points>-per-<duration>s`.
   */
  name?: string;
  /** The longest a check waits for the store, in ms (default 50, 1 to 10,000). */
  timeoutMs?: number;
  /** Default `'insurance'`. */
  onStoreError?: StoreErrorPolicy;
  /** The insurance limiter's points per process (default: `points`). With N processes, `points / N` keeps the total. */
  insurancePoints?: number;
  /** After a store failure, how long checks skip the store before one probe tries again, in ms (default 1,000). */
  breakerMs?: number;
  /** Most keys a memory limiter (or the insurance limiter) holds; the oldest go first. Default 100,000. */
  maxKeys?: number;
  /** Receives `store_unavailable` / `store_recovered`. */
  onEvent?: RateLimitEventSink;
  /** A clock in ms (tests). On Redis the server's clock is used unless one is given; fixed windows on Redis always use key expiry. */
  now?: () => number;
}

export interface RateLimiter {
  readonly name: string;
  readonly algorithm: RateLimitAlgorithm;
  readonly points: number;
  /** Seconds. */
  readonly duration: number;
  /** Takes `cost` points (integer, 1 to `points`; default 1) for `key`. Resolves, never rejects, for limits and outages. */
  consume(key: string, cost?: number): Promise<RateLimitResult>;
  /** Forgets the key's count and block. */
  reset(key: string): Promise<void>;
}
