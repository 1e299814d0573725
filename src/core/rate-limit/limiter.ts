/**
 * createRateLimiter(): one limit on memory, Redis or Redis Cluster, with the declared failure
 * policy. On memory a check is synchronous inside (the guard relies on it); on Redis it is one
 * bounded round trip, and when the store cannot answer, the insurance limiter (or the policy) decides.
 */

import { InvalidInputError } from '../errors.js';
import type { SecurityStore } from '../store/types.js';
import { fixedWindowStep, type Slot, type Verdict } from './algorithms.js';
import { CircuitCall, createCircuit, type Circuit } from './circuit.js';
import { createMemoryBackend, type MemoryBackend } from './memory-backend.js';
import { normalizeLimiterOptions, type FailureOptions, type LimitSpec } from './options.js';
import { clientOf, createRedisBackend, isNoScript, type RemoteBackend } from './redis-backend.js';
import type { RateLimitEventSink, RateLimitResult, RateLimitSource, RateLimiter, RateLimiterOptions } from './types.js';

/** Longest key accepted from callers (the guard hashes longer ones). */
export const MAX_LIMIT_KEY_LENGTH = 1024;
/** The same, for consume(): V8 can fold a module's private constant into compiled code, but re-reads and TDZ-checks an export on every call. */
const KEY_LENGTH_LIMIT = MAX_LIMIT_KEY_LENGTH;

export interface LimiterContext {
  readonly store: SecurityStore | undefined;
  readonly failure: FailureOptions;
  readonly insurancePoints: number;
  readonly now: (() => number) | undefined;
  /** Shared by the limits on one store, so an outage opens one circuit and emits one event. */
  readonly circuit: Circuit | undefined;
}

/** @internal A limit as the guard runs it: synchronous on memory. */
export interface LimiterCore {
  readonly spec: LimitSpec;
  consume(key: string, cost: number): RateLimitResult | Promise<RateLimitResult>;
  /**
   * Memory only: the backend, for callers that read the clock themselves (the guard, once per
   * request) and build their own result from the verdict: `memory.consume(spec, key, cost, at)`.
   * Called directly, it keeps the whole check within the inlining depth of the caller.
   */
  readonly memory?: MemoryBackend;
  reset(key: string): Promise<void>;
}

/** Memory limits on the same store object share counts, as limits on one Redis do. */
const sharedMemory = new WeakMap<SecurityStore, Map<string, MemoryBackend>>();

function memoryBackendFor(store: SecurityStore | undefined, spec: LimitSpec, maxKeys: number): MemoryBackend {
  if (store === undefined) return createMemoryBackend(maxKeys);
  let byName = sharedMemory.get(store);
  if (byName === undefined) sharedMemory.set(store, (byName = new Map()));
  const id = `${spec.algorithm}:${spec.name}`;
  let backend = byName.get(id);
  if (backend === undefined) byName.set(id, (backend = createMemoryBackend(maxKeys)));
  return backend;
}

function result(spec: LimitSpec, verdict: Verdict, now: number, source: RateLimitSource, failedOpen: boolean): RateLimitResult {
  return {
    allowed: verdict.allowed,
    limit: spec.points,
    remaining: verdict.remaining,
    resetAt: now + verdict.resetMs,
    retryAfterMs: verdict.retryAfterMs,
    blocked: verdict.blocked,
    failedOpen,
    source,
  };
}

/**
 * result() of the fixed-window verdict, read from the slot without filling a verdict first: about a
 * tenth of a memory consume() (bench/rate-limit.bench.ts). The same fields as fixedWindow() writes.
 */
function fixedWindowResult(spec: LimitSpec, slot: Slot, now: number, cost: number): RateLimitResult {
  const allowed = fixedWindowStep(spec, slot, false, now, cost);
  const resetMs = slot.expiresAt - now;
  return {
    allowed,
    limit: spec.points,
    remaining: Math.max(0, spec.points - slot.a),
    resetAt: now + resetMs,
    retryAfterMs: allowed ? 0 : resetMs,
    blocked: !allowed && spec.blockMs > 0,
    failedOpen: false,
    source: 'store',
  };
}

/** Emits `store_unavailable` when a circuit opens and `store_recovered` when it closes. */
export function circuitFor(store: SecurityStore, failure: FailureOptions, component: string, emit: RateLimitEventSink | undefined): Circuit {
  return createCircuit({
    timeoutMs: failure.timeoutMs,
    breakerMs: failure.breakerMs,
    client: clientOf(store),
    onChange(open, reason) {
      try {
        emit?.(
          open
            ? { type: 'store_unavailable', level: 'WARN', description: `${component}: the ${store.kind} store did not answer; onStoreError: ${failure.onStoreError}`, details: { component, store: store.kind, policy: failure.onStoreError, reason } }
            : { type: 'store_recovered', level: 'INFO', description: `${component}: the ${store.kind} store answers again`, details: { component, store: store.kind } },
        );
      } catch {
        // A failing sink must not fail a check.
      }
    },
  });
}

/** A plain limit record: every limit has this one shape, which keeps the hot path monomorphic. */
export function limitSpec({ name, algorithm, points, durationMs, blockMs }: LimitSpec): LimitSpec {
  return { name, algorithm, points, durationMs, blockMs };
}

