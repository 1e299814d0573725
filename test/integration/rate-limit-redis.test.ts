/**
 * Rate limits on a real redis-server and a real 3-master Redis Cluster (started by the harness):
 * the same answers as memory, exactness across processes, outages through Express, bans shared
 * between processes.
 */

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBanList,
  createRateLimitGuard,
  createRateLimiter,
  type RateLimitAlgorithm,
  type RateLimitEvent,
  type RateLimitResult,
} from '../../src/core/rate-limit/index.js';
import type { RequestContext } from '../../src/core/http/types.js';
import { createRedisClusterStore, createRedisStore, type SecurityStore } from '../../src/core/store/index.js';
import { startRedis, startRedisCluster, type RedisClusterServer, type RedisServer } from '../harness/redis.js';
import { request } from './support/http-client.js';
import { startRateLimitedApp } from './support/rate-limit-app.js';

const ALGORITHMS: RateLimitAlgorithm[] = ['fixed-window', 'sliding-window', 'token-bucket', 'gcra'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let runId = 0;
const unique = (label: string) => `${label}-${process.pid}-${++runId}`;

let redis: RedisServer;
let cluster: RedisClusterServer;
const stores: Array<SecurityStore & { ready(): Promise<void> }> = [];

function redisStore(timeoutMs = 2000) {
  const store = createRedisStore({ url: redis.url, timeoutMs });
  stores.push(store);
  return store;
}
function clusterStore(timeoutMs = 2000) {
  const store = createRedisClusterStore({ nodes: cluster.nodes, timeoutMs });
  stores.push(store);
  return store;
}

beforeAll(async () => {
  [redis, cluster] = await Promise.all([startRedis(), startRedisCluster()]);
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await Promise.all([redis?.stop(), cluster?.stop()]);
});

describe('the same answers on memory, Redis and Cluster', () => {
  const comparable = (r: RateLimitResult, now: number) => ({ allowed: r.allowed, remaining: r.remaining, retryAfterMs: r.retryAfterMs, resetMs: r.resetAt - now, blocked: r.blocked, source: r.source });

  it.each(['sliding-window', 'token-bucket', 'gcra'] as const)('%s: random call sequences with an injected clock', async (algorithm) => {
    const [onRedis, onCluster] = [redisStore(), clusterStore()];
    await Promise.all([onRedis.ready(), onCluster.ready()]);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 120 }),
        fc.constantFrom(0, 0, 2),
        fc.array(fc.record({ gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3000 })), costShare: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 25 }),
        async (points, duration, blockDuration, calls) => {
          let now = 1_700_000_000_000 + (runId % 997) * 13;
          const name = unique('same');
          const make = (store?: SecurityStore) => createRateLimiter({ points, duration, algorithm, blockDuration, store, name, now: () => now, timeoutMs: 10_000 });
          const limiters = [make(), make(onRedis), make(onCluster)];
          for (const { gapMs, costShare } of calls) {
            now += gapMs;
            const cost = Math.max(1, Math.ceil(costShare * points));
            const [memory, ...remote] = await Promise.all(limiters.map((limiter) => limiter.consume('k', cost)));
            for (const result of remote) expect(comparable(result!, now)).toEqual(comparable(memory!, now));
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('fixed-window: the counter script on Redis and Cluster counts as the memory limiter does', async () => {
    const [onRedis, onCluster] = [redisStore(), clusterStore()];
    await Promise.all([onRedis.ready(), onCluster.ready()]);
    const name = unique('fw');
    const make = (store?: SecurityStore) => createRateLimiter({ points: 10, duration: 60, blockDuration: 120, store, name, timeoutMs: 10_000 });
    const limiters = [make(), make(onRedis), make(onCluster)];
    for (const cost of [3, 3, 3, 2, 1, 1, 5]) {
      const [memory, ...remote] = await Promise.all(limiters.map((limiter) => limiter.consume('k', cost)));
      for (const result of remote) {
        expect({ allowed: result.allowed, remaining: result.remaining, blocked: result.blocked }).toEqual({ allowed: memory!.allowed, remaining: memory!.remaining, blocked: memory!.blocked });
        expect(Math.abs(result.retryAfterMs - memory!.retryAfterMs)).toBeLessThan(1000); // server vs local clock, whole-second EX
      }
    }
    const blocked = await limiters[1]!.consume('k');
    expect(blocked).toMatchObject({ allowed: false, blocked: true });
    expect(blocked.retryAfterMs).toBeGreaterThan(60_000); // the block (120 s) outlasts the window
  });
});

describe('exactness: 4 processes x 500 concurrent consume() on one key, limit 100', () => {
  const WORKERS = 4;
  const ATTEMPTS = 500;
  const POINTS = 100;
  let workers: Array<{ child: ChildProcessWithoutNullStreams; replies: AsyncIterator<string> }> = [];

  beforeAll(async () => {
    const script = fileURLToPath(new URL('./support/rate-limit-worker.ts', import.meta.url));
    const targets = JSON.stringify({ redis: redis.url, cluster: cluster.nodes });
    workers = Array.from({ length: WORKERS }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, targets], { stdio: ['pipe', 'pipe', 'pipe'] });
      child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
      return { child, replies: createInterface({ input: child.stdout })[Symbol.asyncIterator]() };
    });
    for (const { replies } of workers) expect((await replies.next()).value).toBe('ready');
  }, 120_000);

  afterAll(() => {
    for (const { child } of workers) child.stdin.end();
  });

  it.each(ALGORITHMS.flatMap((algorithm) => (['redis', 'cluster'] as const).map((target) => [target, algorithm] as const)))(
    '%s, %s: exactly 100 allowed',
    async (target, algorithm) => {
      // An hour's window: the refill during the test (seconds) stays below one point.
      const command = { target, algorithm, key: unique('exact'), points: POINTS, duration: 3600, attempts: ATTEMPTS };
      const replies = await Promise.all(
        workers.map(async ({ child, replies }, id) => {
          child.stdin.write(`${JSON.stringify({ ...command, id })}\n`);
          return JSON.parse((await replies.next()).value as string) as { allowed: number; denied: number; sources: Record<string, number> };
        }),
      );
      const allowed = replies.reduce((sum, reply) => sum + reply.allowed, 0);
      console.log(`[rate-limit exactness] ${target} ${algorithm}: ${allowed} allowed of ${WORKERS * ATTEMPTS} (per process: ${replies.map((r) => r.allowed).join('/')})`);
      expect(replies.every((reply) => reply.sources.store === ATTEMPTS)).toBe(true);
      expect(allowed).toBe(POINTS);
    },
    60_000,
  );
});

