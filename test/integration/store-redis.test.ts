/** The store seam on a real redis-server and a real 3-master Redis Cluster, started on loopback ports. */

import { Cluster, Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import {
  createRedisClusterStore,
  createRedisStore,
  StoreUnavailableError,
  storeKey,
  taggedKey,
} from '../../src/core/store/index.js';
import { storeContract } from '../core/store-contract.js';
import { startRedis, startRedisCluster, type RedisClusterServer, type RedisServer } from '../harness/redis.js';

let redis: RedisServer;
let cluster: RedisClusterServer;

beforeAll(async () => {
  [redis, cluster] = await Promise.all([startRedis(), startRedisCluster()]);
});
afterAll(async () => {
  await Promise.all([redis?.stop(), cluster?.stop()]);
});

const HANDLES = 4;
/** Generous for the contract (this machine may be busy); the outage tests below use tight bounds. */
const CONTRACT_TIMEOUT_MS = 2000;

/** Connected stores: an operation's time bound includes connecting, so tests start connected. */
async function connected<S extends { ready(): Promise<void> }>(stores: S[]): Promise<S[]> {
  await Promise.all(stores.map((s) => s.ready()));
  return stores;
}

storeContract({
  name: 'redis (store-owned clients from a url)',
  open: () => connected(Array.from({ length: HANDLES }, () => createRedisStore({ url: redis.url, timeoutMs: CONTRACT_TIMEOUT_MS }))),
});

storeContract({
  name: 'redis (shared ioredis clients)',
  open: async () =>
    connected(
      Array.from({ length: HANDLES }, () => {
        const client = new Redis(redis.url);
        const store = createRedisStore(client, { timeoutMs: CONTRACT_TIMEOUT_MS });
        return {
          ...store,
          close: async () => {
            await store.close();
            client.disconnect();
          },
        };
      }),
    ),
});

storeContract({
  name: 'redis cluster (3 masters)',
  open: () => connected(Array.from({ length: HANDLES }, () => createRedisClusterStore({ nodes: cluster.nodes, timeoutMs: CONTRACT_TIMEOUT_MS }))),
});

/** Runs `operation`, expects StoreUnavailableError, and returns how long the rejection took. */
async function timeToFailure(operation: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await expect(operation()).rejects.toBeInstanceOf(StoreUnavailableError);
  return Math.round(performance.now() - started);
}

describe('redis: construction and ownership', () => {
  it('accepts a client, { client } or { url }, and never closes a client it was given', async () => {
    const client = new Redis(redis.url);
    const direct = createRedisStore(client, { prefix: 'app:' });
    const wrapped = createRedisStore({ client });
    expect([direct.kind, direct.prefix, direct.client === client, wrapped.prefix]).toEqual(['redis', 'app:', true, 'bulwark:']);
    await direct.set(storeKey('own', 'k'), 'v', { ttlMs: 10_000 });
    expect(await wrapped.get(storeKey('own', 'k'))).toBeUndefined(); // different prefixes, different keys
    await direct.close();
    expect(client.status).toBe('ready');
    expect(await client.get('app:own:k')).toBe('v');
    client.disconnect();
  });

  it('refuses unclear or wrong options with a ConfigurationError that does not repeat the URL', () => {
    const client = new Redis(redis.url, { lazyConnect: true });
    expect(() => createRedisStore({ client, url: redis.url })).toThrow(ConfigurationError);
    expect(() => createRedisStore({} as never)).toThrow(ConfigurationError);
    expect(() => createRedisStore({ url: 'http://user:s3cret@host' })).toThrow(ConfigurationError);
    try {
      createRedisStore({ url: 'http://user:s3cret@host' });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('s3cret');
    }
    expect(() => createRedisStore({ url: redis.url, timeOut: 5 } as never)).toThrow(/did you mean "timeoutMs"/);
    expect(() => createRedisClusterStore({ cluster: client as never })).toThrow(ConfigurationError);
    expect(() => createRedisClusterStore({ nodes: [] })).toThrow(ConfigurationError);
    client.disconnect();
  });

  it('lays keys out as documented: <prefix><key>, and <prefix><owner>#ids/#exp/#val for collections', async () => {
    const store = createRedisStore({ url: redis.url, prefix: 'layout:' });
    await store.set(storeKey('ban', '203.0.113.7'), '{"until":1}', { ttlMs: 10_000 });
    await store.addMember(taggedKey('sessions', 'user:42'), 'sid', { score: 1, max: 3, ttlMs: 10_000, value: '{}' });
    expect(await redis.command('GET', 'layout:ban:203.0.113.7')).toBe('{"until":1}');
    for (const suffix of ['#ids', '#exp', '#val']) {
      expect(await redis.command('EXISTS', `layout:sessions:{user%3A42}${suffix}`)).toBe('1');
      expect(Number(await redis.command('PTTL', `layout:sessions:{user%3A42}${suffix}`))).toBeGreaterThan(0);
    }
    await store.close();
  });
});

describe('redis cluster: hash tags', () => {
  it('keeps each collection in one slot while owners spread over every master', async () => {
    const store = createRedisClusterStore({ nodes: cluster.nodes });
    const owners = Array.from({ length: 30 }, (_, i) => taggedKey('spread', `user-${i}`));
    for (const owner of owners) await store.addMember(owner, 'a', { score: 1, max: 2, ttlMs: 30_000, value: 'v' });
    const slotsPerOwner = await Promise.all(
      owners.map(async (owner) => new Set(await Promise.all(['#ids', '#exp', '#val'].map((s) => cluster.servers[0]!.command('CLUSTER', 'KEYSLOT', `bulwark:${owner}${s}`))))),
    );
    expect(slotsPerOwner.every((slots) => slots.size === 1)).toBe(true);
    expect(new Set(slotsPerOwner.map((slots) => [...slots][0])).size).toBeGreaterThan(1);
    const keysPerNode = await Promise.all(cluster.servers.map(async (s) => Number(await s.command('DBSIZE'))));
    console.log(`cluster: 30 collections over ${new Set(slotsPerOwner.map((s) => [...s][0])).size} slots; keys per master: ${keysPerNode.join(', ')}`);
    expect(keysPerNode.every((n) => n > 0)).toBe(true);
    for (const owner of owners) expect((await store.listMembers(owner)).map((m) => m.value)).toEqual(['v']);
    await store.close();
  });
});

describe('redis: outages fail fast with StoreUnavailableError', () => {
  let outage: RedisServer;
  beforeAll(async () => {
    outage = await startRedis();
  });
  afterAll(() => outage?.stop());

  it('a paused server: store-owned and default-configured shared clients both fail within the bound', async () => {
    const owned = createRedisStore({ url: outage.url, timeoutMs: 100 });
    const plainClient = new Redis(outage.url); // ioredis defaults: no command timeout, offline queue on
    const shared = createRedisStore(plainClient, { timeoutMs: 100 });
    const key = storeKey('outage', 'paused');
    await owned.set(key, 'v', { ttlMs: 10_000 });
    expect(await shared.get(key)).toBe('v');
    await outage.pause(1500);
    const times = [
      await timeToFailure(() => owned.get(key)),
      await timeToFailure(() => shared.take(key)),
      await timeToFailure(() => owned.addMember(taggedKey('outage', 'u'), 'm', { score: 1, max: 1, ttlMs: 1000 })),
    ];
    console.log(`paused redis, timeoutMs 100: rejected after ${times.join(', ')} ms`);
    expect(Math.max(...times)).toBeLessThan(100 + 1000); // a bound, not a speed target: without it these hang
    await outage.command('CLIENT', 'UNPAUSE'); // answered once the pause ends
    await owned.close();
    await shared.close();
    plainClient.disconnect();
  });

  it('a server that stops answering costs three timeouts, then fails at once until it answers again', async () => {
    const store = createRedisStore({ url: outage.url, timeoutMs: 100 });
    const key = storeKey('outage', 'breaker');
    await store.set(key, 'v', { ttlMs: 30_000 });
    await outage.pause(1200);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push(await timeToFailure(() => store.get(key)));
    console.log(`paused redis, 5 sequential gets: rejected after ${times.join(', ')} ms`);
    await expect(store.get(key)).rejects.toThrow(/not answering/);
    await outage.command('CLIENT', 'UNPAUSE'); // answered once the pause ends
    const back = performance.now();
    let value: string | undefined;
    while (value === undefined && performance.now() - back < 5000) {
      value = await store.get(key).catch(() => undefined);
      if (value === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    console.log(`after the pause: answered again ${Math.round(performance.now() - back)} ms later`);
    expect(value).toBe('v');
    await store.close();
  });

  it('a killed server: fails at once while down, then works again (scripts reloaded) after a restart', async () => {
    const store = createRedisStore({ url: outage.url, timeoutMs: 100 });
    const key = storeKey('outage', 'killed');
    expect(await store.increment(key, { ttlMs: 10_000 })).toBe(1);
    await outage.kill();
    const times: number[] = [];
    for (let i = 0; i < 3; i++) times.push(await timeToFailure(() => store.increment(key, { ttlMs: 10_000 })));
    console.log(`killed redis, timeoutMs 100: rejected after ${times.join(', ')} ms`);
    expect(Math.max(...times)).toBeLessThan(100 + 1000);
    await vi.waitFor(() => expect(store.client.status).not.toBe('ready')); // the client notices the close
    await expect(store.ready(200)).rejects.toBeInstanceOf(StoreUnavailableError);
    await outage.restart();
    const back = performance.now();
    await store.ready(10_000);
    console.log(`restarted redis: store reconnected after ${Math.round(performance.now() - back)} ms`);
    expect(await store.increment(key, { ttlMs: 10_000 })).toBe(1); // the restarted server is empty, and the script cache too
    await store.close();
  });

  it('a paused cluster fails within the bound too', async () => {
    const store = createRedisClusterStore({ nodes: cluster.nodes, timeoutMs: 100 });
    const key = storeKey('outage', 'cluster');
    await store.set(key, 'v', { ttlMs: 10_000 });
    await cluster.pause(1000);
    const elapsed = await timeToFailure(() => store.get(key));
    console.log(`paused cluster, timeoutMs 100: rejected after ${elapsed} ms`);
    expect(elapsed).toBeLessThan(100 + 1000);
    await Promise.all(cluster.servers.map((s) => s.command('CLIENT', 'UNPAUSE')));
    expect(await store.get(key)).toBe('v');
    await store.close();
  });
});

describe('rate-limiter-flexible shares the store client', () => {
  it.each(['redis', 'cluster'] as const)('%s: RateLimiterRedis counts on store.client', async (which) => {
    const store = which === 'redis' ? createRedisStore({ url: redis.url }) : createRedisClusterStore({ nodes: cluster.nodes });
    const limiter = new RateLimiterRedis({ storeClient: store.client as Redis | Cluster, keyPrefix: `${store.prefix}rl-${which}`, points: 3, duration: 30 });
    await store.ready(); // a store-made client does not queue commands before it connects
    const key = `user-${Date.now()}`;
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => limiter.consume(key).then(() => 'allowed', () => 'limited')));
    expect(outcomes.filter((o) => o === 'allowed')).toHaveLength(3);
    await store.close();
  });
});
