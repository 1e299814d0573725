/**
 * Rate limiting against its peers, each pair in one process.
 *
 * Memory (CPU time, mitata, interleaved rounds, in three forks: support/forks.ts): bulwark's `consume()` against rate-limiter-flexible's
 * RateLimiterMemory `consume()` (target >= 0.8x) and express-rate-limit's MemoryStore `increment()`
 * (target >= 1.0x). Every case counts a fixed window of 60 s over the same 1,000 rotating keys with a
 * budget that is never reached, so each call is an "allowed" call that takes a point.
 *
 * Redis (100 calls in flight, throughput per CPU-second of this process, wall clock noted): bulwark's
 * `consume()` on a Redis store against a raw RateLimiterRedis on the same server, each on its own
 * ioredis client with the same options (target >= 0.9x), both one round trip per check. A redis-server is started on a free loopback port;
 * without the redis-server binary these rows are skipped with a note.
 *
 * The pipeline row (protect() with one memory rate rule >= 85% of protect() without it) is in
 * bench/guards.bench.ts.
 */

import { spawnSync } from 'node:child_process';
import { MemoryStore } from 'express-rate-limit';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { createRateLimiter } from '../src/core/rate-limit/index.js';
import { createRedisStore, failFastRedisOptions } from '../src/core/store/index.js';
import { startRedis } from '../test/harness/redis.js';
import { measureInForks, runAsFork } from './support/forks.js';
import { cpuNow, measureInterleaved, type MicroCase } from './support/measure.js';
import { median, pairedRatioOf, printResult, ratioOf, type BenchResult, type BenchRow } from './support/report.js';

const KEYS = Array.from({ length: 1000 }, (_, i) => `198.51.100.${i % 250}/${i}`);
const HUGE = 1_000_000_000;
let turn = 0;
const nextKey = (): string => KEYS[turn++ % KEYS.length]!;

/** Pairs measured apart, so one peer's garbage (RateLimiterMemory allocates a timer per key) is not paid by the next case. */
function memoryGroups(): { groups: MicroCase[][]; close(): void } {
  const bulwarkFixed = createRateLimiter({ points: HUGE, duration: 60 });
  const bulwarkGcra = createRateLimiter({ points: HUGE, duration: 60, algorithm: 'gcra' });
  const rlf = new RateLimiterMemory({ points: HUGE, duration: 60 });
  const erl = new MemoryStore();
  erl.init({ windowMs: 60_000 } as Parameters<MemoryStore['init']>[0]);
  const bulwark = (id: string): MicroCase => ({ id, label: 'bulwark createRateLimiter (fixed window, memory) consume()', run: () => bulwarkFixed.consume(nextKey()) });
  return {
    groups: [
      [bulwark('memory.bulwark'), { id: 'memory.rlf', label: 'rate-limiter-flexible RateLimiterMemory consume()', run: () => rlf.consume(nextKey()) }],
      [bulwark('memory.bulwark-2'), { id: 'memory.erl', label: 'express-rate-limit MemoryStore increment()', run: () => erl.increment(nextKey()) }],
      [{ id: 'memory.bulwark-gcra', label: 'bulwark createRateLimiter (GCRA, memory) consume()', run: () => bulwarkGcra.consume(nextKey()) }],
    ],
    close: () => erl.shutdown(),
  };
}

/**
 * Runs `total` calls with `inFlight` at a time. Returns calls per second of this process's CPU time
 * (the client side is what differs between the cases; the server is the same) and of wall-clock time.
 */
async function throughput(call: (key: string) => Promise<unknown>, total: number, inFlight: number): Promise<{ cpu: number; wall: number }> {
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < total) {
      started++;
      await call(nextKey());
    }
  };
  const begin = performance.now();
  const cpuBegin = cpuNow();
  await Promise.all(Array.from({ length: inFlight }, lane));
  return { cpu: (total / (cpuNow() - cpuBegin)) * 1e9, wall: (total / (performance.now() - begin)) * 1000 };
}

interface RedisCase {
  id: string;
  label: string;
  call: (key: string) => Promise<unknown>;
}