describe('outage through Express: the insurance limiter takes over, then traffic returns to Redis', () => {
  it('no 5xx, no check slower than the bound + 50 ms, back on Redis within 5 s of a restart', async () => {
    const store = createRedisStore({ url: redis.url, timeoutMs: 1000 });
    stores.push(store);
    await store.ready();
    const BOUND = 50;
    const app = await startRateLimitedApp({ store, timeoutMs: BOUND, rules: [{ name: 'api', path: '/api/**', limits: { points: 100_000, duration: 60, algorithm: 'gcra' } }] });
    const samples: Array<{ at: number; status: number; checkMs: number; source: string }> = [];
    let running = true;
    const client = async (n: number) => {
      let i = 0;
      while (running) {
        const response = await request(`${app.url}/api/items`, { headers: { 'x-forwarded-for': `198.51.100.${(n * 31 + i++) % 250}` } });
        samples.push({ at: performance.now(), status: response.status, checkMs: Number(response.headers['x-check-ms']), source: String(response.headers['x-limit-source']) });
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, n) => client(n)));
    try {
      await sleep(500);
      const pausedAt = performance.now();
      await redis.pause(1500); // up, but not answering: each check waits the bound, then the breaker skips Redis
      await sleep(700);
      await redis.kill(); // connections drop: checks fail at once
      await sleep(800);
      const downUntil = performance.now();
      await redis.restart();
      const restartedAt = performance.now();
      let backAt: number | undefined;
      while (backAt === undefined && performance.now() - restartedAt < 8000) {
        await sleep(100);
        backAt = samples.find((s) => s.at > restartedAt && s.source === 'store')?.at;
      }
      await sleep(300);
      running = false;
      await load;

      const outage = samples.filter((s) => s.at > pausedAt && s.at < downUntil);
      const slowest = Math.max(...samples.map((s) => s.checkMs));
      const statuses = [...new Set(samples.map((s) => s.status))];
      console.log(
        `[rate-limit outage] ${samples.length} requests; during the outage ${outage.length} (${outage.filter((s) => s.source === 'insurance').length} by the insurance limiter); ` +
          `slowest protect() ${slowest} ms (bound ${BOUND} ms); statuses ${statuses.join(',')}; back on Redis ${backAt === undefined ? 'never' : Math.round(backAt - restartedAt)} ms after the restart; ` +
          `events: ${app.events.map((e) => e.type).join(', ')}`,
      );
      const late = samples.filter((s) => s.at > backAt! + 200 && s.source !== 'store').map((s) => `${s.source} at +${Math.round(s.at - backAt!)} ms`);
      const events = app.events.map((e) => `${e.type} (${String(e.details?.reason ?? '')})`);
      expect(statuses, 'statuses').toEqual([200]);
      expect(slowest, 'slowest protect()').toBeLessThanOrEqual(BOUND + 50);
      expect(outage.filter((s) => s.source === 'insurance').length, 'insurance during the outage').toBeGreaterThan(0);
      expect(backAt, 'back on Redis').toBeDefined();
      expect(backAt! - restartedAt, 'time back to Redis').toBeLessThan(5000);
      // On a loaded machine one Redis answer can take longer than the 50 ms bound after the return;
      // the circuit then rightly falls back once more. Most checks must be back on Redis.
      const after = samples.filter((s) => s.at > backAt! + 200).length;
      expect(late.length, `checks not on Redis after the return: ${late.slice(0, 5).join(', ')}`).toBeLessThanOrEqual(after * 0.1);
      expect(events.slice(0, 2).map((e) => e.split(' ')[0]), events.join('; ')).toEqual(['store_unavailable', 'store_recovered']);
    } finally {
      running = false;
      await load;
      await app.close();
    }
  }, 60_000);
});

