/**
 * One of several processes hammering one key, for the exactness test. Run with
 * `node --import tsx rate-limit-worker.ts '<targets json>'`; it connects to the Redis and Cluster
 * targets, prints `ready`, then answers each JSON command line on stdin:
 *
 *   { id, target: 'redis' | 'cluster', algorithm, key, points, duration, attempts }
 *   -> { id, allowed, denied, sources: { store: n, ... } }
 *
 * All attempts are started at once (concurrently). A generous time bound and `onStoreError: 'deny'`
 * make sure a store failure can only lower the count, never raise it.
 */

import { createInterface } from 'node:readline';
import { createRateLimiter, type RateLimitAlgorithm } from '../../../src/core/rate-limit/index.js';
import { createRedisClusterStore, createRedisStore, type SecurityStore } from '../../../src/core/store/index.js';

interface Targets {
  redis: string;
  cluster: Array<{ host: string; port: number }>;
}

interface Command {
  id: number;
  target: keyof Targets;
  algorithm: RateLimitAlgorithm;
  key: string;
  points: number;
  duration: number;
  attempts: number;
}

const targets = JSON.parse(process.argv[2] ?? '{}') as Targets;
const stores: Record<keyof Targets, SecurityStore & { ready(): Promise<void> }> = {
  redis: createRedisStore({ url: targets.redis, timeoutMs: 10_000 }),
  cluster: createRedisClusterStore({ nodes: targets.cluster, timeoutMs: 10_000 }),
};
await Promise.all(Object.values(stores).map((store) => store.ready()));

async function run(command: Command): Promise<unknown> {
  const limiter = createRateLimiter({
    store: stores[command.target],
    algorithm: command.algorithm,
    points: command.points,
    duration: command.duration,
    name: `exact-${command.algorithm}`,
    timeoutMs: 10_000,
    onStoreError: 'deny',
  });
  const results = await Promise.all(Array.from({ length: command.attempts }, () => limiter.consume(command.key)));
  const sources: Record<string, number> = {};
  for (const result of results) sources[result.source] = (sources[result.source] ?? 0) + 1;
  const allowed = results.filter((result) => result.allowed).length;
  return { id: command.id, allowed, denied: results.length - allowed, sources };
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  run(JSON.parse(line) as Command).then(
    (reply) => process.stdout.write(`${JSON.stringify(reply)}\n`),
    (error: unknown) => process.stdout.write(`${JSON.stringify({ error: String(error) })}\n`),
  );
});
lines.on('close', () => {
  void Promise.all(Object.values(stores).map((store) => store.close())).then(() => process.exit(0));
});
process.stdout.write('ready\n');
