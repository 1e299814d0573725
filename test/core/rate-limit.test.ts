/** createRateLimiter on memory: each algorithm's semantics, window edges with an injected clock, options. */

import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidInputError } from '../../src/core/errors.js';
import { createRateLimiter, type RateLimitAlgorithm, type RateLimitResult } from '../../src/core/rate-limit/index.js';
import { createMemoryStore } from '../../src/core/store/index.js';

const ALGORITHMS: RateLimitAlgorithm[] = ['fixed-window', 'sliding-window', 'token-bucket', 'gcra'];
/** A window boundary for every duration used below (a multiple of 3,600,000 ms). */
const EPOCH = 1_699_999_200_000;

function clock(start = EPOCH) {
  const state = { now: start };
  return { state, now: () => state.now, advance: (ms: number) => void (state.now += ms) };
}

async function consumeMany(limiter: { consume(key: string, cost?: number): Promise<RateLimitResult> }, key: string, count: number): Promise<RateLimitResult[]> {
  const results: RateLimitResult[] = [];
  for (let i = 0; i < count; i++) results.push(await limiter.consume(key));
  return results;
}

describe('every algorithm', () => {
  it.each(ALGORITHMS)('%s: allows exactly `points` at once, then denies with a wait', async (algorithm) => {
    const time = clock();
    const limiter = createRateLimiter({ points: 5, duration: 60, algorithm, now: time.now });
    const results = await consumeMany(limiter, 'client', 8);
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, true, false, false, false]);
    expect(results.slice(0, 5).map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0]);
    for (const denied of results.slice(5)) {
      expect(denied).toMatchObject({ allowed: false, remaining: 0, limit: 5, source: 'store', failedOpen: false, blocked: false });
      expect(denied.retryAfterMs).toBeGreaterThan(0);
      // A sliding window may wait into the next window, while the old one fades.
      expect(denied.retryAfterMs).toBeLessThanOrEqual(algorithm === 'sliding-window' ? 120_000 : 60_000);
    }
  });

  it.each(ALGORITHMS)('%s: keys are counted apart', async (algorithm) => {
    const limiter = createRateLimiter({ points: 2, duration: 60, algorithm, now: clock().now });
    await consumeMany(limiter, 'a', 2);
    expect((await limiter.consume('a')).allowed).toBe(false);
    expect((await limiter.consume('b')).allowed).toBe(true);
  });

  it.each(ALGORITHMS)('%s: after retryAfterMs a denied call succeeds', async (algorithm) => {
    const time = clock(EPOCH + 12_345);
    const limiter = createRateLimiter({ points: 3, duration: 10, algorithm, now: time.now });
    await consumeMany(limiter, 'k', 3);
    const denied = await limiter.consume('k');
    expect(denied.allowed).toBe(false);
    time.advance(denied.retryAfterMs);
    expect((await limiter.consume('k')).allowed).toBe(true);
  });

  it.each(ALGORITHMS)('%s: cost takes several points and is validated', async (algorithm) => {
    const limiter = createRateLimiter({ points: 10, duration: 60, algorithm, now: clock().now });
    expect(await limiter.consume('k', 7)).toMatchObject({ allowed: true, remaining: 3 });
    expect((await limiter.consume('k', 4)).allowed).toBe(false);
    expect((await limiter.consume('other', 10)).allowed).toBe(true);
    for (const cost of [0, -1, 1.5, 11, Number.NaN]) await expect(limiter.consume('k', cost)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(limiter.consume('')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(limiter.consume('x'.repeat(1025))).rejects.toBeInstanceOf(InvalidInputError);
  });

  it.each(ALGORITHMS)('%s: blockDuration refuses the key for the block after a denial', async (algorithm) => {
    const time = clock();
    const limiter = createRateLimiter({ points: 2, duration: 1, algorithm, blockDuration: 30, now: time.now });
    await consumeMany(limiter, 'k', 2);
    const denied = await limiter.consume('k');
    expect(denied).toMatchObject({ allowed: false, blocked: true, retryAfterMs: 30_000 });
    time.advance(5000); // the 1 s budget is long back, the block is not
    expect(await limiter.consume('k')).toMatchObject({ allowed: false, blocked: true });
    time.advance(25_000);
    expect((await limiter.consume('k')).allowed).toBe(true);
  });

  it.each(ALGORITHMS)('%s: reset forgets the key', async (algorithm) => {
    const limiter = createRateLimiter({ points: 1, duration: 60, algorithm, now: clock().now });
    await limiter.consume('k');
    expect((await limiter.consume('k')).allowed).toBe(false);
    await limiter.reset('k');
    expect((await limiter.consume('k')).allowed).toBe(true);
  });
});