/** @internal Builds one limit. */
export function createLimiterCore(spec: LimitSpec, context: LimiterContext): LimiterCore {
  const { store, failure } = context;
  const clock = context.now;
  const now = clock === undefined ? Date.now : (): number => Math.floor(clock());

  if (store === undefined || store.kind === 'memory') {
    const memory = memoryBackendFor(store, spec, failure.maxKeys);
    return {
      spec,
      consume(key, cost) {
        const at = now();
        return result(spec, memory.consume(spec, key, cost, at), at, 'store', false);
      },
      memory,
      reset: async (key) => memory.reset(key),
    };
  }

  const remote = createRedisBackend(store, spec);
  const circuit = context.circuit!;
  const insuranceSpec = limitSpec({ ...spec, points: context.insurancePoints });
  const insurance = failure.onStoreError === 'insurance' ? createMemoryBackend(failure.maxKeys) : undefined;

  function fallback(key: string, cost: number): RateLimitResult {
    const at = now();
    if (insurance !== undefined) return result(insuranceSpec, insurance.consume(insuranceSpec, key, Math.min(cost, insuranceSpec.points), at), at, 'insurance', true);
    if (failure.onStoreError === 'allow') return result(spec, { allowed: true, remaining: spec.points, resetMs: 0, retryAfterMs: 0, blocked: false }, at, 'policy', true);
    const wait = failure.breakerMs;
    return result(spec, { allowed: false, remaining: 0, resetMs: wait, retryAfterMs: wait, blocked: false }, at, 'policy', false);
  }

  const remoteLimit: RemoteLimit = { spec, remote, now, fallback };
  return {
    spec,
    memory: undefined,
    consume(key, cost) {
      if (!circuit.admit()) return fallback(key, cost);
      return circuit.run(new RemoteCheck(remoteLimit, key, cost, clock === undefined ? undefined : now()));
    },
    async reset(key) {
      insurance?.reset(key);
      await remote.reset(key); // an administrative call: a store error rejects
    },
  };
}

interface RemoteLimit {
  readonly spec: LimitSpec;
  readonly remote: RemoteBackend;
  readonly now: () => number;
  fallback(key: string, cost: number): RateLimitResult;
}

/** One check on Redis, as the circuit runs it. Fields are assigned, not declared with values (see CircuitCall). */
class RemoteCheck extends CircuitCall<RateLimitResult> {
  declare readonly limit: RemoteLimit;
  declare readonly key: string;
  declare readonly cost: number;
  /** Only when a clock is injected. */
  declare readonly at: number | undefined;

  constructor(limit: RemoteLimit, key: string, cost: number, at: number | undefined) {
    super();
    this.limit = limit;
    this.key = key;
    this.cost = cost;
    this.at = at;
  }

  start(): Promise<unknown> {
    return this.limit.remote.consume(this.key, this.cost, this.at);
  }

  answer(reply: unknown): RateLimitResult {
    return result(this.limit.spec, this.limit.remote.verdict(reply), this.limit.now(), 'store', false);
  }

  override retry(error: unknown): Promise<unknown> | undefined {
    return isNoScript(error) ? this.limit.remote.resend(this.key, this.cost, this.at) : undefined;
  }

  fallback(): RateLimitResult {
    return this.limit.fallback(this.key, this.cost);
  }
}

function isCost(spec: LimitSpec, cost: unknown): cost is number {
  return typeof cost === 'number' && Number.isInteger(cost) && cost >= 1 && cost <= spec.points;
}

const costError = (spec: LimitSpec): InvalidInputError => new InvalidInputError(`rate limit "${spec.name}": cost must be an integer from 1 to ${spec.points} (points)`);
const keyError = (): InvalidInputError => new InvalidInputError(`rate limit: the key must be a non-empty string of at most ${MAX_LIMIT_KEY_LENGTH} characters`);

export function checkLimitKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_LIMIT_KEY_LENGTH) throw keyError();
  return key;
}

/**
 * Creates a rate limiter: `consume(key, cost?)` resolves to `{ allowed, limit, remaining, resetAt,
 * retryAfterMs, ... }` and never rejects for a reached limit or an unreachable store.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const normalized = normalizeLimiterOptions(options);
  const { store } = normalized;
  const failure: FailureOptions = normalized;
  const spec = limitSpec(normalized);
  const core = createLimiterCore(spec, {
    store,
    failure,
    insurancePoints: normalized.insurancePoints,
    now: normalized.now,
    circuit: store === undefined || store.kind === 'memory' ? undefined : circuitFor(store, failure, `rate limit "${normalized.name}"`, normalized.onEvent),
  });
  const { memory } = core;
  const fixedWindow = spec.algorithm === 'fixed-window';
  const clock = normalized.now;
  const now = clock === undefined ? Date.now : (): number => Math.floor(clock());
  return {
    name: normalized.name,
    algorithm: normalized.algorithm,
    points: normalized.points,
    duration: normalized.durationMs / 1000,
    consume(key, cost) {
      if (typeof key !== 'string' || key.length === 0 || key.length > KEY_LENGTH_LIMIT) return Promise.reject(keyError());
      if (cost !== undefined && !isCost(spec, cost)) return Promise.reject(costError(spec));
      if (memory !== undefined) {
        // What core.consume does, one call level up: the whole check then inlines here (bench/rate-limit.bench.ts).
        const at = now();
        if (fixedWindow) return Promise.resolve(fixedWindowResult(spec, memory.live(key, at) ?? memory.renew(key, at), at, cost ?? 1));
        return Promise.resolve(result(spec, memory.consume(spec, key, cost ?? 1, at), at, 'store', false));
      }
      // Promise.resolve hands a promise (a Redis check) back as it is.
      return Promise.resolve(core.consume(key, cost ?? 1));
    },
    async reset(key) {
      await core.reset(checkLimitKey(key));
    },
  };
}
