/**
 * Fernet encrypt + decrypt round trips of 100 B and 10 KB: bulwark vs the npm `fernet` package in
 * this process (mitata), Python's `cryptography` through `python3 -m timeit`, and the ceiling that
 * `openssl speed` gives for the same AES-128-CBC and HMAC-SHA256 work on this machine.
 *
 * Every side is timed by CPU time: this process's for mitata, `timeit -p` (process_time) for
 * Python, and openssl speed's default (user CPU time). Rounds alternate between the sides.
 *
 * The ceiling for one 10 KB round trip is the pure primitive cost of the bytes Fernet processes:
 * AES-128-CBC encryption of the padded plaintext (10 240 + 16 bytes), AES-128-CBC decryption of the
 * same, and HMAC-SHA256 twice over version|timestamp|IV|ciphertext (25 + 10 256 bytes), each at the
 * rate `openssl speed -bytes <exactly that size>` reports. CBC decryption is parallel and several
 * times faster than encryption, so it is measured on its own (`-decrypt`) rather than assumed equal.
 * The ceiling has no per-message setup, no base64 and no allocation: no Fernet implementation
 * reaches it; the target is to stay within 2x.
 */

import { execFileSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { measure } from 'mitata';
import { Fernet } from '../src/core/crypto/fernet.js';
import { median, printResult, ratioOf, type BenchResult, type BenchRow } from './support/report.js';

interface NpmFernet {
  Secret: new (key: string) => unknown;
  Token: new (options: { secret: unknown; token?: string; ttl?: number }) => { encode(message: string): string; decode(): string };
}
const npmFernet = createRequire(import.meta.url)('fernet') as NpmFernet;

const SIZES = [
  { id: '100', label: '100 B', bytes: 100 },
  { id: '10k', label: '10 KB', bytes: 10_240 },
] as const;
const ROUNDS = 5;
const PYTHON = '/usr/bin/python3';

const key = Fernet.generateKey();
const fernet = new Fernet(key);
const secret = new npmFernet.Secret(key);

/** ASCII text, so npm `fernet` (which takes strings) and bulwark encrypt the same bytes. */
function message(bytes: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => alphabet[b % alphabet.length]).join('');
}