describe('fixed window (rate-limiter-flexible semantics)', () => {
  it('starts at the first call and resets exactly when the window ends', async () => {
    const time = clock(EPOCH + 777);
    const limiter = createRateLimiter({ points: 2, duration: 10, now: time.now });
    const first = await limiter.consume('k');
    expect(first.resetAt).toBe(EPOCH + 777 + 10_000);
    await limiter.consume('k');
    time.advance(9_999);
    expect(await limiter.consume('k')).toMatchObject({ allowed: false, retryAfterMs: 1 });
    time.advance(1);
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, remaining: 1, resetAt: EPOCH + 777 + 20_000 });
  });

  it('lets 2x points through around a window edge (why the other algorithms exist)', async () => {
    const time = clock();
    const limiter = createRateLimiter({ points: 10, duration: 60, now: time.now });
    await limiter.consume('k');
    time.advance(59_000);
    const late = await consumeMany(limiter, 'k', 9);
    time.advance(1_000);
    const early = await consumeMany(limiter, 'k', 10);
    expect([...late, ...early].filter((r) => r.allowed)).toHaveLength(19);
  });
});

describe('sliding window', () => {
  it('weighs the previous window by how much of it still overlaps', async () => {
    const time = clock(); // EPOCH is a window start
    const limiter = createRateLimiter({ points: 10, duration: 60, algorithm: 'sliding-window', now: time.now });
    await consumeMany(limiter, 'k', 10);
    time.advance(60_000 + 15_000); // a quarter into the next window: 75% of 10 = 7.5 still count
    const results = await consumeMany(limiter, 'k', 3);
    expect(results.map((r) => r.allowed)).toEqual([true, true, false]);
    // 7.5 + 2 used: one more fits once the old share drops to 7, at 30 % into the window (18 s).
    expect(results[2]!.retryAfterMs).toBe(3_000);
    time.advance(3_000);
    expect((await limiter.consume('k')).allowed).toBe(true);
  });

  it('forgets a window that is more than one window ago', async () => {
    const time = clock();
    const limiter = createRateLimiter({ points: 3, duration: 10, algorithm: 'sliding-window', now: time.now });
    await consumeMany(limiter, 'k', 3);
    time.advance(20_000);
    expect((await consumeMany(limiter, 'k', 3)).every((r) => r.allowed)).toBe(true);
  });

  it('does not allow 2x points around a window edge', async () => {
    const time = clock();
    const limiter = createRateLimiter({ points: 10, duration: 60, algorithm: 'sliding-window', now: time.now });
    time.advance(59_000);
    const late = await consumeMany(limiter, 'k', 10);
    time.advance(1_000);
    const early = await consumeMany(limiter, 'k', 10);
    expect(late.filter((r) => r.allowed)).toHaveLength(10);
    expect(early.filter((r) => r.allowed)).toHaveLength(0);
  });
});

describe('token bucket and GCRA', () => {
  it.each(['token-bucket', 'gcra'] as const)('%s: refills one point per duration/points', async (algorithm) => {
    const time = clock();
    const limiter = createRateLimiter({ points: 4, duration: 8, algorithm, now: time.now });
    await consumeMany(limiter, 'k', 4);
    const denied = await limiter.consume('k');
    expect(denied.retryAfterMs).toBe(2_000);
    time.advance(1_999);
    expect((await limiter.consume('k')).allowed).toBe(false);
    time.advance(1);
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, remaining: 0 });
    time.advance(8_000);
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, remaining: 3, resetAt: time.state.now + 2_000 });
  });

  it('GCRA gives an exact Retry-After for uneven intervals', async () => {
    const time = clock(EPOCH + 1);
    const limiter = createRateLimiter({ points: 7, duration: 60, algorithm: 'gcra', now: time.now });
    await consumeMany(limiter, 'k', 7);
    const denied = await limiter.consume('k');
    expect(denied.retryAfterMs).toBe(Math.ceil(60_000 / 7)); // 8571.43 ms -> 8572
    time.advance(denied.retryAfterMs - 1);
    expect((await limiter.consume('k')).allowed).toBe(false);
    time.advance(1);
    expect((await limiter.consume('k')).allowed).toBe(true);
  });
});

