/** The store on Redis Cluster over ioredis. Every operation's keys share one hash tag, so one slot. */

import { Cluster, type ClusterNode, type ClusterOptions } from 'ioredis';
import { fail, isPlainObject } from '../config/check-options.js';
import { assembleRedisStore, looksLikeClient } from './redis.js';
import type { SecurityStore } from './types.js';
import { normalizeCommon, type CommonStoreOptions } from './validate.js';

export interface RedisClusterStoreOptions extends CommonStoreOptions {
  /** An existing Cluster client, for example the one rate limits use. The store never closes it. */
  cluster?: Cluster;
  /** Startup nodes (`{ host, port }` or `'host:port'`): the store creates its own fail-fast client. */
  nodes?: ClusterNode[];
  /** Extra ioredis Cluster options for the client made from `nodes`; they override the fail-fast defaults. */
  clusterOptions?: ClusterOptions;
}

/** A store on Redis Cluster. `client` is the ioredis Cluster, to share with rate-limiter-flexible. */
export interface RedisClusterSecurityStore extends SecurityStore {
  readonly kind: 'redis-cluster';
  readonly client: Cluster;
  /** Resolves once the client is connected (default wait 10 s), for a startup that should not begin disconnected. */
  ready(timeoutMs?: number): Promise<void>;
}

/** ioredis Cluster options that make an outage fail fast (see `failFastRedisOptions`). */
export function failFastClusterOptions(timeoutMs = 250): ClusterOptions {
  return {
    enableOfflineQueue: false,
    clusterRetryStrategy: (times: number) => Math.min(100 * times, 2000),
    slotsRefreshTimeout: Math.max(1000, timeoutMs),
    redisOptions: { commandTimeout: timeoutMs, maxRetriesPerRequest: 1, connectTimeout: Math.max(1000, timeoutMs) },
  };
}

const KNOWN = ['prefix', 'timeoutMs', 'cluster', 'nodes', 'clusterOptions'] as const;

/**
 * Creates a store on Redis Cluster: `createRedisClusterStore(cluster)`, `createRedisClusterStore({ cluster })`
 * or `createRedisClusterStore({ nodes })`.
 */
export function createRedisClusterStore(cluster: Cluster, options?: CommonStoreOptions): RedisClusterSecurityStore;
export function createRedisClusterStore(options: RedisClusterStoreOptions): RedisClusterSecurityStore;
export function createRedisClusterStore(input: Cluster | RedisClusterStoreOptions, extra: CommonStoreOptions = {}): RedisClusterSecurityStore {
  const options: RedisClusterStoreOptions = looksLikeClient(input) ? { ...extra, cluster: input as Cluster } : (input as RedisClusterStoreOptions);
  const common = normalizeCommon('redisClusterStore', options, KNOWN);
  const { cluster, nodes, clusterOptions } = options;
  if ((cluster === undefined) === (nodes === undefined)) fail('redisClusterStore', 'pass either an ioredis Cluster or nodes');
  if (cluster !== undefined) {
    if (!looksLikeClient(cluster) || cluster.isCluster !== true) fail('redisClusterStore.cluster', 'expected an ioredis Cluster client');
    return assembleRedisStore('redis-cluster', cluster, false, common);
  }
  if (!Array.isArray(nodes) || nodes.length === 0) fail('redisClusterStore.nodes', 'expected a non-empty array of startup nodes');
  if (clusterOptions !== undefined && !isPlainObject(clusterOptions)) fail('redisClusterStore.clusterOptions', 'expected an options object');
  const defaults = failFastClusterOptions(common.timeoutMs);
  const owned = new Cluster(nodes, {
    ...defaults,
    ...clusterOptions,
    redisOptions: { ...defaults.redisOptions, ...(clusterOptions?.redisOptions ?? {}) },
  });
  owned.on('error', () => undefined); // outages surface per operation as StoreUnavailableError
  return assembleRedisStore('redis-cluster', owned, true, common) satisfies SecurityStore;
}