describe('a 429 through Express', () => {
  it('carries Retry-After, RateLimit and RateLimit-Policy that agree with each other', async () => {
    const store = redisStore();
    await store.ready();
    const app = await startRateLimitedApp({
      store,
      timeoutMs: 5000,
      rules: [{ name: unique('api'), path: '/api/**', limits: [{ name: 'burst', points: 2, duration: 10 }, { name: 'hour', points: 100, duration: 3600, algorithm: 'gcra' }] }],
    });
    try {
      const headers = { 'x-forwarded-for': '2001:db8:77::1' };
      const responses = [];
      for (let i = 0; i < 3; i++) responses.push(await request(`${app.url}/api/items`, { headers }));
      expect(responses.map((r) => r.status)).toEqual([200, 200, 429]);
      const denied = responses[2]!;
      const parse = (value: unknown) =>
        new Map(
          String(value)
            .split(', ')
            .map((item) => {
              const [name, ...params] = item.split(';');
              return [JSON.parse(name!) as string, Object.fromEntries(params.map((p) => p.split('=')).map(([k, v]) => [k!, Number(v)]))] as const;
            }),
        );
      const policy = parse(denied.headers['ratelimit-policy']);
      const state = parse(denied.headers['ratelimit']);
      const retryAfter = Number(denied.headers['retry-after']);
      expect([...policy.keys()]).toEqual([...state.keys()]);
      const exhausted = [...state.entries()].filter(([, item]) => item.r === 0);
      expect(exhausted.length).toBeGreaterThan(0);
      expect(retryAfter).toBe(Math.max(...exhausted.map(([, item]) => item.t!)));
      for (const [name, item] of state) expect(item.r!).toBeLessThanOrEqual(policy.get(name)!.q!);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(10);
    } finally {
      await app.close();
    }
  });
});

describe('Cluster outage', () => {
  it('a paused Cluster costs one bounded check, then the insurance limiter answers at once', async () => {
    const store = clusterStore(1000);
    await store.ready();
    const events: RateLimitEvent[] = [];
    const limiter = createRateLimiter({ points: 3, duration: 60, algorithm: 'sliding-window', store, timeoutMs: 50, onEvent: (e) => events.push(e), name: unique('cl') });
    expect((await limiter.consume('k')).source).toBe('store');
    await cluster.pause(1200);
    const timings: number[] = [];
    const results: RateLimitResult[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      results.push(await limiter.consume('k'));
      timings.push(Math.round(performance.now() - started));
    }
    console.log(`[rate-limit cluster outage] check times while paused: ${timings.join(', ')} ms`);
    expect(results.map((r) => r.source)).toEqual(['insurance', 'insurance', 'insurance', 'insurance', 'insurance']);
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false, false]); // the insurance limiter counts on its own
    expect(Math.max(...timings)).toBeLessThanOrEqual(100);
    expect(Math.max(...timings.slice(1)), 'checks with the circuit open').toBeLessThan(25); // no wait on the store (well under the 50 ms bound)
    await sleep(1500);
    let back: RateLimitResult | undefined;
    for (let i = 0; i < 40 && back?.source !== 'store'; i++) {
      back = await limiter.consume('k');
      await sleep(100);
    }
    expect(back!.source).toBe('store');
    expect(events.map((e) => e.type)).toEqual(['store_unavailable', 'store_recovered']);
  }, 30_000);

  it("onStoreError 'allow' and 'deny' decide without the store and say so", async () => {
    const store = createRedisStore({ url: 'redis://127.0.0.1:1', timeoutMs: 50 });
    stores.push(store);
    const allow = createRateLimiter({ points: 1, duration: 60, store, onStoreError: 'allow' });
    const deny = createRateLimiter({ points: 1, duration: 60, store, onStoreError: 'deny' });
    expect(await allow.consume('k')).toMatchObject({ allowed: true, failedOpen: true, source: 'policy' });
    expect(await deny.consume('k')).toMatchObject({ allowed: false, failedOpen: false, source: 'policy', retryAfterMs: 1000 });
  });
});

