/**
 * Lockout counting and MFA single use on a real redis-server, from two processes at once:
 * - every failure is counted exactly once (the counts handed out are exactly 1..N across both
 *   processes) and exactly one process creates each lock and emits `authn_login_lock`;
 * - a backup code, or a TOTP time step, is accepted exactly once however many concurrent uses race.
 */

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLockout } from '../../src/core/lockout/index.js';
import { createBackupCodes, generateTotp, generateTotpSecret } from '../../src/core/mfa/index.js';
import { createRedisStore, storeKey } from '../../src/core/store/index.js';
import { startRedis, type RedisServer } from '../harness/redis.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOCKOUT = new URL('../../src/core/lockout/index.ts', import.meta.url).href;
const STORE = new URL('../../src/core/store/index.ts', import.meta.url).href;
const MFA = new URL('../../src/core/mfa/index.ts', import.meta.url).href;

/**
 * The worker: connects, says "ready", waits for "go" on stdin, then runs its job with all
 * operations at once and prints what it saw as one JSON line.
 */
const WORKER = `
const { createLockout } = await import(${JSON.stringify(LOCKOUT)});
const { createRedisStore } = await import(${JSON.stringify(STORE)});
const { createBackupCodes, createTotpVerifier } = await import(${JSON.stringify(MFA)});
const job = JSON.parse(process.env.REDIS_JOB);
const store = createRedisStore({ url: job.url, timeoutMs: 10000 });
await store.ready();
const events = [];
const onEvent = (e) => events.push(e);
const lockout = createLockout({ store, onEvent, pair: { maxFailures: 5 }, ip: { maxFailures: 8 } });
const backup = createBackupCodes({ store, pepper: job.pepper, lockout: false });
const totp = createTotpVerifier({ store, lockout: false });
/** Runs fn over items with at most inFlight at a time (all at once by default), keeping the results in order. */
async function pool(items, fn, inFlight = items.length) {
  const results = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, items.length) }, lane));
  return results;
}
process.stdout.write('ready\\n');
// "go <time>": both processes start at the same wall-clock time.
const go = String(await new Promise((resolve) => process.stdin.once('data', resolve)));
const startAt = Number(go.split(' ')[1]);
while (Date.now() < startAt) await new Promise((resolve) => setTimeout(resolve, 1));
let report;
if (job.kind === 'lockout') {
  const attempts = Array.from({ length: job.perProcess }, () => ({ account: job.account, ip: job.ip }));
  const results = await pool(attempts, (attempt) => lockout.recordFailure(attempt), job.inFlight);
  report = {
    failures: results.map((r) => r.failures),
    storeErrors: results.filter((r) => r.storeError).length,
    locks: events.filter((e) => e.type === 'authn_login_lock').map((e) => e.details.scope),
    fails: events.filter((e) => e.type === 'authn_login_fail').length,
  };
} else if (job.kind === 'backup') {
  const codes = job.reverse ? [...job.codes].reverse() : job.codes;
  const results = await pool(codes, (code) => backup.consume(job.user, code), job.inFlight);
  report = { accepted: codes.filter((_, i) => results[i].valid), storeErrors: results.filter((r) => r.reason === 'store_unavailable').length };
} else {
  const results = await Promise.all(Array.from({ length: job.perProcess }, () => totp.verify(job.user, job.code, job.secret, { timestamp: job.timestamp })));
  report = { accepted: results.filter((r) => r.valid).map(() => job.code), storeErrors: results.filter((r) => r.reason === 'store_unavailable').length };
}
console.log(JSON.stringify(report));
await store.close();
process.exit(0);
`;

interface WorkerReport {
  storeErrors: number;
  failures: number[];
  locks: string[];
  fails: number;
  accepted: string[];
}

