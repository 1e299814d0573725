/**
 * Tokens and sessions, bulwark vs the nearest peers in one process.
 *
 * Memory (CPU time, interleaved, mitata): `verifyAccess` (signature, claims, and the denylist's
 * three lookups on the memory store) against raw jose `jwtVerify` with the same Ed25519 key and the
 * same checks minus the denylist; and one session load (`createSessionGuard().load()`: cookie,
 * hash, store read, expiry) against the issue's 500,000/s: the repeat request of a session, whose id
 * hash the guard remembers, and, for information, loads of ids not seen before.
 *
 * Redis (wall clock, local redis-server): `verifyAccess` one at a time against jose plus one raw
 * ioredis GET one at a time, so equal rates mean the denylist costs one round trip; and session
 * loads with 100 in flight against raw ioredis GETs with 100 in flight.
 */

import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { Redis } from 'ioredis';
import { jwtVerify, type JWK } from 'jose';
import type { SecurityRequest } from '../src/core/http/types.js';
import { createSessionGuard } from '../src/core/sessions/index.js';
import { createMemoryStore, createRedisStore, failFastRedisOptions, storeKey, type SecurityStore } from '../src/core/store/index.js';
import { createTokenManager } from '../src/core/tokens/index.js';
import { startRedis } from '../test/harness/redis.js';
import { measureInterleaved } from './support/measure.js';
import { median, printResult, ratioOf, type BenchResult, type BenchRow } from './support/report.js';

const ROUNDS = 5;
const REDIS_ROUNDS = 3;
const ISSUER = 'https://auth.example';
const AUDIENCE = 'https://api.example';
const SESSION_TARGET = 500_000;
const COLD_SESSIONS = 20_000;

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const jwk = { ...(privateKey.export({ format: 'jwk' }) as JWK), kid: 'bench' };

async function sessionRequest(store: SecurityStore) {
  const guard = createSessionGuard({ store });
  const login = await guard.load({ method: 'POST', url: 'https://app.example/login', headers: new Headers({ 'user-agent': 'bench' }), secure: true });
  await login.session.login('alice');
  const id = login.session.takeHeaders()[0]!.value.split(';')[0]!.split('=')[1]!;
  const request = {
    method: 'GET',
    url: 'https://app.example/account',
    headers: new Headers({ host: 'app.example', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', cookie: `theme=dark; __Host-sid=${id}; lang=en` }),
    secure: true,
  };
  if (!(await guard.load(request)).session.active) throw new Error('bench setup: the session did not load');
  return { guard, request };
}

/**
 * Requests for `count` sessions of different users, to be loaded in turn: with more of them than
 * the guard remembers live ids for (10,000), every load hashes its id as if seen for the first time.
 */
async function manySessionRequests(store: SecurityStore, count: number) {
  const guard = createSessionGuard({ store });
  const requests: SecurityRequest[] = [];
  for (let user = 0; user < count; user++) {
    const login = await guard.load({ method: 'POST', url: 'https://app.example/login', headers: new Headers({ 'user-agent': 'bench' }), secure: true });
    await login.session.login(`user${user}`);
    const id = login.session.takeHeaders()[0]!.value.split(';')[0]!.split('=')[1]!;
    requests.push({ method: 'GET', url: 'https://app.example/account', headers: new Headers({ host: 'app.example', cookie: `theme=dark; __Host-sid=${id}; lang=en` }), secure: true });
  }
  let next = 0;
  return () => guard.load(requests[next++ % count]!);
}

async function memoryRows(): Promise<BenchRow[]> {
  const manager = createTokenManager({ keys: [jwk], issuer: ISSUER, audience: AUDIENCE, store: createMemoryStore() });
  const { accessToken } = await manager.issue('alice', { role: 'user' });
  const joseOptions = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['EdDSA'], typ: 'at+jwt', requiredClaims: ['exp', 'iat', 'jti', 'sub', 'sid'] };
  if ((await jwtVerify(accessToken, publicKey, joseOptions)).payload.sub !== (await manager.verifyAccess(accessToken)).sub) throw new Error('bench setup: verifiers disagree');
  const { guard, request } = await sessionRequest(createMemoryStore());
  const loadFirstTime = await manySessionRequests(createMemoryStore(), COLD_SESSIONS);
  return measureInterleaved(
    [
      { id: 'jose.verify', label: 'jose jwtVerify (EdDSA, same key, iss/aud/typ checks)', run: () => jwtVerify(accessToken, publicKey, joseOptions) },
      { id: 'bulwark.verify.memory', label: 'bulwark verifyAccess (same checks + denylist on the memory store)', run: () => manager.verifyAccess(accessToken) },
      { id: 'bulwark.session.memory', label: 'bulwark session load (memory store; a session\'s repeat request)', run: () => guard.load(request) },
      {
        id: 'bulwark.session.memory.first',
        label: `bulwark session load (memory store; ${COLD_SESSIONS.toLocaleString('en-US')} sessions in turn, each id hashed as if seen first)`,
        run: loadFirstTime,
      },
    ],
    ROUNDS,
  );
}

/** Calls per second of wall-clock time: `total` calls, `inFlight` at a time. */
async function throughput(call: () => Promise<unknown>, total: number, inFlight: number): Promise<number> {
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < total) {
      started++;
      await call();
    }
  };
  const begin = performance.now();
  await Promise.all(Array.from({ length: inFlight }, lane));
  return (total / (performance.now() - begin)) * 1000;
}

