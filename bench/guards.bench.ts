/**
 * The cost of the request guards: `protect()` on a plain GET with security headers only, against
 * headers + request limits + IP rules + CSRF (the defaults, plus a deny list and an admin route).
 * Target (issue 3): at least 80% of the headers-only ops/s on a GET as the Express and Koa adapters
 * hand it over. Also a POST that passes CSRF by Sec-Fetch-Site, and a GET with Web `Headers` (Fetch).
 * Target (issue 6): the full pipeline with one rate rule on the memory store at least 85% of the
 * same pipeline without it (the rule's limit is high enough that every call is allowed and counted).
 */

import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { fromNodeRequest } from '../src/adapters/node-http.js';
import { createBulwark, type SecurityRequest } from '../src/core/index.js';
import { measureInForks, runAsFork } from './support/forks.js';
import { measureInterleaved, type MicroCase } from './support/measure.js';
import { pairedRatioOf, printResult, type BenchResult } from './support/report.js';

const browserHeaders = {
  host: 'app.example',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'accept-language': 'en-US,en;q=0.9',
  'sec-fetch-site': 'same-origin',
  'sec-fetch-mode': 'cors',
};

/** A request as the Express and Koa adapters hand it over (node's parsed headers behind a lazy view). */
function nodeRequest(method: string, extra: Record<string, string> = {}): SecurityRequest {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: '198.51.100.7' });
  const req = new IncomingMessage(socket);
  req.method = method;
  req.headers = { ...browserHeaders, ...extra };
  req.rawHeaders = Object.entries(req.headers).flat() as string[];
  return fromNodeRequest(req, '/items?page=2');
}

const nodeGet = nodeRequest('GET');
const nodePost = nodeRequest('POST', { 'content-type': 'application/json', 'content-length': '120' });
/** The same request as the Fetch adapter hands it over (Web `Headers`). */
const webGet: SecurityRequest = { method: 'GET', url: 'https://app.example/items?page=2', headers: new Headers(browserHeaders), remoteAddress: '198.51.100.7', secure: true };

const headersOnly = createBulwark({ limits: false, csrf: false });
const guardOptions = { ipRules: { deny: ['203.0.113.0/24', '2001:db8:bad::/48'] }, routes: [{ path: '/admin/**', ipRules: { allow: ['10.0.0.0/8'] } }] };
const allGuards = createBulwark(guardOptions);
const withRateRule = createBulwark({ ...guardOptions, rateLimit: { rules: [{ name: 'bench', limits: { points: 1_000_000_000, duration: 60 } }] } });

const CASES: MicroCase[] = [
  { id: 'get.headers', label: 'protect(GET), headers only', run: () => headersOnly.protect(nodeGet) },
  { id: 'get.guards', label: 'protect(GET), headers + limits + IP rules + CSRF', run: () => allGuards.protect(nodeGet) },
  { id: 'get.rate', label: 'protect(GET), the same + one rate rule (memory store)', run: () => withRateRule.protect(nodeGet) },
  { id: 'post.headers', label: 'protect(POST JSON), headers only', run: () => headersOnly.protect(nodePost) },
  { id: 'post.guards', label: 'protect(POST JSON), headers + limits + IP rules + CSRF', run: () => allGuards.protect(nodePost) },
  { id: 'web.headers', label: 'protect(GET, Web Headers), headers only', run: () => headersOnly.protect(webGet) },
  { id: 'web.guards', label: 'protect(GET, Web Headers), headers + limits + IP rules + CSRF', run: () => allGuards.protect(webGet) },
];

async function check(): Promise<void> {
  for (const request of [nodeGet, nodePost, webGet]) {
    const decision = await allGuards.protect(request);
    if (!decision.allowed) throw new Error(`bench setup: ${request.method} denied (${decision.code})`);
  }
  const limited = await withRateRule.protect(nodeGet);
  if (!limited.allowed || !limited.headers.get('ratelimit')?.includes('bench')) throw new Error('bench setup: the rate rule did not run');
}

const FORKS = 3;
const ROUNDS_PER_FORK = 5;

export async function runGuardsBench(): Promise<BenchResult> {
  const started = performance.now();
  await check();
  const rows = measureInForks(import.meta.url, FORKS);
  return {
    name: 'guards',
    method: `mitata timed by process CPU time; cases interleaved, ${ROUNDS_PER_FORK} rounds in each of ${FORKS} child processes (bench/support/forks.ts), rounds pooled: median of mean ops/s; ratios are the median of per-round ratios.`,
    rows,
    ratios: [
      pairedRatioOf(rows, 'get', 'ratio all guards / headers only, GET', 'get.guards', 'get.headers', 0.8),
      pairedRatioOf(rows, 'rate', 'ratio with one rate rule / without, GET (issue 6)', 'get.rate', 'get.guards', 0.85),
      pairedRatioOf(rows, 'post', 'ratio all guards / headers only, POST (informational)', 'post.guards', 'post.headers'),
      pairedRatioOf(rows, 'web', 'ratio all guards / headers only, GET with Web Headers (informational)', 'web.guards', 'web.headers'),
    ],
    durationMs: performance.now() - started,
  };
}

if (import.meta.url === `file://${process.argv[1]}` && !(await runAsFork(() => measureInterleaved(CASES, ROUNDS_PER_FORK)))) printResult(await runGuardsBench());
