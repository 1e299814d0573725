/**
 * Passwords, API keys and TOTP (issue 7), in one process:
 *
 * - argon2id hash and verify at the defaults (m=19456, t=2, p=1): wall-clock latency of one call,
 *   the number users feel (target: under 1 s, OWASP's bound; near 50 ms expected). Run one after
 *   another, median of the calls. The dummy verify for unknown users is measured the same way.
 * - verifyApiKey: verifications per CPU-second, for a key seen before (the common case: a client
 *   sends the same key on every request; a remembered match costs one SHA-256) and for keys seen
 *   for the first time (20,000 keys in turn, more than the at most 10,000 remembered matches, so
 *   every call is a full HMAC). Target >= 250,000/s. Beside it, the bare node:crypto HMAC-SHA256 +
 *   timingSafeEqual a hand-written check would do.
 * - verifyTotp vs otplib 13 (`verifySync`, its default plugins), both with +-1 step: target >= 1.0x.
 *
 * Micro cases: mitata timed by this process's CPU time, interleaved rounds, median.
 */

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { verifySync as otplibVerify } from 'otplib';
import { generateApiKey, verifyApiKey } from '../src/core/keys/index.js';
import { generateTotp, generateTotpSecret, verifyTotp } from '../src/core/mfa/index.js';
import { dummyVerifyPassword, hashPassword, PASSWORD_HASH_DEFAULTS, verifyPassword } from '../src/core/passwords/index.js';
import { measureInterleaved, type MicroCase } from './support/measure.js';
import { median, printResult, ratioOf, type BenchResult, type BenchRow } from './support/report.js';

const ARGON2_CALLS = 11;
const ROUNDS = 3;

async function latencyRow(id: string, label: string, run: () => Promise<unknown>): Promise<BenchRow> {
  await run(); // warm-up (the dummy hash is made on first use)
  const ms: number[] = [];
  for (let i = 0; i < ARGON2_CALLS; i++) {
    const started = performance.now();
    await run();
    ms.push(performance.now() - started);
  }
  const typical = median(ms);
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    id,
    label,
    value: 1000 / typical,
    unit: 'ops/s',
    rounds: ms.map((m) => 1000 / m),
    note: `median ${typical.toFixed(1)} ms, min ${sorted[0]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms per call`,
  };
}

const pepper = randomBytes(32);
const hot = generateApiKey({ prefix: 'acme', pepper });
const cold = Array.from({ length: 20_000 }, () => generateApiKey({ prefix: 'acme', pepper }));
let coldIndex = 0;
const pepperBytes = Buffer.from(pepper);
const hotMac = createHmac('sha256', pepperBytes).update(hot.key).digest();

const secret = generateTotpSecret();
const timestamp = Date.now();
const token = generateTotp(secret, { timestamp });
const epoch = Math.floor(timestamp / 1000);

const KEY_CASES: MicroCase[] = [
  { id: 'apikey.seen', label: 'verifyApiKey, a key seen before', run: () => verifyApiKey(hot.key, hot.hash, { pepper }) },
  {
    id: 'apikey.first',
    label: 'verifyApiKey, keys seen for the first time (full HMAC)',
    run: () => {
      const record = cold[coldIndex++ % cold.length]!;
      return verifyApiKey(record.key, record.hash, { pepper });
    },
  },
  { id: 'apikey.hmac', label: 'bare createHmac + timingSafeEqual (no format check)', run: () => timingSafeEqual(createHmac('sha256', pepperBytes).update(hot.key).digest(), hotMac) },
];

const TOTP_CASES: MicroCase[] = [
  { id: 'totp.bulwark', label: 'bulwark verifyTotp (+-1 step)', run: () => verifyTotp(token, secret, { timestamp }) },
  { id: 'totp.otplib', label: 'otplib 13 verifySync (+-30 s)', run: () => otplibVerify({ secret, token, epoch, epochTolerance: 30 }) },
];

/** Fails loudly if a case does not do what it claims, so the bench cannot measure a no-op or a refusal. */
async function check(): Promise<void> {
  const stored = await hashPassword('bench password');
  if (!(await verifyPassword(stored, 'bench password')).valid) throw new Error('bench setup: verifyPassword');
  for (const item of KEY_CASES) if (item.run() !== true) throw new Error(`bench setup: ${item.id} did not verify`);
  if (verifyApiKey(`${hot.key.slice(0, -1)}x`, hot.hash, { pepper })) throw new Error('bench setup: verifyApiKey accepted a wrong key');
  for (const item of TOTP_CASES) {
    const result = item.run() as boolean | { valid: boolean };
    if (result !== true && (result as { valid?: boolean }).valid !== true) throw new Error(`bench setup: ${item.id} did not verify`);
  }
}

export async function runPasswordsBench(): Promise<BenchResult> {
  const started = performance.now();
  await check();
  const stored = await hashPassword('correct horse battery staple');
  const argon2 = [
    await latencyRow('argon2.hash', `argon2id hash (m=${PASSWORD_HASH_DEFAULTS.memoryCost}, t=${PASSWORD_HASH_DEFAULTS.timeCost}, p=1)`, () =>
      hashPassword('correct horse battery staple'),
    ),
    await latencyRow('argon2.verify', 'argon2id verify (same parameters)', () => verifyPassword(stored, 'correct horse battery staple')),
    await latencyRow('argon2.dummy', 'dummy verify for an unknown user', () => dummyVerifyPassword('correct horse battery staple')),
  ];
  const rows = [...argon2, ...(await measureInterleaved(KEY_CASES, ROUNDS)), ...(await measureInterleaved(TOTP_CASES, ROUNDS))];
  // Targets as ratios: the limit over the measurement, so >= 1.0 means met.
  const hashMs = 1000 / rows.find((row) => row.id === 'argon2.hash')!.value;
  const apiTarget: BenchRow = { id: 'target.apikey', label: '250,000/s target', value: 250_000, unit: 'ops/s', rounds: [250_000] };
  return {
    name: 'passwords',
    method:
      `argon2id: wall-clock latency of ${ARGON2_CALLS} calls in a row after a warm-up, median (ops/s = 1000 / median ms); ` +
      `API keys and TOTP: mitata timed by process CPU time, cases of a group interleaved, ${ROUNDS} rounds, median of per-round mean ops/s. ` +
      'verifyApiKey "seen before" hits the remembered match for its stored hash (one SHA-256); "first time" cycles 20,000 keys through ' +
      'a memory of at most 10,000 matches, so every call is a full HMAC. otplib runs with its default (noble, pure JS) crypto plugin.',
    rows,
    ratios: [
      { id: 'argon2.bound', label: `argon2id hash under 1 s (1000 ms / ${hashMs.toFixed(1)} ms)`, ratio: 1000 / hashMs, target: 1 },
      ratioOf([...rows, apiTarget], 'apikey.seen.target', 'verifyApiKey (seen before) / 250,000 per s', 'apikey.seen', 'target.apikey', 1),
      ratioOf([...rows, apiTarget], 'apikey.first.target', 'verifyApiKey (first time, full HMAC) / 250,000 per s', 'apikey.first', 'target.apikey', 1),
      ratioOf(rows, 'apikey.overhead', 'verifyApiKey first time / bare HMAC (cost of format, checksum and parsing)', 'apikey.first', 'apikey.hmac'),
      ratioOf(rows, 'totp', 'ratio bulwark verifyTotp / otplib verifySync', 'totp.bulwark', 'totp.otplib', 1),
    ],
    durationMs: performance.now() - started,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) printResult(await runPasswordsBench());