async function redisRows(rounds: number): Promise<{ rows: BenchRow[]; pairs: Map<string, number[]>; note?: string }> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return { rows: [], pairs: new Map(), note: 'redis-server not installed: Redis rows skipped' };
  const server = await startRedis();
  const clients = Array.from({ length: 3 }, () => new Redis(server.url, failFastRedisOptions(1000)));
  try {
    await Promise.all(clients.map((client) => createRedisStore(client).ready()));
    const [a, b, c] = clients as [Redis, Redis, Redis];
    const bulwarkFixed = createRateLimiter({ points: HUGE, duration: 60, store: createRedisStore(a), timeoutMs: 1000, name: 'bench-fw' });
    const bulwarkGcra = createRateLimiter({ points: HUGE, duration: 60, store: createRedisStore(c), timeoutMs: 1000, algorithm: 'gcra', name: 'bench-gcra' });
    const rlf = new RateLimiterRedis({ storeClient: b, points: HUGE, duration: 60, keyPrefix: 'bench-rlf' });
    const cases: RedisCase[] = [
      { id: 'redis.bulwark', label: 'bulwark consume() on Redis (fixed window), 100 in flight', call: (key) => bulwarkFixed.consume(key) },
      { id: 'redis.rlf', label: 'rate-limiter-flexible RateLimiterRedis consume(), 100 in flight', call: (key) => rlf.consume(key) },
      { id: 'redis.bulwark-gcra', label: 'bulwark consume() on Redis (GCRA script), 100 in flight', call: (key) => bulwarkGcra.consume(key) },
    ];
    for (const item of cases) {
      const check = (await item.call('bench-check')) as { allowed?: boolean; source?: string } | undefined;
      if (check?.allowed === false || (check?.source !== undefined && check.source !== 'store')) throw new Error(`bench setup: ${item.id} did not count on Redis`);
      await throughput(item.call, 2000, 100); // warm up
    }
    const cpu = new Map<string, number[]>(cases.map((item) => [item.id, []]));
    const wall = new Map<string, number[]>(cases.map((item) => [item.id, []]));
    for (let round = 0; round < rounds; round++) {
      for (const item of round % 2 === 0 ? cases : [...cases].reverse()) {
        const measured = await throughput(item.call, 20_000, 100);
        cpu.get(item.id)!.push(measured.cpu);
        wall.get(item.id)!.push(measured.wall);
      }
    }
    // Load on a shared machine drifts between rounds; a ratio within one round (adjacent runs) drifts less.
    const perRound = (over: string) => cpu.get(over)!.map((value, i) => value / cpu.get('redis.rlf')![i]!);
    return {
      pairs: new Map([['redis.bulwark', perRound('redis.bulwark')], ['redis.bulwark-gcra', perRound('redis.bulwark-gcra')]]),
      rows: cases.map((item) => ({
        id: item.id,
        label: item.label,
        value: median(cpu.get(item.id)!),
        unit: 'ops/s',
        rounds: cpu.get(item.id)!,
        note: `per CPU-second; wall clock median ${Math.round(median(wall.get(item.id)!)).toLocaleString('en-US')} ops/s`,
      })),
    };
  } finally {
    for (const client of clients) client.disconnect();
    await server.stop();
  }
}

/** The memory rows of one process (a fork: see support/forks.ts). */
async function measureMemory(rounds: number): Promise<BenchRow[]> {
  const memory = memoryGroups();
  const rows: BenchRow[] = [];
  try {
    for (const group of memory.groups) rows.push(...(await measureInterleaved(group, rounds)));
  } finally {
    memory.close();
  }
  return rows;
}

const MEMORY_FORKS = 3;
const MEMORY_ROUNDS_PER_FORK = 7;

export async function runRateLimitBench(): Promise<BenchResult> {
  const started = performance.now();
  const rows = measureInForks(import.meta.url, MEMORY_FORKS);
  const redis = await redisRows(11);
  rows.push(...redis.rows);
  const ratios = [
    pairedRatioOf(rows, 'memory-rlf', 'ratio bulwark / RateLimiterMemory, memory consume() (median of per-round ratios)', 'memory.bulwark', 'memory.rlf', 0.8),
    pairedRatioOf(rows, 'memory-erl', 'ratio bulwark / express-rate-limit MemoryStore (median of per-round ratios)', 'memory.bulwark-2', 'memory.erl', 1.0),
    ratioOf(rows, 'memory-gcra', 'ratio bulwark GCRA / RateLimiterMemory (informational)', 'memory.bulwark-gcra', 'memory.rlf'),
  ];
  if (redis.rows.length > 0) {
    const paired = (id: string) => median(redis.pairs.get(id)!);
    ratios.push({ id: 'redis-rlf', label: 'ratio bulwark / RateLimiterRedis, Redis, 100 in flight (median of per-round ratios)', ratio: paired('redis.bulwark'), target: 0.9 });
    ratios.push({ id: 'redis-gcra', label: 'ratio bulwark GCRA script / RateLimiterRedis (informational, median of per-round ratios)', ratio: paired('redis.bulwark-gcra') });
  }
  return {
    name: 'rate-limit',
    method:
      `memory: mitata timed by process CPU time; bulwark and each peer measured as a pair, interleaved, ${MEMORY_ROUNDS_PER_FORK} rounds in each of ${MEMORY_FORKS} child processes, rounds pooled: median of mean ops/s, ratios as the median of per-round ratios; 1,000 rotating keys, a 60 s fixed window never exhausted. ` +
      'Redis: 20,000 calls with 100 in flight per round, 11 interleaved rounds, median calls per CPU-second of this process (the server is shared, the client side is what differs; wall clock in the note), ratios as the median of per-round ratios; ' +
      `each limiter on its own ioredis client to one local redis-server.${redis.note ? ` ${redis.note}.` : ''}`,
    rows,
    ratios,
    durationMs: performance.now() - started,
  };
}

if (import.meta.url === `file://${process.argv[1]}` && !(await runAsFork(() => measureMemory(MEMORY_ROUNDS_PER_FORK)))) printResult(await runRateLimitBench());