/** Starts `count` worker processes, releases them together, and returns their reports. */
async function runWorkers(count: number, job: (index: number) => object): Promise<WorkerReport[]> {
  const children = Array.from({ length: count }, (_, index) =>
    spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', WORKER], {
      cwd: ROOT,
      env: { ...process.env, REDIS_JOB: JSON.stringify(job(index)) },
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  const outputs = children.map((child) => {
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const ready = new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (out.includes('ready\n')) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
      child.once('exit', (code) => {
        clearInterval(poll);
        reject(new Error(`worker exited early (${code}): ${err.slice(0, 2000)}`));
      });
    });
    const done = new Promise<string>((resolve, reject) =>
      child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`worker failed (${code}): ${err.slice(0, 2000)}`)))),
    );
    return { ready, done };
  });
  await Promise.all(outputs.map((o) => o.ready));
  const startAt = Date.now() + 300;
  for (const child of children) child.stdin.end(`go ${startAt}\n`);
  const texts = await Promise.all(outputs.map((o) => o.done));
  return texts.map((text) => JSON.parse(text.trim().split('\n').at(-1)!) as WorkerReport);
}

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('lockout on Redis, two processes', () => {
  it('counts every failure exactly once and creates each lock exactly once', async () => {
    const perProcess = 40;
    const reports = await runWorkers(2, (index) => ({
      kind: 'lockout',
      url: redis.url,
      account: 'alice@example.com',
      perProcess,
      inFlight: 4,
      ip: index === 0 ? '203.0.113.1' : '198.51.100.2',
    }));
    const counts = reports.flatMap((r) => r.failures).sort((a, b) => a - b);
    const total = perProcess * 2;
    console.log(
      `lockout redis: ${total} failures from 2 processes (4 in flight each) -> counts ${counts[0]}..${counts.at(-1)}, ` +
        `${new Set(counts).size} distinct (process 1 got ${reports[0]!.failures.filter((n) => n <= 40).length} of the first 40); lock events ${JSON.stringify(reports.map((r) => r.locks))}; store errors ${reports.reduce((n, r) => n + r.storeErrors, 0)}`,
    );
    expect(reports.every((r) => r.storeErrors === 0)).toBe(true);
    expect(counts).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(reports.reduce((n, r) => n + r.fails, 0)).toBe(total);
    // One account lock in all, and one pair lock and one IP lock per process (each has its own IP).
    const locks = reports.flatMap((r) => r.locks).sort();
    expect(locks).toEqual(['account', 'ip', 'ip', 'pair', 'pair']);
    for (const report of reports) expect([...report.locks].sort()).toEqual(expect.arrayContaining(['ip', 'pair']));

    const store = createRedisStore({ url: redis.url, timeoutMs: 5000 });
    try {
      expect(await store.get(storeKey('lockout', 'fail', 'a', 'alice@example.com'))).toBe(String(total));
      const lockout = createLockout({ store });
      expect(await lockout.check({ account: 'alice@example.com' })).toMatchObject({ allowed: false, locked: true, scope: 'account' });
      expect((await lockout.check({ account: 'bob@example.com' })).allowed).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe('MFA single use on Redis, two processes', () => {
  it('accepts each backup code exactly once when both processes race for all of them', async () => {
    const pepper = randomBytes(32).toString('hex');
    const store = createRedisStore({ url: redis.url, timeoutMs: 5000 });
    try {
      // 50 codes (the maximum is 100; the default 10), each tried twice by each process, 4 at a time, one
      // process from the first code and the other from the last, so they race where they meet.
      const backup = createBackupCodes({ store, pepper, lockout: false, count: 50 });
      const codes = await backup.generate('alice');
      const twice = codes.flatMap((code) => [code, code]);
      const reports = await runWorkers(2, (index) => ({ kind: 'backup', url: redis.url, pepper, user: 'alice', codes: twice, reverse: index === 1, inFlight: 4 }));
      const accepted = reports.flatMap((r) => r.accepted).sort();
      console.log(`mfa redis: 200 uses of 50 backup codes from 2 processes (4 in flight each) -> ${accepted.length} accepted (${new Set(accepted).size} distinct), per process ${reports.map((r) => r.accepted.length).join(' + ')}`);
      expect(reports.every((r) => r.storeErrors === 0)).toBe(true);
      expect(accepted).toEqual([...codes].sort());
      expect(await backup.remaining('alice')).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('accepts a TOTP code once across processes (the replay guard is atomic in Redis)', async () => {
    const secret = generateTotpSecret();
    const timestamp = Date.now();
    const code = generateTotp(secret, { timestamp });
    const reports = await runWorkers(2, () => ({ kind: 'totp', url: redis.url, user: 'alice', code, secret, timestamp, perProcess: 25 }));
    const accepted = reports.flatMap((r) => r.accepted);
    console.log(`mfa redis: 50 concurrent uses of one TOTP code from 2 processes -> ${accepted.length} accepted`);
    expect(reports.every((r) => r.storeErrors === 0)).toBe(true);
    expect(accepted).toHaveLength(1);
  });
});
