/**
 * One of two processes racing on one Redis (or Cluster) for the token and session race tests. Run
 * with `node --import tsx auth-race-worker.ts '<setup json>'`; it connects, prints `ready`, then
 * answers each JSON command line on stdin with one JSON line:
 *
 *   { op: 'refresh', target, token, attempts }     -> { pairs: [{ accessToken, refreshToken }], errors: { code: n } }
 *   { op: 'login', target, user, attempts }        -> { ids: [...], errors: { code: n } }
 *   { op: 'load', target, id, attempts }           -> { active: n, newIds: [...], errors: { code: n } }
 *
 * All attempts of one command start at once. The token manager uses an ioredis client handed to
 * `createRedisStore(client)`, as the acceptance check does.
 */

import { createInterface } from 'node:readline';
import { Cluster, Redis } from 'ioredis';
import { createSessionGuard, type SessionGuard } from '../../../src/core/sessions/index.js';
import { createRedisClusterStore, createRedisStore, type SecurityStore } from '../../../src/core/store/index.js';
import { createTokenManager, type TokenManager } from '../../../src/core/tokens/index.js';

interface Setup {
  redis: string;
  cluster: Array<{ host: string; port: number }>;
  jwk: Record<string, unknown>;
  issuer: string;
  audience: string;
  sessions: { maxPerUser: number; rotateEveryMs: number; rotationGraceMs?: number };
}

type Target = 'redis' | 'cluster';
interface Command {
  op: 'refresh' | 'login' | 'load';
  target: Target;
  token?: string;
  user?: string;
  id?: string;
  attempts: number;
}

const setup = JSON.parse(process.argv[2] ?? '{}') as Setup;
const redisClient = new Redis(setup.redis, { maxRetriesPerRequest: 1 });
const clusterClient = new Cluster(setup.cluster, { redisOptions: { maxRetriesPerRequest: 1 } });
const stores: Record<Target, SecurityStore & { ready(): Promise<void> }> = {
  redis: createRedisStore(redisClient, { timeoutMs: 10_000 }),
  cluster: createRedisClusterStore(clusterClient, { timeoutMs: 10_000 }),
};
await Promise.all(Object.values(stores).map((store) => store.ready()));

const managers = {} as Record<Target, TokenManager>;
const guards = {} as Record<Target, SessionGuard>;
for (const target of ['redis', 'cluster'] as const) {
  managers[target] = createTokenManager({ keys: [setup.jwk], issuer: setup.issuer, audience: setup.audience, store: stores[target] });
  guards[target] = createSessionGuard({ store: stores[target], ...setup.sessions });
}

function request(cookie?: string) {
  const headers = new Headers({ host: 'app.example', 'user-agent': `worker ${process.pid}` });
  if (cookie !== undefined) headers.set('cookie', `__Host-sid=${cookie}`);
  return { method: 'GET', url: 'https://app.example/', headers, secure: true };
}

function idFrom(headers: Array<{ name: string; value: string }>): string | undefined {
  const line = headers.find((h) => h.name === 'Set-Cookie')?.value;
  const value = line?.split(';')[0]?.split('=')[1];
  return value === undefined || value === '' ? undefined : value;
}

function count(errors: Record<string, number>, error: unknown): void {
  const code = (error as { code?: string }).code ?? String(error);
  errors[code] = (errors[code] ?? 0) + 1;
}

async function run(command: Command): Promise<unknown> {
  const errors: Record<string, number> = {};
  const attempts = Array.from({ length: command.attempts });
  if (command.op === 'refresh') {
    const settled = await Promise.allSettled(attempts.map(() => managers[command.target].refresh(command.token!)));
    settled.forEach((r) => r.status === 'rejected' && count(errors, r.reason));
    const pairs = settled.flatMap((r) => (r.status === 'fulfilled' ? [{ accessToken: r.value.accessToken, refreshToken: r.value.refreshToken }] : []));
    return { pairs, errors };
  }
  if (command.op === 'login') {
    const settled = await Promise.allSettled(
      attempts.map(async () => {
        const { session } = await guards[command.target].load(request());
        await session.login(command.user!);
        return idFrom(session.takeHeaders());
      }),
    );
    settled.forEach((r) => r.status === 'rejected' && count(errors, r.reason));
    return { ids: settled.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : [])), errors };
  }
  const results = await Promise.all(attempts.map(() => guards[command.target].load(request(command.id))));
  const newIds = results.flatMap((r) => idFrom(r.session.takeHeaders()) ?? []);
  return { active: results.filter((r) => r.session.active).length, newIds, errors };
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  run(JSON.parse(line) as Command).then(
    (reply) => process.stdout.write(`${JSON.stringify(reply)}\n`),
    (error: unknown) => process.stdout.write(`${JSON.stringify({ failed: String(error) })}\n`),
  );
});
lines.on('close', () => {
  void Promise.all(Object.values(stores).map((store) => store.close())).finally(() => {
    redisClient.disconnect();
    clusterClient.disconnect();
  });
});
process.stdout.write('ready\n');
