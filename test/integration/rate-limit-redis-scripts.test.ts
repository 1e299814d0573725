/**
 * The Redis fast path of rate limits on a real redis-server: the fixed window's own script keeps
 * rate-limiter-flexible's counter format and block, one round trip per check; a server that lost its
 * scripts (SCRIPT FLUSH, a restart) still answers from the store; checks started in one tick share a
 * write, and the client's own commands go out with them.
 */

import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter, type RateLimitAlgorithm } from '../../src/core/rate-limit/index.js';
import { createRedisStore, failFastRedisOptions } from '../../src/core/store/index.js';
import { startRedis, type RedisServer } from '../harness/redis.js';

let redis: RedisServer;
const clients: Redis[] = [];
let runId = 0;
const unique = (label: string) => `${label}-${process.pid}-${++runId}`;

async function client(): Promise<Redis> {
  const made = new Redis(redis.url, failFastRedisOptions(2000));
  clients.push(made);
  await createRedisStore(made).ready();
  return made;
}

/** Counts the commands the server receives (INFO commandstats). */
async function calls(command: string): Promise<number> {
  const stats = await redis.command('INFO', 'commandstats');
  const line = stats.split('\r\n').find((row) => row.startsWith(`cmdstat_${command}:calls=`));
  return line === undefined ? 0 : Number.parseInt(line.slice(line.indexOf('=') + 1), 10);
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const made of clients) made.disconnect();
  await redis?.stop();
});

describe('fixed window on Redis', () => {
  it('shares counts with rate-limiter-flexible on the same key (same counter, same expiry)', async () => {
    const shared = await client();
    const name = unique('rlf');
    const store = createRedisStore(shared);
    const key = `${store.prefix}rl:fw:${name}:k`;
    const limiter = createRateLimiter({ points: 5, duration: 60, store, name, timeoutMs: 2000 });
    const peer = new RateLimiterRedis({ storeClient: shared, points: 5, duration: 60, keyPrefix: '' });
    expect(await limiter.consume('k', 2)).toMatchObject({ allowed: true, remaining: 3, source: 'store' });
    const theirs = await peer.consume(key, 2);
    expect(theirs.consumedPoints).toBe(4);
    expect(theirs.msBeforeNext).toBeGreaterThan(58_000);
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.consume('k')).toMatchObject({ allowed: false, remaining: 0, blocked: false });
    expect(Number(await shared.pttl(key))).toBeLessThanOrEqual(60_000);
  });

  it('blocks in the same round trip as the check that goes over', async () => {
    const shared = await client();
    const name = unique('block');
    const store = createRedisStore(shared);
    const key = `${store.prefix}rl:fw:${name}:k`;
    const limiter = createRateLimiter({ points: 2, duration: 10, blockDuration: 300, store, name, timeoutMs: 2000 });
    await limiter.consume('k');
    await limiter.consume('k');
    const before = [await calls('evalsha'), await calls('exec')];
    const over = await limiter.consume('k');
    expect([(await calls('evalsha')) - before[0]!, (await calls('exec')) - before[1]!]).toEqual([1, 0]); // no second step for the block
    expect(over).toMatchObject({ allowed: false, blocked: true, retryAfterMs: 300_000, remaining: 0 });
    expect(await shared.get(key)).toBe('3'); // points + 1, as rate-limiter-flexible's block writes
    expect(Number(await shared.pttl(key))).toBeGreaterThan(290_000);
    const later = await limiter.consume('k');
    expect(later).toMatchObject({ allowed: false, blocked: true });
    expect(later.retryAfterMs).toBeGreaterThan(290_000);
    expect(later.retryAfterMs).toBeLessThanOrEqual(300_000);
  });
});

describe('scripts the server does not hold', () => {
  it.each(['fixed-window', 'sliding-window', 'token-bucket', 'gcra'] as RateLimitAlgorithm[])('%s: after SCRIPT FLUSH the check still counts on the store', async (algorithm) => {
    const shared = await client();
    const limiter = createRateLimiter({ points: 3, duration: 60, algorithm, store: createRedisStore(shared), name: unique('flush'), timeoutMs: 2000 });
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, remaining: 2, source: 'store' });
    await redis.command('SCRIPT', 'FLUSH');
    const answers = await Promise.all([limiter.consume('k'), limiter.consume('k'), limiter.consume('k')]);
    expect(answers.map((r) => r.source)).toEqual(['store', 'store', 'store']);
    expect(answers.map((r) => r.allowed).sort()).toEqual([false, true, true]);
    expect(await limiter.consume('k')).toMatchObject({ allowed: false, source: 'store' });
  });
});

describe('checks started in one tick', () => {
  it('are all answered, with the client commands sent beside them, and leave the socket uncorked', async () => {
    const shared = await client();
    const limiter = createRateLimiter({ points: 100, duration: 60, store: createRedisStore(shared), name: unique('tick'), timeoutMs: 2000 });
    const checks = Array.from({ length: 150 }, () => limiter.consume('k'));
    const own = shared.set(unique('own'), 'v');
    expect(shared.stream.writableCorked).toBeGreaterThan(0); // one write for all, on the next tick
    const [results, ownReply] = await Promise.all([Promise.all(checks), own]);
    expect(ownReply).toBe('OK');
    expect(results.filter((r) => r.allowed)).toHaveLength(100);
    expect(results.every((r) => r.source === 'store')).toBe(true);
    expect(shared.stream.writableCorked).toBe(0);
    expect(await shared.ping()).toBe('PONG');
  });
});
