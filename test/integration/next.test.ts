/**
 * The Next.js adapter under a real `next build` and `next start` (Next.js 16, Turbopack, proxy.ts).
 * The app in next-app/ is copied to a temp directory and gets bulwark from `npm pack` of this
 * repository; next and react are links to the repository's node_modules. Three servers start from
 * one build: defaults, `httpsRedirect`, and `trustProxy: 1` behind a loopback reverse proxy.
 */

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../harness/net.js';
import { ensureCommand } from '../harness/system.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const APP_SOURCE = fileURLToPath(new URL('./next-app', import.meta.url));
const NEXT_BIN = path.join(REPO, 'node_modules/next/dist/bin/next');
const ENV = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };

type Variant = 'default' | 'https-redirect' | 'behind-proxy';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function get(port: number, target: string, headers: Record<string, string> = {}, localAddress?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: target, headers, localAddress, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.setTimeout(20_000, () => request.destroy(new Error(`GET ${target} timed out`)));
    request.on('error', reject);
  });
}

/** A POST through the real HTTP stack; `chunked` sends the body without Content-Length. */
function post(port: number, target: string, headers: Record<string, string>, body: Buffer | string, chunked = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path: target, method: 'POST', headers: chunked ? { ...headers, 'transfer-encoding': 'chunked' } : headers, agent: false },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
      },
    );
    request.setTimeout(20_000, () => request.destroy(new Error(`POST ${target} timed out`)));
    // The server may answer and close before the whole body is sent: the answer is what counts.
    request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    request.end(body);
  });
}

async function freePort(): Promise<number> {
  const { port, close } = await listen(createServer());
  await close();
  return port;
}

/** Turbopack compiles only files under its root, and next/react are links out of the temp app. */
function commonAncestor(a: string, b: string): string {
  const left = a.split(path.sep);
  const right = b.split(path.sep);
  let n = 0;
  while (n < left.length && left[n] === right[n]) n++;
  return left.slice(0, n).join(path.sep) || path.sep;
}

async function prepareApp(work: string): Promise<string> {
  ensureCommand('tar', 'tar');
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: REPO, timeout: 120_000 });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  const app = path.join(work, 'app');
  await cp(APP_SOURCE, app, { recursive: true, filter: (source) => !/[\\/](\.next|node_modules)$/.test(source) });
  const installed = path.join(app, 'node_modules', 'bulwark');
  await mkdir(installed, { recursive: true });
  await run('tar', ['-xzf', path.join(work, packed!.filename), '-C', installed, '--strip-components=1']);
  // As `npm install bulwark` would: the package's own dependencies next to it, plus Next and React.
  const manifest = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of ['next', 'react', 'react-dom', ...Object.keys(manifest.dependencies)]) {
    const target = path.join(app, 'node_modules', name);
    await mkdir(path.dirname(target), { recursive: true });
    await symlink(path.join(REPO, 'node_modules', name), target, 'dir');
  }
  return app;
}

