/** The store on one Redis server (or a Sentinel-managed primary) over ioredis. */

import { Redis, type RedisOptions } from 'ioredis';
import { checkInteger, fail, isPlainObject } from '../config/check-options.js';
import { boundedCaller, type RedisCaller } from './redis-connection.js';
import { redisOperations } from './redis-operations.js';
import type { SecurityStore } from './types.js';
import { normalizeCommon, type CommonStoreOptions } from './validate.js';

export interface RedisStoreOptions extends CommonStoreOptions {
  /** An existing client, for example the one rate limits use. The store never closes it. */
  client?: Redis;
  /** `redis://` or `rediss://` URL: the store creates its own fail-fast client and closes it in `close()`. */
  url?: string;
  /** Extra ioredis options for the client made from `url` (TLS, username...); they override the fail-fast defaults. */
  redisOptions?: RedisOptions;
}

/** A store on Redis. `client` is the ioredis client, to share with rate-limiter-flexible. */
export interface RedisSecurityStore extends SecurityStore {
  readonly kind: 'redis';
  readonly client: Redis;
  /** Resolves once the client is connected (default wait 10 s), for a startup that should not begin disconnected. */
  ready(timeoutMs?: number): Promise<void>;
}

/**
 * ioredis options that make an outage fail fast: a command timeout, one retry, no offline queue
 * (commands fail at once while disconnected), and reconnection with backoff capped at 2 s.
 */
export function failFastRedisOptions(timeoutMs = 250): RedisOptions {
  return {
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: Math.max(1000, timeoutMs),
    retryStrategy: (times: number) => Math.min(50 * 2 ** times, 2000),
  };
}

/** @internal Puts a bounded caller, the operations and the owned client's lifetime together. */
export function assembleRedisStore<K extends 'redis' | 'redis-cluster', C extends RedisCaller & { disconnect(): void }>(
  kind: K,
  client: C,
  owned: boolean,
  common: { prefix: string; timeoutMs: number },
): SecurityStore & { kind: K; client: C; ready(timeoutMs?: number): Promise<void> } {
  const caller = boundedCaller(client, common.timeoutMs);
  return {
    kind,
    client,
    prefix: common.prefix,
    timeoutMs: common.timeoutMs,
    ...redisOperations(caller, common.prefix),
    ready: async (timeoutMs = 10_000) => caller.ready(checkInteger('ready: timeoutMs', timeoutMs, 1, 3_600_000) ?? 10_000),
    async close() {
      caller.close();
      if (owned) client.disconnect();
    },
  };
}

/** @internal True for something shaped like an ioredis client. */
export function looksLikeClient(value: unknown): value is RedisCaller & { isCluster?: boolean } {
  return typeof value === 'object' && value !== null && typeof (value as RedisCaller).call === 'function' && typeof (value as RedisCaller).status === 'string';
}

const KNOWN = ['prefix', 'timeoutMs', 'client', 'url', 'redisOptions'] as const;
const REDIS_URL = /^rediss?:\/\//i;

/**
 * Creates a store on Redis: `createRedisStore(client)`, `createRedisStore(client, { prefix })`,
 * `createRedisStore({ client })` or `createRedisStore({ url })`.
 */
export function createRedisStore(client: Redis, options?: CommonStoreOptions): RedisSecurityStore;
export function createRedisStore(options: RedisStoreOptions): RedisSecurityStore;
export function createRedisStore(input: Redis | RedisStoreOptions, extra: CommonStoreOptions = {}): RedisSecurityStore {
  const options: RedisStoreOptions = looksLikeClient(input) ? { ...extra, client: input as Redis } : (input as RedisStoreOptions);
  const common = normalizeCommon('redisStore', options, KNOWN);
  const { client, url, redisOptions } = options;
  if ((client === undefined) === (url === undefined)) fail('redisStore', 'pass either an ioredis client or a url');
  if (client !== undefined) {
    if (!looksLikeClient(client)) fail('redisStore.client', 'expected an ioredis Redis client');
    if (client.isCluster === true) fail('redisStore.client', 'this is a Cluster client: use createRedisClusterStore()');
    return assembleRedisStore('redis', client, false, common);
  }
  // The URL may hold a password: messages never repeat it.
  if (typeof url !== 'string' || !REDIS_URL.test(url)) fail('redisStore.url', 'expected a redis:// or rediss:// URL');
  if (redisOptions !== undefined && !isPlainObject(redisOptions)) fail('redisStore.redisOptions', 'expected an options object');
  const owned = new Redis(url, { ...failFastRedisOptions(common.timeoutMs), ...redisOptions });
  owned.on('error', () => undefined); // outages surface per operation as StoreUnavailableError
  return assembleRedisStore('redis', owned, true, common);
}
