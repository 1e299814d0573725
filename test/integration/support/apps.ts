/**
 * The same small application served by Express 5, Koa 3 and node:http through the Fetch adapter,
 * each behind `protect()` and listening on a free loopback port.
 *
 * Routes (identical in all three; another adapter joins parity by serving the same ones):
 *   /page      HTML with an inline script carrying the CSP nonce
 *   /context   JSON: the request context the framework handed to the handler
 *   /override  sets its own Content-Security-Policy, Cache-Control and X-Frame-Options
 *   /powered   sets X-Powered-By and Server itself, after the middleware ran
 *   /api/data  JSON
 *   /created   201
 *   /echo      reads the whole request body and answers its size in bytes (JSON)
 *   anything else: 404 from the application
 */

import http from 'node:http';
import https from 'node:https';
import express from 'express';
import Koa from 'koa';
import { createBulwark, type BulwarkOptions, type RequestContext, type SecurityEvent } from '../../../src/core/index.js';
import { protect as protectExpress } from '../../../src/adapters/express.js';
import { protect as protectFetch, toNodeListener } from '../../../src/adapters/fetch.js';
import { protect as protectKoa } from '../../../src/adapters/koa.js';
import { listen } from '../../harness/net.js';

export type AdapterName = 'express' | 'koa' | 'fetch';
export const ADAPTERS: readonly AdapterName[] = ['express', 'koa', 'fetch'];

export interface StartOptions {
  bulwark?: BulwarkOptions;
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: string; cert: string };
}

export interface TestServer {
  adapter: AdapterName;
  port: number;
  /** `http://127.0.0.1:port` or `https://localhost:port`. */
  url: string;
  /** How many times the application handler ran (after bulwark let the request through). */
  calls: number;
  /** Every security event bulwark emitted. */
  events: SecurityEvent[];
  close(): Promise<void>;
}

interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const PAGE_ROUTE = '/page';

function appResponse(path: string, context: RequestContext | undefined): AppResponse {
  const html = { 'content-type': 'text/html; charset=utf-8' };
  const json = { 'content-type': 'application/json; charset=utf-8' };
  const text = { 'content-type': 'text/plain; charset=utf-8' };
  switch (path) {
    case '/page':
      return { status: 200, headers: html, body: `<!doctype html><title>t</title><script nonce="${context?.nonce ?? ''}">1</script>` };
    case '/context':
      return { status: 200, headers: json, body: JSON.stringify(context ?? null) };
    case '/override':
      return {
        status: 200,
        headers: { ...text, 'content-security-policy': "default-src 'self'", 'cache-control': 'public, max-age=60', 'x-frame-options': 'SAMEORIGIN' },
        body: 'own headers\n',
      };
    case '/powered':
      return { status: 200, headers: { ...text, 'x-powered-by': 'Custom/1.0', server: 'Custom' }, body: 'powered\n' };
    case '/api/data':
      return { status: 200, headers: json, body: '{"ok":true}' };
    case '/created':
      return { status: 201, headers: text, body: 'created\n' };
    default:
      return { status: 404, headers: text, body: 'Not found\n' };
  }
}

type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Reads a node request body to the end; the size, or the error that stopped it. */
function bodySize(req: http.IncomingMessage): Promise<number> {
  return new Promise((resolve, reject) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () => resolve(size));
    req.on('error', reject);
  });
}

function echo(size: number): AppResponse {
  return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ size }) };
}

function expressApp(bulwark: ReturnType<typeof createBulwark>, count: () => void): Listener {
  const app = express();
  app.use(protectExpress(bulwark));
  app.post('/echo', (req, res, next) => {
    count();
    bodySize(req).then((size) => res.json({ size }), next);
  });
  app.use((req, res) => {
    count();
    const out = appResponse(req.path, res.locals.bulwark as RequestContext | undefined);
    res.status(out.status).set(out.headers).send(out.body);
  });
  return app;
}

function koaApp(bulwark: ReturnType<typeof createBulwark>, count: () => void): Listener {
  const app = new Koa();
  app.use(protectKoa(bulwark));
  app.use(async (ctx) => {
    count();
    if (ctx.path === '/echo') {
      const out = echo(await bodySize(ctx.req));
      ctx.set(out.headers);
      ctx.body = out.body;
      return;
    }
    const out = appResponse(ctx.path, ctx.state.bulwark as RequestContext | undefined);
    ctx.status = out.status;
    ctx.set(out.headers);
    ctx.body = out.body;
  });
  return app.callback();
}

function fetchApp(bulwark: ReturnType<typeof createBulwark>, count: () => void): Listener {
  return toNodeListener(
    protectFetch(bulwark, async (request, context) => {
      count();
      const path = new URL(request.url).pathname;
      const out = path === '/echo' ? echo((await request.arrayBuffer()).byteLength) : appResponse(path, context);
      return new Response(out.body, { status: out.status, headers: out.headers });
    }),
  );
}

const APPS: Record<AdapterName, typeof expressApp> = { express: expressApp, koa: koaApp, fetch: fetchApp };

export async function startApp(adapter: AdapterName, options: StartOptions = {}): Promise<TestServer> {
  const events: SecurityEvent[] = [];
  const userOnEvent = options.bulwark?.onEvent;
  const bulwark = createBulwark({
    ...options.bulwark,
    onEvent: (event) => {
      events.push(event);
      userOnEvent?.(event);
    },
  });
  const state = { calls: 0 };
  const listener = APPS[adapter](bulwark, () => {
    state.calls += 1;
  });
  const server = options.tls ? https.createServer(options.tls, listener) : http.createServer(listener);
  const { port, close } = await listen(server);
  return {
    adapter,
    port,
    url: options.tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`,
    get calls() {
      return state.calls;
    },
    events,
    close,
  };
}

/** Starts one server per adapter with the same options. */
export async function startAll(options: StartOptions = {}): Promise<Record<AdapterName, TestServer>> {
  const [expressServer, koaServer, fetchServer] = await Promise.all(ADAPTERS.map((name) => startApp(name, options)));
  return { express: expressServer!, koa: koaServer!, fetch: fetchServer! };
}

export async function closeAll(servers: Iterable<TestServer> | Record<string, TestServer> | undefined): Promise<void> {
  if (servers === undefined) return;
  const list = Symbol.iterator in servers ? [...(servers as Iterable<TestServer>)] : Object.values(servers);
  await Promise.all(list.map((s) => s.close()));
}
