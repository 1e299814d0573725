/**
 * Counts on Redis or Redis Cluster through the store's ioredis client, with the scripts in
 * redis-scripts.ts: one key and one round trip per check. A check sends EVALSHA; after a NOSCRIPT
 * (a fresh or restarted server) the circuit asks for `resend`, which sends the source once.
 */

import { Writable } from 'node:stream';
import type { SecurityStore } from '../store/types.js';
import { storeKey } from '../store/key.js';
import { newVerdict, type Verdict } from './algorithms.js';
import type { LimitSpec } from './options.js';
import { hashKey } from './keys.js';
import { FIXED_WINDOW, LIMIT_SCRIPTS, type LimitScript } from './redis-scripts.js';

/** The part of an ioredis `Redis` / `Cluster` this module calls. */
export interface RedisLikeClient {
  readonly status: string;
  call(command: string, args: (string | number)[]): Promise<unknown>;
  connect(): Promise<void>;
  once(event: 'ready', listener: () => void): unknown;
}

/** One limit on Redis. `consume` resolves to a raw reply that `verdict` reads, so a check adds no promise of its own. */
export interface RemoteBackend {
  /** EVALSHA. `now` only when a clock is injected; otherwise the server's clock decides. */
  consume(key: string, cost: number, now: number | undefined): Promise<unknown>;
  /** The same check with the script's source (EVAL), after the server answered NOSCRIPT. */
  resend(key: string, cost: number, now: number | undefined): Promise<unknown>;
  /** Reads a reply (into an object reused by the next call: read it at once); throws on one it does not recognize. */
  verdict(reply: unknown): Verdict;
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

export const isNoScript = (error: unknown): boolean => error instanceof Error && error.message.startsWith('NOSCRIPT');

/** Argument lists, built whole: ioredis copies them once more, and strings need no conversion there. */
type ArgsFor = (head: string, key: string, cost: number, now: number | undefined) => Array<string | number>;

/**
 * Checks started in one tick leave in one write: the first corks the client's socket and the next
 * tick (before any I/O) uncorks it, so no command waits for another. Under concurrency a syscall per
 * command was about half of a check's client CPU (bench/rate-limit.bench.ts). Standalone clients
 * only: a Cluster client has no socket of its own (`stream`).
 */
function writeBatcher(client: RedisLikeClient): () => void {
  let tick: Writable | undefined;
  const release = (stream: Writable): void => {
    tick = undefined;
    stream.uncork();
  };
  return () => {
    if (tick !== undefined) return;
    const stream = (client as { stream?: unknown }).stream;
    if (!(stream instanceof Writable) || !stream.writable) return;
    tick = stream;
    stream.cork();
    process.nextTick(release, stream);
  };
}

function scriptBackend(store: SecurityStore, spec: LimitSpec, script: LimitScript, argsFor: ArgsFor, verdict: (reply: unknown) => Verdict): RemoteBackend {
  const client = clientOf(store);
  const keyFor = keyMaker(store, spec);
  const batch = writeBatcher(client);
  return {
    consume: (key, cost, now) => {
      batch();
      return client.call('EVALSHA', argsFor(script.sha1, keyFor(key), cost, now));
    },
    resend: (key, cost, now) => client.call('EVAL', argsFor(script.source, keyFor(key), cost, now)),
    verdict,
    reset: async (key) => {
      await client.call('DEL', [keyFor(key)]);
    },
  };
}

const unexpected = (): Error => new Error('rate limit: unexpected reply from the limit script');

/** rate-limiter-flexible's fixed window, one script: { used, ttl } -> the verdict memory gives. */
function fixedWindowBackend(store: SecurityStore, spec: LimitSpec): RemoteBackend {
  const { points, blockMs } = spec;
  const [windowS, blockS, pointsArg] = [String(spec.durationMs / 1000), String(blockMs / 1000), String(points)];
  const out = newVerdict();
  return scriptBackend(store, spec, FIXED_WINDOW, (head, key, cost) => [head, 1, key, cost, windowS, blockS, pointsArg], (reply) => {
    if (!Array.isArray(reply) || reply.length !== 2) throw unexpected();
    const used = Number(reply[0]);
    const resetMs = Math.max(0, Number(reply[1]));
    if (!Number.isFinite(used) || !Number.isFinite(resetMs)) throw unexpected();
    const allowed = used <= points;
    out.allowed = allowed;
    out.remaining = Math.max(0, points - used);
    out.resetMs = resetMs;
    out.retryAfterMs = allowed ? 0 : Math.max(1, resetMs);
    out.blocked = !allowed && blockMs > 0;
    return out;
  });
}

/** The other algorithms: { allowed, remaining, resetMs, retryAfterMs, blocked }. */
function stateBackend(store: SecurityStore, spec: LimitSpec, script: LimitScript): RemoteBackend {
  const [pointsArg, durationArg, blockArg] = [String(spec.points), String(spec.durationMs), String(spec.blockMs)];
  const out = newVerdict();
  const argsFor: ArgsFor = (head, key, cost, now) => [head, 1, key, pointsArg, durationArg, blockArg, cost, now === undefined ? '' : now];
  return scriptBackend(store, spec, script, argsFor, (reply) => {
    if (!Array.isArray(reply) || reply.length !== 5) throw unexpected();
    out.allowed = Number(reply[0]) === 1;
    out.remaining = Number(reply[1]);
    out.resetMs = Number(reply[2]);
    out.retryAfterMs = Number(reply[3]);
    out.blocked = Number(reply[4]) === 1;
    return out;
  });
}

/** The backend for one limit on a Redis or Cluster store. */
export function createRedisBackend(store: SecurityStore, spec: LimitSpec): RemoteBackend {
  return spec.algorithm === 'fixed-window' ? fixedWindowBackend(store, spec) : stateBackend(store, spec, LIMIT_SCRIPTS[spec.algorithm]);
}