describe('keys on Redis', () => {
  it('user input cannot make two keys collide or pick a Cluster slot', async () => {
    const store = clusterStore();
    await store.ready();
    const limiter = createRateLimiter({ points: 1, duration: 60, algorithm: 'gcra', store, name: unique('keys'), timeoutMs: 10_000 });
    const keys = ['a{b}', 'a%7Bb%7D', 'a#b', 'a%23b', '#x', 'x\uD800', 'x\uD801', 'x\uD83D\uDE00', 'ip:1.2.3.4/32', 'ip:1.2.3.4%2F32'];
    const first = await Promise.all(keys.map((key) => limiter.consume(key)));
    expect(first.map((r) => r.allowed)).toEqual(keys.map(() => true));
    const second = await Promise.all(keys.map((key) => limiter.consume(key)));
    expect(second.map((r) => r.allowed)).toEqual(keys.map(() => false));
    expect(second.every((r) => r.source === 'store')).toBe(true);
  });
});

describe('the guard and bans on Redis', () => {
  const context = { requestId: 'r', clientIp: '203.0.113.77', method: 'POST', path: '/login' } as unknown as RequestContext;
  const input = (ip: string) => ({ request: { method: 'POST', url: 'http://app.test/login', headers: new Headers() }, method: 'POST', path: '/login', clientIp: ip, context });

  it('two processes share limits and headers agree across them', async () => {
    const options = { rules: [{ name: unique('login'), path: '/login', limits: [{ name: 'burst', points: 2, duration: 1 }, { name: 'minute', points: 3, duration: 60, algorithm: 'gcra' as const }] }] };
    const [storeOne, storeTwo] = [redisStore(), redisStore()];
    await Promise.all([storeOne.ready(), storeTwo.ready()]);
    // A generous bound: this test is about sharing, not outages (a loaded machine may be slow).
    const one = createRateLimitGuard({ ...options, store: storeOne, timeoutMs: 5000 });
    const two = createRateLimitGuard({ ...options, store: storeTwo, timeoutMs: 5000 });
    const first = await one.check(input('203.0.113.77'));
    const second = await two.check(input('203.0.113.77'));
    expect([first.allowed, second.allowed]).toEqual([true, true]);
    const third = await one.check(input('::ffff:203.0.113.77'));
    expect(third.allowed).toBe(false);
    const retry = Number(third.headers.find(([n]) => n === 'retry-after')![1]);
    expect(third.retryAfterSeconds).toBe(retry);
    const entries = third.headers.find(([n]) => n === 'ratelimit')![1].split(', ');
    expect(entries).toContain(`"${options.rules[0]!.name}-burst";r=0;t=${retry}`);
  });

  it('a ban written by one process is seen by another; progressive bans count on the store', async () => {
    const [storeOne, storeTwo] = [redisStore(), redisStore()];
    await Promise.all([storeOne.ready(), storeTwo.ready()]);
    const one = createBanList({ store: storeOne, timeoutMs: 5000 });
    const two = createBanList({ store: storeTwo, timeoutMs: 5000 });
    const ip = `198.18.${runId % 250}.${(process.pid % 250) + 1}`;
    expect(await two.isBanned(ip)).toBe(false);
    await one.ban(ip, 60_000, 'manual');
    expect(await two.isBanned(ip)).toBe(true);
    expect((await two.lookup(ip))?.reason).toBe('manual');
    expect(await two.unban(ip)).toBe(true);
    expect(await one.isBanned(ip)).toBe(false);
    const first = await one.penalize(ip);
    await two.unban(ip);
    const again = await two.penalize(ip);
    expect([first.offences, again.offences]).toEqual([1, 1]); // unban forgave the first
    expect(again.ban!.until - Date.now()).toBeGreaterThan(55_000);
  });

  it('isBanned stays bounded while the store is down', async () => {
    const store = createRedisStore({ url: 'redis://127.0.0.1:1', timeoutMs: 50 });
    stores.push(store);
    const bans = createBanList({ store, timeoutMs: 50 });
    const started = performance.now();
    expect(await bans.isBanned('203.0.113.1')).toBe(false);
    expect(await bans.isBanned('203.0.113.1')).toBe(false);
    expect(performance.now() - started).toBeLessThan(150);
  });
});