async function redisRows(): Promise<{ rows: BenchRow[]; note?: string }> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return { rows: [], note: 'redis-server not installed: Redis rows skipped' };
  const server = await startRedis();
  const clients = Array.from({ length: 4 }, () => new Redis(server.url, failFastRedisOptions(1000)));
  try {
    const [tokenClient, rawClient, sessionClient, getClient] = clients as [Redis, Redis, Redis, Redis];
    const tokenStore = createRedisStore(tokenClient, { timeoutMs: 1000 });
    const sessionStore = createRedisStore(sessionClient, { timeoutMs: 1000 });
    await Promise.all([tokenStore.ready(), sessionStore.ready(), createRedisStore(rawClient).ready(), createRedisStore(getClient).ready()]);
    const manager = createTokenManager({ keys: [jwk], issuer: ISSUER, audience: AUDIENCE, store: tokenStore });
    const { accessToken } = await manager.issue('alice');
    const joseOptions = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['EdDSA'], typ: 'at+jwt' };
    const rawKey = `${tokenStore.prefix}${storeKey('bench', 'raw')}`;
    await rawClient.set(rawKey, '1');
    const { guard, request } = await sessionRequest(sessionStore);
    const cases = [
      { id: 'redis.verify', label: 'bulwark verifyAccess on Redis, one at a time', call: () => manager.verifyAccess(accessToken), total: 3000, inFlight: 1 },
      { id: 'redis.jose-get', label: 'jose jwtVerify + one raw ioredis GET, one at a time', call: async () => (await jwtVerify(accessToken, publicKey, joseOptions), await rawClient.get(rawKey)), total: 3000, inFlight: 1 },
      { id: 'redis.session', label: 'bulwark session load on Redis, 100 in flight', call: () => guard.load(request), total: 20_000, inFlight: 100 },
      { id: 'redis.get', label: 'raw ioredis GET, 100 in flight', call: () => getClient.get(rawKey), total: 20_000, inFlight: 100 },
    ];
    for (const item of cases) await throughput(item.call, Math.floor(item.total / 10), item.inFlight); // warm up
    const samples = new Map<string, number[]>(cases.map((item) => [item.id, []]));
    for (let round = 0; round < REDIS_ROUNDS; round++) {
      for (const item of round % 2 === 0 ? cases : [...cases].reverse()) samples.get(item.id)!.push(await throughput(item.call, item.total, item.inFlight));
    }
    return { rows: cases.map((item) => ({ id: item.id, label: item.label, value: median(samples.get(item.id)!), unit: 'ops/s', rounds: samples.get(item.id)!, note: 'wall clock' })) };
  } finally {
    for (const client of clients) client.disconnect();
    await server.stop();
  }
}

export async function runTokensBench(): Promise<BenchResult> {
  const started = performance.now();
  const rows = await memoryRows();
  const redis = await redisRows();
  rows.push(...redis.rows);
  const session = rows.find((row) => row.id === 'bulwark.session.memory')!;
  const ratios = [
    ratioOf(rows, 'verify.memory', 'ratio verifyAccess (memory denylist) / raw jose jwtVerify', 'bulwark.verify.memory', 'jose.verify', 0.85),
    { id: 'session.memory', label: `session load on memory / ${SESSION_TARGET.toLocaleString('en-US')} per s`, ratio: session.value / SESSION_TARGET, target: 1 },
  ];
  if (redis.rows.length > 0) {
    ratios.push(
      ratioOf(rows, 'verify.redis', 'ratio verifyAccess on Redis / (jose + one GET): 1.0 = one round trip', 'redis.verify', 'redis.jose-get'),
      ratioOf(rows, 'session.redis', 'ratio session load on Redis / raw GET, 100 in flight', 'redis.session', 'redis.get'),
    );
  }
  return {
    name: 'tokens',
    method:
      `Memory: CPU time of this process (mitata), ${ROUNDS} interleaved rounds, median of per-round mean ops/s; one Ed25519 access token, ` +
      `one session cookie in a browser-like Cookie header. Redis: wall-clock throughput on one local redis-server, ${REDIS_ROUNDS} interleaved rounds, ` +
      `median; verifyAccess against jose + one GET one call at a time (latency-bound: equal rates = one round trip), session loads against ` +
      `raw GETs with 100 in flight, each side on its own ioredis client.${redis.note ? ` ${redis.note}.` : ''}`,
    rows,
    ratios,
    durationMs: performance.now() - started,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) printResult(await runTokensBench());