function startNext(app: string, port: number, variant: Variant): Promise<ChildProcess> {
  const child = spawn(process.execPath, [NEXT_BIN, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: app,
    env: { ...ENV, BULWARK_NEXT_VARIANT: variant },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`next start (${variant}) not ready:\n${output}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`next start (${variant}) exited with ${code}:\n${output}`)));
    const poll = (): void => {
      get(port, '/api/json').then(
        () => (clearTimeout(timer), resolve(child)),
        () => setTimeout(poll, 250),
      );
    };
    poll();
  });
}

/** A reverse proxy like nginx with `$proxy_add_x_forwarded_for`, terminating "TLS" (it says https). */
function reverseProxy(upstreamPort: number): http.Server {
  return http.createServer((req, res) => {
    const prior = req.headers['x-forwarded-for'];
    const headers = {
      ...req.headers,
      'x-forwarded-for': prior === undefined ? req.socket.remoteAddress : `${String(prior)}, ${req.socket.remoteAddress}`,
      'x-forwarded-proto': 'https',
    };
    const upstream = http.request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers }, (response) => {
      res.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
}

function nonceOf(reply: Reply): string {
  const match = /script-src [^;]*'nonce-([A-Za-z0-9+/=]+)'/.exec(String(reply.headers['content-security-policy']));
  if (!match) throw new Error(`no nonce in ${String(reply.headers['content-security-policy'])}`);
  return match[1]!;
}

function scriptTags(html: string): string[] {
  return html.match(/<script\b[^>]*>/g) ?? [];
}

function pageContext(html: string): Record<string, string> {
  const match = /<pre id="context">([^<]*)<\/pre>/.exec(html);
  if (!match) throw new Error('the page did not render its context');
  return JSON.parse(match[1]!.replaceAll('&quot;', '"').replaceAll('&amp;', '&')) as Record<string, string>;
}

let work = '';
const servers: ChildProcess[] = [];
let closeProxy: (() => Promise<void>) | undefined;
const ports = {} as Record<Variant | 'proxy', number>;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'bulwark-next-'));
  const app = await prepareApp(work);
  await run(process.execPath, [NEXT_BIN, 'build'], {
    cwd: app,
    env: { ...ENV, BULWARK_NEXT_ROOT: commonAncestor(app, REPO) },
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const variants: Variant[] = ['default', 'https-redirect', 'behind-proxy'];
  for (const variant of variants) ports[variant] = await freePort();
  servers.push(...(await Promise.all(variants.map((variant) => startNext(app, ports[variant], variant)))));
  const proxy = await listen(reverseProxy(ports['behind-proxy']));
  ports.proxy = proxy.port;
  closeProxy = proxy.close;
});

afterAll(async () => {
  await closeProxy?.();
  await Promise.all(
    servers.map((child) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill())))),
  );
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('Next.js 16 proxy.ts: pages', () => {
  it('sends the security headers and no X-Powered-By', async () => {
    const reply = await get(ports.default, '/');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
    expect(reply.headers['content-security-policy']).toMatch(/^default-src 'self'; script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}'/);
    expect(reply.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(reply.headers).toMatchObject({
      'x-frame-options': 'DENY',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'x-content-type-options': 'nosniff',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
    });
    expect(reply.headers['permissions-policy']).toContain('camera=()');
    expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.headers['x-powered-by']).toBeUndefined();
    expect(reply.headers['strict-transport-security']).toBeUndefined(); // plain HTTP, no trusted proxy
    expect(Object.keys(reply.headers).filter((name) => name.startsWith('x-middleware-') || name.startsWith('x-bulwark-'))).toEqual([]);
  });

  it("puts the response's nonce on every script Next.js renders and on the page's own", async () => {
    const reply = await get(ports.default, '/');
    const nonce = nonceOf(reply);
    const scripts = scriptTags(reply.body);
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    expect(scripts.filter((tag) => !tag.includes(' src='))).not.toEqual([]); // Next's inline bootstrap scripts
    expect(reply.body).toContain(`<script id="inline" nonce="${nonce}">`);
    expect(pageContext(reply.body)).toEqual({ requestId: reply.headers['x-request-id'], nonce });
  });

  it('renders per request: every response has its own nonce', async () => {
    const replies = await Promise.all([get(ports.default, '/'), get(ports.default, '/'), get(ports.default, '/')]);
    const nonces = replies.map(nonceOf);
    expect(new Set(nonces).size).toBe(3);
    replies.forEach((reply, i) => expect(pageContext(reply.body).nonce).toBe(nonces[i]));
  });

  it('ignores context and CSP headers that the client sends itself', async () => {
    const forged = 'Zm9yZ2VkZm9yZ2VkZm9yZ2Vk';
    const reply = await get(ports.default, '/', {
      'x-nonce': forged,
      'x-bulwark-request-id': 'forged-request-id',
      'x-bulwark-client-ip': '203.0.113.66',
      'content-security-policy': `script-src 'nonce-${forged}'`,
    });
    const nonce = nonceOf(reply);
    expect(nonce).not.toBe(forged);
    expect(reply.body).not.toContain(forged);
    expect(pageContext(reply.body)).toEqual({ requestId: reply.headers['x-request-id'], nonce });
  });

  it('answers a malformed Host with 400, not 500', async () => {
    for (const target of ['/', '/api/json']) {
      const reply = await get(ports.default, target, { host: 'bad host!' });
      expect(reply.status).toBe(400);
      expect(reply.body).not.toContain('Internal');
    }
  });
});

describe('Next.js 16 route handlers: protectRoute', () => {
  it('sends the api preset and Cache-Control: no-store', async () => {
    const reply = await get(ports.default, '/api/json');
    expect(reply.status).toBe(200);
    expect(reply.headers).toMatchObject({
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'cache-control': 'no-store',
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
    });
    expect(reply.headers['x-powered-by']).toBeUndefined();
    expect(JSON.parse(reply.body)).toMatchObject({ ok: true, requestId: reply.headers['x-request-id'] });
  });
});

describe('Next.js 16: request limits and CSRF', () => {
  const json = { 'content-type': 'application/json' };

  it('proxy.ts refuses cross-site and unsigned POSTs with 403, long URLs with 414', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await post(ports.default, '/', { ...form, 'sec-fetch-site': 'cross-site', origin: 'http://evil.example' }, 'a=1')).status).toBe(403);
    expect((await post(ports.default, '/', form, 'a=1')).status).toBe(403);
    expect((await get(ports.default, `/?q=${'a'.repeat(3000)}`)).status).toBe(414);
  });

  it('protectRoute: same-origin JSON is read whole; 2 MB declared or chunked is 413', async () => {
    const sameOrigin = { ...json, 'sec-fetch-site': 'same-origin' };
    const small = await post(ports.default, '/api/json', sameOrigin, '{"a":1}');
    expect(small.status).toBe(200);
    expect(JSON.parse(small.body)).toEqual({ size: 7 });
    expect((await post(ports.default, '/api/json', sameOrigin, Buffer.alloc(2 * 1024 * 1024, 0x20))).status).toBe(413);
    expect((await post(ports.default, '/api/json', sameOrigin, Buffer.alloc(2 * 1024 * 1024, 0x20), true)).status).toBe(413);
    expect((await post(ports.default, '/api/json', { ...json, 'sec-fetch-site': 'cross-site' }, '{}')).status).toBe(403);
  });
});

describe('Next.js 16: httpsRedirect', () => {
  it.each(['/?q=1', '/api/json?q=1'])('redirects GET %s with 308 to the Host the client asked for', async (target) => {
    const reply = await get(ports['https-redirect'], target, { host: 'app.example:8080' });
    expect(reply.status).toBe(308);
    expect(reply.headers.location).toBe(`https://app.example${target}`);
  });

  it('is not skipped by a client claiming X-Forwarded-Proto: https', async () => {
    const reply = await get(ports['https-redirect'], '/', { host: 'app.example', 'x-forwarded-proto': 'https' });
    expect(reply.status).toBe(308);
    expect(reply.headers.location).toBe('https://app.example/');
  });
});

describe('Next.js 16: client IP', () => {
  const forged = { 'x-forwarded-for': '203.0.113.66', 'x-forwarded-proto': 'https' };

  it('by default trusts no forwarding header: a forged X-Forwarded-For is not the client IP', async () => {
    const api = await get(ports.default, '/api/json', forged);
    expect(JSON.parse(api.body)).toMatchObject({ clientIp: null });
    const page = await get(ports.default, '/', forged);
    expect(pageContext(page.body).clientIp).toBeUndefined();
    expect(page.headers['strict-transport-security']).toBeUndefined();
  });

  it('with trustProxy: 1 behind an appending reverse proxy, takes the address the proxy saw', async () => {
    for (const localAddress of ['127.0.0.2', '127.0.0.3']) {
      const api = await get(ports.proxy, '/api/json', forged, localAddress);
      expect(JSON.parse(api.body)).toMatchObject({ clientIp: localAddress });
      const page = await get(ports.proxy, '/', forged, localAddress);
      expect(pageContext(page.body).clientIp).toBe(localAddress);
      // The proxy said https, and it is trusted: HSTS is sent.
      expect(page.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    }
  });
});
