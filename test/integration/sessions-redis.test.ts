/**
 * bulwark/sessions on a real redis-server and a real Redis Cluster: the per-user cap under 20
 * concurrent logins from two processes, rotation racing across processes, fixation, and revocation.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecurityRequest } from '../../src/core/http/types.js';
import { createSessionGuard, type SessionGuard } from '../../src/core/sessions/index.js';
import { createRedisClusterStore, createRedisStore, type SecurityStore } from '../../src/core/store/index.js';
import { startRedis, startRedisCluster, type RedisClusterServer, type RedisServer } from '../harness/redis.js';
import { startAuthWorkers, type AuthWorkers } from './support/auth-race.js';

const ROTATE_MS = 1500;
const GRACE_MS = 1000;
let redis: RedisServer;
let cluster: RedisClusterServer;
let workers: AuthWorkers;
const stores: SecurityStore[] = [];
const guards: Record<'redis' | 'cluster', SessionGuard> = {} as never;

beforeAll(async () => {
  [redis, cluster] = await Promise.all([startRedis(), startRedisCluster()]);
  const redisStore = createRedisStore({ url: redis.url, timeoutMs: 5000 });
  const clusterStore = createRedisClusterStore({ nodes: cluster.nodes, timeoutMs: 5000 });
  stores.push(redisStore, clusterStore);
  await Promise.all([redisStore.ready(), clusterStore.ready()]);
  guards.redis = createSessionGuard({ store: redisStore, rotateEveryMs: ROTATE_MS, rotationGraceMs: GRACE_MS });
  guards.cluster = createSessionGuard({ store: clusterStore, rotateEveryMs: ROTATE_MS, rotationGraceMs: GRACE_MS });
  workers = await startAuthWorkers(2, {
    redis: redis.url,
    cluster: cluster.nodes,
    jwk: { kty: 'oct', k: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url'), kid: 'unused' },
    issuer: 'https://auth.example',
    audience: 'https://api.example',
    sessions: { maxPerUser: 3, rotateEveryMs: ROTATE_MS, rotationGraceMs: GRACE_MS },
  });
}, 180_000);

afterAll(async () => {
  workers?.stop();
  await Promise.all(stores.map((s) => s.close()));
  await Promise.all([redis?.stop(), cluster?.stop()]);
});

function request(id?: string): SecurityRequest {
  const headers = new Headers({ host: 'app.example', 'user-agent': 'test' });
  if (id !== undefined) headers.set('cookie', `__Host-sid=${id}`);
  return { method: 'GET', url: 'https://app.example/', headers, secure: true };
}

function idFrom(headers: Array<{ name: string; value: string }>): string | undefined {
  const value = headers.find((h) => h.name === 'Set-Cookie')?.value.split(';')[0]?.split('=')[1];
  return value === '' ? undefined : value;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(['redis', 'cluster'] as const)('%s', (target) => {
  it('20 concurrent logins of one user from 2 processes with cap 3: exactly 3 sessions remain', async () => {
    const user = `user-${target}-${Date.now()}`;
    const replies = await workers.all<{ ids: string[]; errors: Record<string, number> }>({ op: 'login', target, user, attempts: 10 });
    const ids = replies.flatMap((r) => r.ids);
    const live = await Promise.all(ids.map(async (id) => (await guards[target].load(request(id))).session.active));
    const listed = await guards[target].listSessions(user);
    console.log(
      `[sessions race] ${target}: 20 logins -> ${ids.length} completed, ${live.filter(Boolean).length} live, ${listed.length} listed; refusals: ${JSON.stringify(replies.map((r) => r.errors))}`,
    );
    expect(live.filter(Boolean)).toHaveLength(3);
    expect(listed).toHaveLength(3);
    expect(replies.flatMap((r) => Object.keys(r.errors)).every((code) => code === 'ERR_BULWARK_SESSION_LIMIT')).toBe(true);
  }, 60_000);

  it('rotation raced by two processes: one new id, both keep the session, the old id ends after the grace', async () => {
    const guard = guards[target];
    const { session } = await guard.load(request());
    await session.login(`rotating-${target}`);
    const old = idFrom(session.takeHeaders())!;
    await sleep(ROTATE_MS + 100);
    const replies = await workers.all<{ active: number; newIds: string[] }>({ op: 'load', target, id: old, attempts: 5 });
    const newIds = replies.flatMap((r) => r.newIds);
    expect(replies.map((r) => r.active)).toEqual([5, 5]);
    expect(newIds).toHaveLength(1);
    expect((await guard.load(request(newIds[0]))).session.active).toBe(true);
    expect((await guard.listSessions(`rotating-${target}`)).length).toBe(1);
    await sleep(GRACE_MS + 100);
    expect((await guard.load(request(old))).session.active).toBe(false);
    expect((await guard.load(request(newIds[0]))).session.active).toBe(true);
  }, 30_000);

  it('fixation: a planted id is never adopted; logout and revokeAllForUser end sessions in every process', async () => {
    const guard = guards[target];
    const planted = 'P'.repeat(43);
    const { session } = await guard.load(request(planted));
    await session.login('erin');
    const id = idFrom(session.takeHeaders().filter((h) => !h.value.startsWith('__Host-sid=;')))!;
    expect(id).not.toBe(planted);
    expect((await guard.load(request(planted))).session.active).toBe(false);
    const second = await guard.load(request());
    await second.session.login('erin');
    const secondId = idFrom(second.session.takeHeaders())!;
    const replies = await workers.all<{ active: number }>({ op: 'load', target, id, attempts: 1 });
    expect(replies.map((r) => r.active)).toEqual([1, 1]);
    expect(await guard.revokeAllForUser('erin', 'password_change')).toBe(2);
    const after = await workers.all<{ active: number }>({ op: 'load', target, id: secondId, attempts: 1 });
    expect(after.map((r) => r.active)).toEqual([0, 0]);
  }, 30_000);
});