describe('clock boundaries', () => {
  it.each(ALGORITHMS)('%s: a clock that steps back does not grant extra points', async (algorithm) => {
    const time = clock(EPOCH + 30_000);
    const limiter = createRateLimiter({ points: 3, duration: 60, algorithm, now: time.now });
    await consumeMany(limiter, 'k', 3);
    time.advance(-5_000);
    expect((await limiter.consume('k')).allowed).toBe(false);
  });

  it.each(ALGORITHMS)('%s: fractional clock values are floored to whole milliseconds', async (algorithm) => {
    const time = clock(EPOCH + 0.75);
    const limiter = createRateLimiter({ points: 1, duration: 1, algorithm, now: time.now });
    // A sliding window is whole again only when the next window has passed too.
    expect((await limiter.consume('k')).resetAt).toBe(EPOCH + (algorithm === 'sliding-window' ? 2000 : 1000));
  });
});

describe('memory', () => {
  it('is bounded by maxKeys: the oldest key is dropped first', async () => {
    const limiter = createRateLimiter({ points: 1, duration: 60, maxKeys: 3, now: clock().now });
    for (const key of ['a', 'b', 'c']) await limiter.consume(key);
    await limiter.consume('d'); // evicts 'a'
    expect((await limiter.consume('a')).allowed).toBe(true);
    expect((await limiter.consume('d')).allowed).toBe(false);
  });

  it('limits with the same name on one memory store share counts, as they do on Redis', async () => {
    const store = createMemoryStore();
    const time = clock();
    const one = createRateLimiter({ points: 2, duration: 60, store, name: 'login', now: time.now });
    const two = createRateLimiter({ points: 2, duration: 60, store, name: 'login', now: time.now });
    const other = createRateLimiter({ points: 2, duration: 60, store, name: 'search', now: time.now });
    await one.consume('k');
    await two.consume('k');
    expect((await one.consume('k')).allowed).toBe(false);
    expect((await other.consume('k')).allowed).toBe(true);
    await store.close();
  });
});

describe('options', () => {
  const bad = (options: unknown): (() => unknown) => () => createRateLimiter(options as never);

  it('reports mistakes with what to write instead', () => {
    expect(bad({ points: 10, duration: 60, algoritm: 'gcra' })).toThrow(/unknown option "algoritm"; did you mean "algorithm"/);
    expect(bad({ points: 10, duration: 60, algorithm: 'gcrа' })).toThrow(ConfigurationError);
    expect(bad({ points: 10, duration: 60, algorithm: 'token_bucket' })).toThrow(/did you mean "token-bucket"/);
    expect(bad({ duration: 60 })).toThrow(/points: required/);
    expect(bad({ points: 10 })).toThrow(/duration: required/);
    expect(bad({ points: 0, duration: 60 })).toThrow(/points: expected an integer/);
    expect(bad({ points: 10, duration: -1 })).toThrow(/seconds/);
    expect(bad({ points: 10, duration: 0.0005 })).toThrow(/millisecond/);
    expect(bad({ points: 10, duration: 1.5 })).toThrow(/whole seconds.*gcra/);
    expect(bad({ points: 10, duration: 60, name: 'has space' })).toThrow(/name/);
    expect(bad({ points: 10, duration: 60, onStoreError: 'fail-open' })).toThrow(ConfigurationError);
    expect(bad({ points: 10, duration: 60, timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(bad({ points: 10, duration: 60, store: { kind: 'custom' } })).toThrow(/memory, Redis or Redis Cluster/);
    expect(bad('60/min')).toThrow(ConfigurationError);
  });

  it('accepts seconds with millisecond fractions for the smooth algorithms', () => {
    const limiter = createRateLimiter({ points: 2, duration: 0.5, algorithm: 'gcra' });
    expect([limiter.name, limiter.duration, limiter.algorithm]).toEqual(['2-per-0.5s', 0.5, 'gcra']);
    expect(createRateLimiter({ points: 60, duration: 60 }).algorithm).toBe('fixed-window');
  });
});
