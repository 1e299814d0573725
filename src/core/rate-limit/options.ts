/** Validation of limiter options, once, with messages that say what to write instead. */

import { checkInteger, checkKeys, checkOneOf, fail, isPlainObject } from '../config/check-options.js';
import type { SecurityStore } from '../store/types.js';
import type { RateLimitAlgorithm, RateLimitEventSink, RateLimiterOptions, StoreErrorPolicy } from './types.js';

export const ALGORITHMS: readonly RateLimitAlgorithm[] = ['fixed-window', 'sliding-window', 'token-bucket', 'gcra'];
export const STORE_ERROR_POLICIES: readonly StoreErrorPolicy[] = ['insurance', 'allow', 'deny'];

const MAX_POINTS = 1_000_000_000;
/** One year: longer windows belong in a quota system, not a rate limiter. */
const MAX_DURATION_SECONDS = 366 * 24 * 3600;
const NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/i;

export const LIMITER_KEYS = [
  'points', 'duration', 'algorithm', 'store', 'blockDuration', 'name', 'timeoutMs', 'onStoreError',
  'insurancePoints', 'breakerMs', 'maxKeys', 'onEvent', 'now',
] as const;

/** The shape of one limit, as the rest of the module uses it. */
export interface LimitSpec {
  readonly name: string;
  readonly algorithm: RateLimitAlgorithm;
  readonly points: number;
  readonly durationMs: number;
  /** 0 = no blocking. */
  readonly blockMs: number;
}

export interface FailureOptions {
  readonly timeoutMs: number;
  readonly onStoreError: StoreErrorPolicy;
  readonly breakerMs: number;
  readonly maxKeys: number;
}

export interface NormalizedLimiterOptions extends LimitSpec, FailureOptions {
  readonly store: SecurityStore | undefined;
  readonly insurancePoints: number;
  readonly onEvent: RateLimitEventSink | undefined;
  readonly now: (() => number) | undefined;
}

/** Seconds (fractions down to 1 ms) -> ms. */
export function secondsToMs(path: string, value: unknown, { allowZero = false, whole = false } = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_DURATION_SECONDS || (!allowZero && value === 0)) {
    fail(path, `expected a number of seconds${allowZero ? ' (0 = off)' : ''} up to ${MAX_DURATION_SECONDS}, such as 60 for a minute`);
  }
  const ms = Math.round(value * 1000);
  if (Math.abs(ms - value * 1000) > 1e-6) fail(path, 'the smallest step is a millisecond (0.001 s)');
  if (whole && ms % 1000 !== 0) {
    fail(path, `fixed windows count in whole seconds (Redis key expiry); write ${Math.max(1, Math.round(value))}, or use algorithm 'gcra' or 'sliding-window' for sub-second windows`);
  }
  return ms;
}

export function checkName(path: string, value: unknown): string {
  if (typeof value !== 'string' || !NAME.test(value)) fail(path, 'expected 1-64 characters of letters, digits, "_", "." or "-", starting with a letter or digit');
  return value;
}

export function defaultName(points: number, durationMs: number): string {
  return `${points}-per-${durationMs / 1000}s`;
}

/** Validates `points`, `duration`, `algorithm`, `blockDuration` and `name` of one limit. */
export function normalizeLimitSpec(path: string, options: Record<string, unknown>, fallbackName?: string): LimitSpec {
  if (options.points === undefined) fail(`${path}.points`, 'required: how many requests per duration, such as 60');
  if (options.duration === undefined) fail(`${path}.duration`, 'required: the window in seconds, such as 60');
  const points = checkInteger(`${path}.points`, options.points, 1, MAX_POINTS)!;
  const algorithm = checkOneOf(`${path}.algorithm`, options.algorithm, ALGORITHMS) ?? 'fixed-window';
  const fixed = algorithm === 'fixed-window';
  const durationMs = secondsToMs(`${path}.duration`, options.duration, { whole: fixed });
  const blockMs = options.blockDuration === undefined ? 0 : secondsToMs(`${path}.blockDuration`, options.blockDuration, { allowZero: true, whole: fixed });
  const name = options.name === undefined ? (fallbackName ?? defaultName(points, durationMs)) : checkName(`${path}.name`, options.name);
  return { name, algorithm, points, durationMs, blockMs };
}

export function normalizeFailureOptions(path: string, options: Record<string, unknown>): FailureOptions {
  return {
    timeoutMs: checkInteger(`${path}.timeoutMs`, options.timeoutMs, 1, 10_000) ?? 50,
    onStoreError: checkOneOf(`${path}.onStoreError`, options.onStoreError, STORE_ERROR_POLICIES) ?? 'insurance',
    breakerMs: checkInteger(`${path}.breakerMs`, options.breakerMs, 10, 60_000) ?? 1000,
    maxKeys: checkInteger(`${path}.maxKeys`, options.maxKeys, 1, 100_000_000) ?? 100_000,
  };
}

export function checkStore(path: string, store: unknown): SecurityStore | undefined {
  if (store === undefined) return undefined;
  const kind = (store as { kind?: unknown } | null)?.kind;
  if (typeof store !== 'object' || store === null || typeof kind !== 'string') fail(path, 'expected a store from createMemoryStore(), createRedisStore() or createRedisClusterStore()');
  if (kind !== 'memory' && kind !== 'redis' && kind !== 'redis-cluster') fail(path, `rate limits run on memory, Redis or Redis Cluster stores, not "${kind}"`);
  if (kind !== 'memory' && typeof (store as { client?: { call?: unknown } }).client?.call !== 'function') fail(path, 'this store exposes no ioredis client');
  return store as SecurityStore;
}

export function checkFunction<T>(path: string, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') fail(path, 'expected a function');
  return value as T;
}

export function normalizeLimiterOptions(options: RateLimiterOptions): NormalizedLimiterOptions {
  const path = 'createRateLimiter';
  if (!isPlainObject(options)) fail(path, 'expected { points, duration, algorithm?, store?, ... }');
  checkKeys(path, options, LIMITER_KEYS);
  const raw = options as unknown as Record<string, unknown>;
  const spec = normalizeLimitSpec(path, raw);
  const store = checkStore(`${path}.store`, options.store);
  const now = checkFunction<() => number>(`${path}.now`, options.now);
  if (now !== undefined && store !== undefined && store.kind !== 'memory' && spec.algorithm === 'fixed-window') {
    fail(`${path}.now`, "fixed windows on Redis follow Redis key expiry, so a clock cannot be injected; use a memory store or another algorithm");
  }
  return {
    ...spec,
    ...normalizeFailureOptions(path, raw),
    store,
    insurancePoints: checkInteger(`${path}.insurancePoints`, options.insurancePoints, 1, MAX_POINTS) ?? spec.points,
    onEvent: checkFunction<RateLimitEventSink>(`${path}.onEvent`, options.onEvent),
    now,
  };
}
