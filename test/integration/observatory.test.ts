/**
 * The acceptance check for security headers: Express 5, Koa 3 and node:http (through the Fetch
 * adapter) behind `createBulwark()` defaults, served over HTTPS on localhost with an HTTP port that
 * redirects, graded by the MDN HTTP Observatory (algorithm v4) run locally. helmet's defaults are
 * graded in the same run as the baseline.
 */

import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import helmet from 'helmet';
import Koa from 'koa';
import { createBulwark, type BulwarkOptions } from 'bulwark';
import { protect as protectExpress } from 'bulwark/express';
import { protect as protectFetch, toNodeListener } from 'bulwark/fetch';
import { protect as protectKoa } from 'bulwark/koa';
import { listen } from '../harness/net.js';
import { ensureObservatory, formatScanTable, scanWithObservatory, type ScanResult, type ScanTarget } from '../harness/observatory.js';
import { createLocalCertificate, type LocalCertificate } from '../harness/tls.js';

const HOST = 'localhost';
const JSON_PATH = '/api/status';
const PAGE = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bulwark</title></head><body><p>Hello</p></body></html>';

type Framework = 'express' | 'koa' | 'fetch';
type AppFactory = (options: BulwarkOptions) => RequestListener;

/** Each app serves an HTML page at every path but one JSON route, the way the framework does it. */
const APPS: Record<Framework, AppFactory> = {
  express: (options) => {
    const app = express();
    app.use(protectExpress(createBulwark(options)));
    app.get(JSON_PATH, (_req, res) => void res.json({ status: 'ok' }));
    app.use((_req, res) => void res.type('html').send(PAGE));
    return app;
  },
  koa: (options) => {
    const app = new Koa();
    app.use(protectKoa(createBulwark(options)));
    app.use((ctx) => {
      ctx.body = ctx.path === JSON_PATH ? { status: 'ok' } : PAGE;
    });
    return app.callback();
  },
  fetch: (options) =>
    toNodeListener(
      protectFetch(createBulwark(options), (request) => {
        if (new URL(request.url).pathname === JSON_PATH) return Response.json({ status: 'ok' });
        return new Response(PAGE, { headers: { 'content-type': 'text/html; charset=utf-8' } });
      }),
    ),
};

function helmetApp(): RequestListener {
  const app = express();
  app.use(helmet());
  app.get(JSON_PATH, (_req, res) => void res.json({ status: 'ok' }));
  app.use((_req, res) => void res.type('html').send(PAGE));
  return app;
}

/** helmet has no HTTPS redirect; give its HTTP port the same 308 bulwark sends, so only headers differ. */
function redirectTo(httpsPort: number): RequestListener {
  return (req, res) => {
    res.statusCode = 308;
    res.setHeader('location', `https://${HOST}:${httpsPort}${req.url ?? '/'}`);
    res.end();
  };
}

const servers: { close: () => Promise<void> }[] = [];
let certificate: LocalCertificate | undefined;
let results: ScanResult[] = [];

/** Starts the HTTPS listener, then the HTTP one (which needs the HTTPS port to redirect to). */
async function serve(name: string, https: RequestListener, http: (httpsPort: number) => RequestListener, path?: string): Promise<ScanTarget> {
  const tls = certificate!;
  const secure = await listen(createHttpsServer({ key: tls.key, cert: tls.cert }, https) as Server);
  servers.push(secure);
  const plain = await listen(createHttpServer(http(secure.port)));
  servers.push(plain);
  return { name, host: HOST, httpPort: plain.port, httpsPort: secure.port, ...(path ? { path } : {}) };
}

function result(name: string): ScanResult {
  const found = results.find((r) => r.name === name);
  if (!found) throw new Error(`no scan result for ${name}`);
  return found;
}

describe('MDN HTTP Observatory grades (algorithm v4, local scan)', () => {
  beforeAll(async () => {
    ensureObservatory();
    certificate = createLocalCertificate();
    const targets: ScanTarget[] = [];
    for (const framework of Object.keys(APPS) as Framework[]) {
      const app = APPS[framework];
      for (const [preset, path] of [['html', undefined], ['api', JSON_PATH]] as const) {
        const options: BulwarkOptions = preset === 'api' ? { headers: { preset: 'api' } } : {};
        targets.push(
          await serve(`${framework} ${preset}`, app(options), (port) => app({ ...options, httpsRedirect: { port } }), path),
        );
      }
    }
    targets.push(await serve('express helmet()', helmetApp(), redirectTo));
    targets.push(await serve('express helmet() json', helmetApp(), redirectTo, JSON_PATH));
    results = await scanWithObservatory(targets, certificate.caFile);
    console.log(`MDN HTTP Observatory (local scan)\n${formatScanTable(results)}`);
  }, 600_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    certificate?.remove();
  });

  it('grades with algorithm v4 and contacts nothing but localhost', () => {
    expect(results.map((r) => r.algorithmVersion)).toEqual(results.map(() => 4));
    expect(results[0]?.contacted.length).toBeGreaterThan(0);
    for (const host of results[0]?.contacted ?? []) expect(['localhost', '127.0.0.1', '::1']).toContain(host);
  });

  it('trusts the local CA: the HTTP port redirects to HTTPS and HSTS counts', () => {
    for (const r of results) {
      const byName = new Map(r.tests.map((t) => [t.name, t]));
      expect(byName.get('redirection')?.result, r.name).toBe('redirection-to-https');
      expect(byName.get('strict-transport-security')?.result, r.name).toBe('hsts-implemented-max-age-at-least-six-months');
    }
  });

  it.each(['express', 'koa', 'fetch'] as const)('%s with createBulwark() defaults scores at least 125', (framework) => {
    const scan = result(`${framework} html`);
    expect(scan.statusCode).toBe(200);
    expect(scan.score).toBeGreaterThanOrEqual(125);
    expect(scan.tests.every((t) => t.pass), JSON.stringify(scan.tests.filter((t) => !t.pass))).toBe(true);
  });

  it.each(['express', 'koa', 'fetch'] as const)("%s with the 'api' preset on a JSON route scores at least 130", (framework) => {
    const scan = result(`${framework} api`);
    expect(scan.statusCode).toBe(200);
    expect(scan.score).toBeGreaterThanOrEqual(130);
    expect(scan.tests.every((t) => t.pass), JSON.stringify(scan.tests.filter((t) => !t.pass))).toBe(true);
  });

  it("scores above helmet's defaults in every framework", () => {
    const helmetScore = Math.max(result('express helmet()').score, result('express helmet() json').score);
    for (const framework of ['express', 'koa', 'fetch']) {
      expect(result(`${framework} html`).score, framework).toBeGreaterThan(helmetScore);
    }
  });
});
