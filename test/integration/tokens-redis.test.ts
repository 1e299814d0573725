/**
 * bulwark/tokens on a real redis-server and a real Redis Cluster: the acceptance races (one refresh
 * token presented 50 times at once from two processes), revocation across clients, and the attacks.
 */

import { generateKeyPairSync } from 'node:crypto';
import { Redis } from 'ioredis';
import { base64url, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClusterStore, createRedisStore, type SecurityStore } from '../../src/core/store/index.js';
import { createTokenManager, TokenError, type TokenManager, type TokenPair } from '../../src/core/tokens/index.js';
import { startRedis, startRedisCluster, type RedisClusterServer, type RedisServer } from '../harness/redis.js';
import { startAuthWorkers, type AuthWorkers } from './support/auth-race.js';

const ISSUER = 'https://auth.example';
const AUDIENCE = 'https://api.example';
const { privateKey } = generateKeyPairSync('ed25519');
const privateJwk = { ...(privateKey.export({ format: 'jwk' }) as JWK), kid: 'ed-2026' };

let redis: RedisServer;
let cluster: RedisClusterServer;
let workers: AuthWorkers;
const clients: Redis[] = [];
const stores: SecurityStore[] = [];
const managers: Record<'redis' | 'cluster', TokenManager> = {} as never;

beforeAll(async () => {
  [redis, cluster] = await Promise.all([startRedis(), startRedisCluster()]);
  const client = new Redis(redis.url);
  clients.push(client);
  const redisStore = createRedisStore(client);
  const clusterStore = createRedisClusterStore({ nodes: cluster.nodes, timeoutMs: 5000 });
  stores.push(redisStore, clusterStore);
  await clusterStore.ready();
  managers.redis = createTokenManager({ keys: [privateJwk], issuer: ISSUER, audience: AUDIENCE, store: redisStore });
  managers.cluster = createTokenManager({ keys: [privateJwk], issuer: ISSUER, audience: AUDIENCE, store: clusterStore });
  workers = await startAuthWorkers(2, {
    redis: redis.url,
    cluster: cluster.nodes,
    jwk: privateJwk,
    issuer: ISSUER,
    audience: AUDIENCE,
    sessions: { maxPerUser: 3, rotateEveryMs: 60_000 },
  });
}, 180_000);

afterAll(async () => {
  workers?.stop();
  await Promise.all(stores.map((s) => s.close()));
  for (const client of clients) client.disconnect();
  await Promise.all([redis?.stop(), cluster?.stop()]);
});

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenError);
  return (error as TokenError).code;
}

describe.each(['redis', 'cluster'] as const)('%s', (target) => {
  it('one refresh token presented 50 times at once from two processes: exactly one new pair, then its family is revoked', async () => {
    const manager = managers[target];
    const issued = await manager.issue('alice', { role: 'user' });
    const replies = await workers.all<{ pairs: Array<Pick<TokenPair, 'accessToken' | 'refreshToken'>>; errors: Record<string, number> }>({
      op: 'refresh',
      target,
      token: issued.refreshToken,
      attempts: 25,
    });
    const pairs = replies.flatMap((r) => r.pairs);
    const errors = replies.flatMap((r) => Object.entries(r.errors));
    console.log(`[tokens race] ${target}: ${pairs.length} pair(s) from 50 concurrent refreshes in 2 processes; refusals: ${JSON.stringify(replies.map((r) => r.errors))}`);
    expect(pairs).toHaveLength(1);
    expect(errors.every(([code]) => code === 'ERR_BULWARK_TOKEN_REUSED' || code === 'ERR_BULWARK_TOKEN_REVOKED')).toBe(true);
    expect(errors.reduce((sum, [, n]) => sum + n, 0)).toBe(49);
    expect(await failure(manager.refresh(pairs[0]!.refreshToken))).toBe('ERR_BULWARK_TOKEN_REVOKED');
    expect(await failure(manager.verifyAccess(pairs[0]!.accessToken))).toBe('ERR_BULWARK_TOKEN_REVOKED');
  }, 60_000);

  it('a revoked access token fails everywhere; alg none and another key fail', async () => {
    const manager = managers[target];
    const other = createTokenManager({ keys: [privateJwk], issuer: ISSUER, audience: AUDIENCE, store: stores[target === 'redis' ? 0 : 1]! });
    const pair = await manager.issue('bob');
    expect((await other.verifyAccess(pair.accessToken)).sub).toBe('bob');
    await manager.revoke(pair.accessToken);
    expect(await failure(other.verifyAccess(pair.accessToken))).toBe('ERR_BULWARK_TOKEN_REVOKED');

    const [, payload] = pair.accessToken.split('.');
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }))}.${payload}.`;
    expect(await failure(manager.verifyAccess(none))).toBe('ERR_BULWARK_TOKEN_INVALID');
    const stranger = { ...(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as JWK), kid: 'ed-2026' };
    const forged = await createTokenManager({ keys: [stranger], issuer: ISSUER, audience: AUDIENCE }).issue('bob');
    expect(await failure(manager.verifyAccess(forged.accessToken))).toBe('ERR_BULWARK_TOKEN_INVALID');
  });

  it('revokeAllForSubject reaches every process: earlier tokens fail, a new login works', async () => {
    const manager = managers[target];
    const before = await manager.issue('carol');
    await manager.revokeAllForSubject('carol');
    const after = await manager.issue('carol');
    expect(await failure(manager.verifyAccess(before.accessToken))).toBe('ERR_BULWARK_TOKEN_REVOKED');
    const replies = await workers.all<{ pairs: unknown[]; errors: Record<string, number> }>({ op: 'refresh', target, token: before.refreshToken, attempts: 1 });
    expect(replies.flatMap((r) => Object.keys(r.errors))).toEqual(['ERR_BULWARK_TOKEN_REVOKED', 'ERR_BULWARK_TOKEN_REVOKED']);
    expect((await manager.verifyAccess(after.accessToken)).sub).toBe('carol');
  });
});

it('verifyAccess puts its store reads on the wire together: one round trip', async () => {
  const client = new Redis(redis.url);
  clients.push(client);
  let outstanding = 0;
  let mostInFlight = 0;
  let answeredBeforeLastSent = false;
  let answered = 0;
  const call = client.call.bind(client) as (command: string, args: unknown[]) => Promise<unknown>;
  (client as unknown as { call: typeof call }).call = (command, args) => {
    outstanding++;
    mostInFlight = Math.max(mostInFlight, outstanding);
    if (answered > 0) answeredBeforeLastSent = true;
    return call(command, args).finally(() => {
      outstanding--;
      answered++;
    });
  };
  const store = createRedisStore(client);
  stores.push(store);
  const manager = createTokenManager({ keys: [privateJwk], issuer: ISSUER, audience: AUDIENCE, store });
  const { accessToken } = await manager.issue('dave');
  await store.ready();
  answered = 0;
  mostInFlight = 0;
  await manager.verifyAccess(accessToken);
  expect(answered).toBe(3); // the token's jti, its family, its subject
  expect(mostInFlight).toBe(3);
  expect(answeredBeforeLastSent).toBe(false);
});
