/**
 * Counts on Redis or Redis Cluster through the store's ioredis client. Fixed windows run on
 * rate-limiter-flexible's RateLimiterRedis (its atomic INCR script); the other algorithms run on
 * the scripts in redis-scripts.ts. Either way: one key and one round trip per check.
 */

import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { storeKey } from '../store/key.js';
import type { SecurityStore } from '../store/types.js';
import { newVerdict, type Verdict } from './algorithms.js';
import type { LimitSpec } from './options.js';
import { hashKey } from './keys.js';
import { LIMIT_SCRIPTS, type LimitScript } from './redis-scripts.js';

/** The part of an ioredis `Redis` / `Cluster` this module calls. */
export interface RedisLikeClient {
  readonly status: string;
  call(command: string, args: (string | number)[]): Promise<unknown>;
  connect(): Promise<void>;
  once(event: 'ready', listener: () => void): unknown;
}

/** One limit on Redis. `consume` resolves to a raw reply that `verdict` reads, so a check adds no promise of its own. */
export interface RemoteBackend {
  /** `now` only when a clock is injected; otherwise the server's clock decides. */
  consume(key: string, cost: number, now: number | undefined): Promise<unknown>;
  /** Reads a reply (into an object reused by the next call: read it at once); throws on one it does not recognize. */
  verdict(reply: unknown): Verdict;
  /** Reads a rejection that is an answer (rate-limiter-flexible's "limit reached"); undefined for a real failure. */
  refusal?: (error: unknown) => Verdict | undefined;
  reset(key: string): Promise<void>;
}

const SHORT: Readonly<Record<LimitSpec['algorithm'], string>> = { 'fixed-window': 'fw', 'sliding-window': 'sw', 'token-bucket': 'tb', gcra: 'gcra' };

export function clientOf(store: SecurityStore): RedisLikeClient {
  return (store as unknown as { client: RedisLikeClient }).client;
}

const SPECIAL = /[{}%#\uD800-\uDFFF]/;
const SURROGATE = /[\uD800-\uDFFF]/;
const ESCAPES: Readonly<Record<string, string>> = { '%': '%25', '{': '%7B', '}': '%7D', '#': '%23' };

/**
 * `<prefix>rl:<algorithm>:<name>:<key>`. The name has no `:`, so the key after it cannot collide
 * with another limit's; `{` and `}` are escaped so no key forges a Cluster hash tag, and `#` so a
 * plain key never looks like a hashed one. A key with surrogates is hashed (`#...`), since a lone
 * surrogate would not survive UTF-8.
 */
function keyMaker(store: SecurityStore, spec: LimitSpec): (key: string) => string {
  const base = `${store.prefix + storeKey('rl', SHORT[spec.algorithm], spec.name)}:`;
  return (key) => {
    if (!SPECIAL.test(key)) return base + key; // the usual case: one scan
    if (SURROGATE.test(key)) return `${base}#${hashKey(key)}`;
    return base + key.replace(/[{}%#]/g, (c) => ESCAPES[c]!);
  };
}

/** Fills `out` (reused per backend: the caller reads it at once). */
function fromRlf(res: RateLimiterRes, allowed: boolean, spec: LimitSpec, out: Verdict): Verdict {
  const resetMs = Math.max(0, res.msBeforeNext);
  out.allowed = allowed;
  out.remaining = res.remainingPoints;
  out.resetMs = resetMs;
  out.retryAfterMs = allowed ? 0 : Math.max(1, resetMs);
  out.blocked = !allowed && spec.blockMs > 0;
  return out;
}

function fixedWindowBackend(store: SecurityStore, spec: LimitSpec): RemoteBackend {
  const keyFor = keyMaker(store, spec);
  const scratch = newVerdict();
  const limiter = new RateLimiterRedis({
    storeClient: clientOf(store),
    points: spec.points,
    duration: spec.durationMs / 1000,
    blockDuration: spec.blockMs / 1000,
    keyPrefix: '',
  });
  return {
    consume: (key, cost) => limiter.consume(keyFor(key), cost),
    verdict: (reply) => {
      if (!(reply instanceof RateLimiterRes)) throw new Error('rate limit: unexpected reply from rate-limiter-flexible');
      return fromRlf(reply, true, spec, scratch);
    },
    refusal: (error) => (error instanceof RateLimiterRes ? fromRlf(error, false, spec, scratch) : undefined),
    reset: async (key) => {
      await limiter.delete(keyFor(key));
    },
  };
}

const isNoScript = (error: unknown): boolean => error instanceof Error && error.message.startsWith('NOSCRIPT');

function toVerdict(reply: unknown): Verdict {
  if (!Array.isArray(reply) || reply.length !== 5) throw new Error('rate limit: unexpected reply from the limit script');
  const [allowed, remaining, resetMs, retryAfterMs, blocked] = reply.map(Number) as [number, number, number, number, number];
  return { allowed: allowed === 1, remaining, resetMs, retryAfterMs, blocked: blocked === 1 };
}

function scriptBackend(store: SecurityStore, spec: LimitSpec, script: LimitScript): RemoteBackend {
  const client = clientOf(store);
  const keyFor = keyMaker(store, spec);
  const fixedArgs = [spec.points, spec.durationMs, spec.blockMs];
  return {
    async consume(key, cost, now) {
      const params = [1, keyFor(key), ...fixedArgs, cost, now === undefined ? '' : now];
      try {
        return await client.call('EVALSHA', [script.sha1, ...params]);
      } catch (error) {
        if (!isNoScript(error)) throw error; // a fresh or restarted server: send the source once
        return client.call('EVAL', [script.source, ...params]);
      }
    },
    verdict: toVerdict,
    reset: async (key) => {
      await client.call('DEL', [keyFor(key)]);
    },
  };
}

/** The backend for one limit on a Redis or Cluster store. */
export function createRedisBackend(store: SecurityStore, spec: LimitSpec): RemoteBackend {
  return spec.algorithm === 'fixed-window' ? fixedWindowBackend(store, spec) : scriptBackend(store, spec, LIMIT_SCRIPTS[spec.algorithm]);
}