function cpuNow(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

/**
 * The node:crypto calls a round trip cannot avoid, and nothing else (no framing, base64 or
 * checks): what Node itself costs on top of the primitives, shown so the ceiling ratio can be read.
 */
function nodeCryptoCalls(text: string): () => number {
  const [encryptionKey, signingKey, iv] = [crypto.getRandomValues(new Uint8Array(16)), crypto.getRandomValues(new Uint8Array(16)), crypto.getRandomValues(new Uint8Array(16))];
  const data = Buffer.from(text);
  return () => {
    const cipher = createCipheriv('aes-128-cbc', encryptionKey, iv);
    const body = cipher.update(data);
    const tail = cipher.final();
    const mac1 = createHmac('sha256', signingKey).update(body).update(tail).digest();
    const mac2 = createHmac('sha256', signingKey).update(body).update(tail).digest();
    const decipher = createDecipheriv('aes-128-cbc', encryptionKey, iv);
    return mac1[0]! + mac2[0]! + decipher.update(body).length + decipher.update(tail).length + decipher.final().length;
  };
}

const bulwarkRoundTrip = (text: string) => (): Uint8Array => fernet.decrypt(fernet.encrypt(text));
const npmRoundTrip = (text: string) => (): string => new npmFernet.Token({ secret, token: new npmFernet.Token({ secret, ttl: 0 }).encode(text), ttl: 0 }).decode();

/** Each side must read the other's tokens, or the bench would compare different work. */
function check(text: string): void {
  const fromNpm = new npmFernet.Token({ secret, ttl: 0 }).encode(text);
  if (fernet.decryptString(fromNpm) !== text) throw new Error('bench setup: bulwark cannot read npm fernet tokens');
  if (new npmFernet.Token({ secret, token: fernet.encrypt(text), ttl: 0 }).decode() !== text) throw new Error('bench setup: npm fernet cannot read bulwark tokens');
  if (npmRoundTrip(text)() !== text || new TextDecoder().decode(bulwarkRoundTrip(text)()) !== text) throw new Error('bench setup: round trip failed');
}

async function opsPerSecond(work: () => unknown): Promise<number> {
  return 1e9 / (await measure(work, { now: cpuNow })).avg;
}

const UNITS: Record<string, number> = { sec: 1, msec: 1e-3, usec: 1e-6, nsec: 1e-9 };

/** `python3 -m timeit -p -v`: CPU time per round trip in each repeat, as ops/s. */
function pythonRounds(bytes: number): number[] {
  const setup = `import os; from cryptography.fernet import Fernet; f = Fernet(Fernet.generate_key()); d = os.urandom(${bytes})`;
  const out = execFileSync(PYTHON, ['-m', 'timeit', '-p', '-v', '-r', String(ROUNDS), '-s', setup, 'f.decrypt(f.encrypt(d))'], { encoding: 'utf8' });
  const loops = Number(/^(\d+) loops?, best of/m.exec(out)?.[1]);
  const raw = /^raw times: (.+)$/m.exec(out)?.[1];
  if (!loops || !raw) throw new Error(`cannot read timeit output:\n${out}`);
  return raw.split(', ').map((entry) => {
    const [value, unit] = entry.split(' ');
    return loops / (Number(value) * UNITS[unit!]!);
  });
}

/** Bytes per CPU second for one `openssl speed` run on buffers of exactly `bytes`. */
function opensslRate(bytes: number, args: string[]): number {
  const out = execFileSync('openssl', ['speed', '-mr', '-seconds', '1', '-bytes', String(bytes), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const rate = Number(/^\+F:\d+:[^:]+:([\d.]+)/m.exec(out)?.[1]);
  if (!rate) throw new Error(`cannot read openssl speed output for ${args.join(' ')}`);
  return rate;
}

/** Round trips per second that the primitives alone allow for a message of `bytes` (see the header). */
function ceilingOpsPerSecond(bytes: number): number {
  const padded = (Math.floor(bytes / 16) + 1) * 16;
  const macInput = 25 + padded;
  const seconds =
    padded / opensslRate(padded, ['-evp', 'aes-128-cbc']) +
    padded / opensslRate(padded, ['-decrypt', '-evp', 'aes-128-cbc']) +
    (2 * macInput) / opensslRate(macInput, ['-hmac', 'sha256']);
  return 1 / seconds;
}

function row(id: string, label: string, rounds: number[], note?: string): BenchRow {
  return { id, label, value: median(rounds), unit: 'ops/s', rounds, ...(note ? { note } : {}) };
}

export async function runFernetBench(): Promise<BenchResult> {
  const started = performance.now();
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: apt-get install python3-cryptography`);
  const rows: BenchRow[] = [];
  for (const size of SIZES) {
    const text = message(size.bytes);
    check(text);
    const sides = [
      { id: `bulwark.${size.id}`, work: bulwarkRoundTrip(text), rounds: [] as number[] },
      { id: `npm-fernet.${size.id}`, work: npmRoundTrip(text), rounds: [] as number[] },
      { id: `node-crypto.${size.id}`, work: nodeCryptoCalls(text), rounds: [] as number[] },
    ];
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of round % 2 === 0 ? sides : [...sides].reverse()) side.rounds.push(await opsPerSecond(side.work));
    }
    rows.push(row(sides[0]!.id, `bulwark Fernet encrypt+decrypt ${size.label}`, sides[0]!.rounds));
    rows.push(row(sides[1]!.id, `npm fernet 0.4 encrypt+decrypt ${size.label}`, sides[1]!.rounds));
    rows.push(row(`python.${size.id}`, `Python cryptography encrypt+decrypt ${size.label} (timeit -p)`, pythonRounds(size.bytes)));
    rows.push(row(sides[2]!.id, `node:crypto calls alone (no framing, base64, checks) ${size.label}`, sides[2]!.rounds, 'reference'));
  }
  const ceiling = Array.from({ length: 3 }, () => ceilingOpsPerSecond(10_240));
  rows.push(row('openssl.10k', 'openssl speed ceiling: AES-128-CBC enc+dec + 2x HMAC-SHA256, 10 KB', ceiling, 'primitives only'));
  return {
    name: 'fernet',
    method:
      `Round trips (encrypt then decrypt, fresh IV, current time) of the same random ASCII text; bulwark and npm fernet in this process with mitata, ` +
      `timed by process CPU time, ${ROUNDS} interleaved rounds, median of per-round mean ops/s; Python via \`python3 -m timeit -p\` (CPU time, ` +
      `${ROUNDS} repeats, median); the ceiling from \`openssl speed -bytes\` at the exact sizes Fernet processes (AES-128-CBC encrypt and, ` +
      'separately, decrypt of 10 256 bytes, HMAC-SHA256 of 10 281 bytes twice), with no setup, base64 or allocation; ' +
      'and, for reference, the bare node:crypto calls a round trip needs (createCipheriv, createHmac twice, createDecipheriv) without framing or base64.',
    rows,
    ratios: [
      ratioOf(rows, 'npm.100', 'ratio bulwark/npm fernet, 100 B', 'bulwark.100', 'npm-fernet.100', 10),
      ratioOf(rows, 'npm.10k', 'ratio bulwark/npm fernet, 10 KB', 'bulwark.10k', 'npm-fernet.10k', 10),
      ratioOf(rows, 'python.100', 'ratio bulwark/Python cryptography, 100 B', 'bulwark.100', 'python.100', 1),
      ratioOf(rows, 'python.10k', 'ratio bulwark/Python cryptography, 10 KB', 'bulwark.10k', 'python.10k', 1),
      ratioOf(rows, 'ceiling.10k', 'ratio bulwark/openssl ceiling, 10 KB (within 2x = 0.5)', 'bulwark.10k', 'openssl.10k', 0.5),
      ratioOf(rows, 'floor.10k', 'ratio node:crypto calls alone/openssl ceiling, 10 KB (informational)', 'node-crypto.10k', 'openssl.10k'),
      ratioOf(rows, 'overhead.10k', 'ratio bulwark/node:crypto calls alone, 10 KB (informational)', 'bulwark.10k', 'node-crypto.10k'),
    ],
    durationMs: performance.now() - started,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) printResult(await runFernetBench());
