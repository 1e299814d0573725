/**
 * HTTP overhead on loopback (autocannon): Express + bulwark vs Express + helmet, and node:http serving a
 * Fetch handler through `toNodeListener(protect(bulwark, handler))` vs `toNodeListener(handler)` bare.
 *
 * Each server runs in its own child process and autocannon in this one. Where `taskset` exists (util-linux),
 * servers are pinned to the last core and this process to the others, so server and load generator do
 * not compete for, or migrate between, the same cores.
 * Every server is warmed up first; then each round runs every scenario once, in a rotating order, and
 * the median of the rounds is reported.
 */

import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { median, printResult, ratioOf, type BenchResult, type BenchRow } from './support/report.js';

interface Scenario {
  id: string;
  label: string;
  /** Response headers that prove the server did the work it is meant to. */
  expect: string[];
  refuse: string[];
}

const SCENARIOS: Scenario[] = [
  { id: 'express-helmet', label: 'Express 5 + helmet()', expect: ['content-security-policy', 'x-frame-options'], refuse: ['x-powered-by'] },
  { id: 'express-bulwark', label: 'Express 5 + bulwark headers (limits: false, csrf: false)', expect: ['content-security-policy', 'x-request-id'], refuse: ['x-powered-by', 'vary'] },
  { id: 'express-bulwark-defaults', label: 'Express 5 + bulwark defaults (headers, limits, CSRF)', expect: ['content-security-policy', 'vary'], refuse: ['x-powered-by'] },
  { id: 'node-fetch-bare', label: 'node:http + toNodeListener(handler), bare', expect: [], refuse: ['content-security-policy'] },
  { id: 'node-fetch-bulwark', label: 'node:http + toNodeListener(protect(bulwark, handler))', expect: ['content-security-policy', 'x-request-id'], refuse: [] },
];

export interface HttpBenchOptions {
  rounds?: number;
  /** Seconds per measured run. */
  duration?: number;
  warmup?: number;
  connections?: number;
}

const SERVER = fileURLToPath(new URL('./support/http-server.ts', import.meta.url));

interface Running {
  child: ChildProcess;
  url: string;
}

/** Pins `pid` to `cores` (e.g. '1' or '0-2'); false when taskset is missing or refuses. */
function pin(pid: number, cores: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const LAST_CORE = cpus().length - 1;

function start(scenario: Scenario, pinned: boolean): Promise<Running> {
  const child = fork(SERVER, [scenario.id], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${scenario.id}: server did not start`)), 30_000);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${scenario.id}: server exited with ${code}`)));
    child.once('message', (message: { port: number }) => {
      clearTimeout(timer);
      if (pinned) pin(child.pid!, String(LAST_CORE));
      resolve({ child, url: `http://127.0.0.1:${message.port}/` });
    });
  });
}

async function stop(running: Running): Promise<void> {
  if (running.child.exitCode !== null) return;
  running.child.removeAllListeners('exit');
  const exited = new Promise((resolve) => running.child.once('exit', resolve));
  running.child.disconnect();
  const timer = setTimeout(() => running.child.kill(), 5_000);
  await exited;
  clearTimeout(timer);
}

/** One request first: the bench must measure servers that really answer 200 with their headers. */
async function check(scenario: Scenario, url: string): Promise<void> {
  const response = await fetch(url);
  const body = await response.text();
  if (response.status !== 200 || body !== 'hello world') throw new Error(`${scenario.id}: got ${response.status} ${body}`);
  for (const name of scenario.expect) if (!response.headers.has(name)) throw new Error(`${scenario.id}: missing ${name}`);
  for (const name of scenario.refuse) if (response.headers.has(name)) throw new Error(`${scenario.id}: unexpected ${name}`);
}

function serverCpu(running: Running): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: { cpu?: number }): void => {
      if (message.cpu === undefined) return;
      running.child.off('message', onMessage);
      resolve(message.cpu);
    };
    running.child.on('message', onMessage);
    running.child.send('cpu');
  });
}

