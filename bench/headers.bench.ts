/**
 * Per-request security-header work, bulwark vs helmet, in one process (mitata).
 *
 * Fairness: both sides write into a fresh, real `http.ServerResponse` per call, so node's own
 * `setHeader` validation and the cost of a new response's first headers are paid by both; making the
 * response is inside the timed region for every case alike. bulwark is asked for a TLS response
 * (`secure = true`) because helmet always sends HSTS. Time is this process's CPU time, and pairs are
 * measured interleaved over several rounds with the median reported, to damp noise on a shared machine.
 */

import { randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { Request, Response } from 'express';
import helmet from 'helmet';
import { measure } from 'mitata';
import { protect as expressProtect } from '../src/adapters/express.js';
import { writeDecisionHeaders } from '../src/adapters/node-http.js';
import { createBulwark } from '../src/core/bulwark.js';
import { createNonce } from '../src/core/headers/nonce.js';
import { randomUuid } from '../src/core/random/uuid.js';
import { createSecurityHeaders } from '../src/core/headers/security-headers.js';
import { ResponseHeaders } from '../src/core/http/response-headers.js';
import type { Decision, RequestContext } from '../src/core/http/types.js';
import { median, pairedRatioOf, printResult, ratioOf, type BenchResult, type BenchRow } from './support/report.js';

type Work = (res: ServerResponse) => unknown;
interface Case {
  id: string;
  label: string;
  work: Work;
  /** Needs a ServerResponse argument (fresh per iteration). */
  needsResponse: boolean;
}

const noop = (): void => {};

// One request shape for every case: a browser GET arriving over TLS.
const socket = Object.assign(new Socket(), { encrypted: true });
const req = new IncomingMessage(socket);
req.method = 'GET';
req.url = '/';
req.headers = {
  host: 'example.test',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'accept-language': 'en-US,en;q=0.9',
  'accept-encoding': 'gzip, deflate, br',
};
Object.assign(req, { originalUrl: '/' });

function freshResponse(): ServerResponse {
  return Object.assign(new ServerResponse(req), { locals: {} });
}

const helmetMiddleware = helmet();
const securityHeaders = createSecurityHeaders();
const context = {} as RequestContext;

/** bulwark's header step exactly as `protect()` and the Express adapter run it, without the other guards. */
function bulwarkHeaders(res: ServerResponse): void {
  const headers = new ResponseHeaders();
  securityHeaders.apply(headers, true);
  const decision: Decision = { allowed: true, headers, removeHeaders: securityHeaders.removeHeaders, bodyLimit: undefined, context };
  writeDecisionHeaders(res, decision);
}

const bulwarkMiddleware = expressProtect(createBulwark());

function viaMiddleware(middleware: (req: Request, res: Response, next: (err?: unknown) => void) => void): Work {
  return (res) =>
    new Promise<void>((resolve, reject) => {
      middleware(req as Request, res as Response, (err?: unknown) => (err ? reject(err as Error) : resolve()));
    });
}

const HEADER_CASES: Case[] = [
  { id: 'helmet.headers', label: 'helmet() middleware (defaults)', work: (res) => helmetMiddleware(req, res, noop), needsResponse: true },
  { id: 'bulwark.headers', label: 'bulwark headers: apply + writeDecisionHeaders', work: bulwarkHeaders, needsResponse: true },
];

const MIDDLEWARE_CASES: Case[] = [
  { id: 'helmet.middleware', label: 'helmet() as async middleware (same as above + a promise)', work: viaMiddleware(helmetMiddleware), needsResponse: true },
  {
    id: 'bulwark.middleware',
    label: 'bulwark Express middleware (protect: request id, client IP, target split + headers)',
    work: viaMiddleware(bulwarkMiddleware),
    needsResponse: true,
  },
];

const NONCE_CASES: Case[] = [
  { id: 'nonce.bulwark', label: 'createNonce() (pooled getRandomValues)', work: () => createNonce(), needsResponse: false },
  { id: 'nonce.randomBytes', label: "crypto.randomBytes(16).toString('base64')", work: () => randomBytes(16).toString('base64'), needsResponse: false },
];

const REQUEST_ID_CASES: Case[] = [
  { id: 'uuid.bulwark', label: 'randomUuid() (pooled getRandomValues)', work: () => randomUuid(), needsResponse: false },
  { id: 'uuid.platform', label: 'crypto.randomUUID()', work: () => crypto.randomUUID(), needsResponse: false },
];

/** Fails loudly if a case does not do the work it claims, so the bench cannot measure a no-op. */
async function check(): Promise<void> {
  const expectHeaders = async (work: Work, names: string[]): Promise<void> => {
    const res = freshResponse();
    await work(res);
    const missing = names.filter((name) => !res.hasHeader(name));
    if (missing.length > 0) throw new Error(`bench setup: missing ${missing.join(', ')}`);
  };
  const common = ['content-security-policy', 'strict-transport-security', 'x-content-type-options', 'x-frame-options'];
  for (const item of [...HEADER_CASES, ...MIDDLEWARE_CASES]) await expectHeaders(item.work, common);
  await expectHeaders(viaMiddleware(bulwarkMiddleware), ['x-request-id']);
  for (const item of NONCE_CASES) {
    const nonce = item.work(freshResponse());
    if (typeof nonce !== 'string' || !/^[A-Za-z0-9+/]{22}==$/.test(nonce)) throw new Error(`bench setup: bad nonce from ${item.id}`);
  }
  for (const item of REQUEST_ID_CASES) {
    const id = item.work(freshResponse());
    if (typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) throw new Error(`bench setup: bad id from ${item.id}`);
  }
}

/**
 * This process's CPU time in ns (all threads, GC included). Other processes on a busy machine then
 * cost this bench little more than cache pressure, unlike wall-clock time.
 */
function cpuNow(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

async function opsPerSecond(item: Case): Promise<number> {
  const work = item.work;
  const none = undefined as unknown as ServerResponse;
  let stats;
  if (!item.needsResponse) stats = await measure(() => work(none), { now: cpuNow });
  else if (work(freshResponse()) instanceof Promise) stats = await measure(async () => await work(freshResponse()), { now: cpuNow });
  else stats = await measure(() => work(freshResponse()), { now: cpuNow });
  return 1e9 / stats.avg;
}

/** Measures the cases of one group interleaved (A B A B ...), `rounds` times each. */
async function measureGroup(cases: readonly Case[], rounds: number): Promise<BenchRow[]> {
  const samples = new Map<string, number[]>(cases.map((item) => [item.id, []]));
  for (let round = 0; round < rounds; round++) {
    // Alternate the order so neither side always runs first after a GC-heavy neighbour.
    const ordered = round % 2 === 0 ? cases : [...cases].reverse();
    for (const item of ordered) samples.get(item.id)!.push(await opsPerSecond(item));
  }
  return cases.map((item) => {
    const rounds = samples.get(item.id)!;
    return { id: item.id, label: item.label, value: median(rounds), unit: 'ops/s', rounds };
  });
}

export async function runHeadersBench(): Promise<BenchResult> {
  const started = performance.now();
  await check();
  const rows = [
    ...(await measureGroup(HEADER_CASES, 21)),
    ...(await measureGroup(MIDDLEWARE_CASES, 3)),
    ...(await measureGroup(NONCE_CASES, 3)),
    ...(await measureGroup(REQUEST_ID_CASES, 3)),
  ];
  return {
    name: 'headers',
    method:
      'mitata timed by process CPU time, one process; a fresh http.ServerResponse per call, made inside the timed region for every case alike; ' +
      'bulwark asked for a TLS response so both send HSTS; ' +
      'pairs measured interleaved, 21 rounds (headers) or 3 rounds (others), median of per-round mean ops/s (per CPU-second); the header-work ratio is the median of per-round ratios.',
    rows,
    ratios: [
      pairedRatioOf(rows, 'headers', 'ratio bulwark/helmet, header work (median of per-round ratios)', 'bulwark.headers', 'helmet.headers', 1.0),
      ratioOf(rows, 'middleware', 'ratio bulwark/helmet, whole middleware (informational)', 'bulwark.middleware', 'helmet.middleware'),
      ratioOf(rows, 'nonce', 'ratio createNonce/randomBytes', 'nonce.bulwark', 'nonce.randomBytes'),
      ratioOf(rows, 'uuid', 'ratio randomUuid/crypto.randomUUID', 'uuid.bulwark', 'uuid.platform'),
    ],
    durationMs: performance.now() - started,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) printResult(await runHeadersBench());