async function load(url: string, seconds: number, connections: number): Promise<autocannon.Result> {
  const result = await autocannon({ url, connections, duration: seconds, pipelining: 1 });
  if (result.errors > 0 || result.non2xx > 0) throw new Error(`${url}: ${result.errors} errors, ${result.non2xx} non-2xx responses`);
  return result;
}

export async function runHttpBench(options: HttpBenchOptions = {}): Promise<BenchResult> {
  const { rounds = Number(process.env.BENCH_ROUNDS ?? 12), duration = Number(process.env.BENCH_SECONDS ?? 1.5), warmup = 2, connections = 10 } = options;
  const started = performance.now();
  const pinned = LAST_CORE > 0 && pin(process.pid, LAST_CORE === 1 ? '0' : `0-${LAST_CORE - 1}`);
  const running = new Map<string, Running>();
  const samples = new Map<string, number[]>(SCENARIOS.map((s) => [s.id, []]));
  const latencies = new Map<string, number[]>(SCENARIOS.map((s) => [s.id, []]));
  const cpuPerRequest = new Map<string, number[]>(SCENARIOS.map((s) => [s.id, []]));
  try {
    for (const scenario of SCENARIOS) {
      const server = await start(scenario, pinned);
      running.set(scenario.id, server);
      await check(scenario, server.url);
      await load(server.url, warmup, connections);
    }
    for (let round = 0; round < rounds; round++) {
      const order = SCENARIOS.map((_, i) => SCENARIOS[(i + round) % SCENARIOS.length]!);
      for (const scenario of order) {
        const server = running.get(scenario.id)!;
        const cpuBefore = await serverCpu(server);
        const result = await load(server.url, duration, connections);
        const cpuAfter = await serverCpu(server);
        samples.get(scenario.id)!.push(result.requests.average);
        cpuPerRequest.get(scenario.id)!.push((cpuAfter - cpuBefore) / result.requests.total);
        latencies.get(scenario.id)!.push(result.latency.p99);
      }
    }
  } finally {
    await Promise.all([...running.values()].map(stop));
  }
  const cpu = (id: string): number => median(cpuPerRequest.get(id)!);
  const rows: BenchRow[] = SCENARIOS.map((scenario) => ({
    id: scenario.id,
    label: scenario.label,
    value: median(samples.get(scenario.id)!),
    unit: 'req/s',
    rounds: samples.get(scenario.id)!,
    note: `server CPU ${cpu(scenario.id).toFixed(1)} µs/req, p99 latency ${median(latencies.get(scenario.id)!)} ms`,
  }));
  return {
    name: 'http',
    method:
      `autocannon on 127.0.0.1, ${connections} connections, no pipelining, GET / answering 200 "hello world"; each server in its own child process ` +
      `(autocannon in the parent${pinned ? `; servers pinned to core ${LAST_CORE}, autocannon to the other cores` : ''}); ${warmup} s warm-up per server, then ${rounds} rounds of ${duration} s per server in rotating order, median of mean req/s. ` +
      'Server CPU per request (the child process user+system time over the run / responses) is steadier than req/s when other work shares the machine.',
    rows,
    ratios: [
      ratioOf(rows, 'express', 'ratio Express+bulwark headers / Express+helmet', 'express-bulwark', 'express-helmet', 0.95),
      ratioOf(rows, 'express-defaults', 'ratio Express+bulwark defaults / Express+helmet (informational)', 'express-bulwark-defaults', 'express-helmet'),
      ratioOf(rows, 'fetch', 'ratio node:http Fetch protected / bare', 'node-fetch-bulwark', 'node-fetch-bare'),
      // Inverted so that, like the others, above 1 means bulwark is cheaper.
      { id: 'express-cpu', label: 'server CPU per request, Express+helmet / Express+bulwark', ratio: cpu('express-helmet') / cpu('express-bulwark') },
      { id: 'fetch-cpu', label: 'server CPU per request, Fetch bare / Fetch protected', ratio: cpu('node-fetch-bare') / cpu('node-fetch-bulwark') },
    ],
    durationMs: performance.now() - started,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) printResult(await runHttpBench());
