/**
 * The page the browser suites load, served through each adapter, and the probe that reads back what
 * the browser let run. Servers listen on 127.0.0.1 only and log every path they are asked for.
 */

import { createServer, type Server } from 'node:http';
import express from 'express';
import type { Page } from 'playwright-core';
import { protect as protectExpress } from '../../../src/adapters/express.js';
import { protect as protectFetch, toNodeListener } from '../../../src/adapters/fetch.js';
import { createBulwark, type BulwarkOptions, type RequestContext } from '../../../src/core/index.js';
import { listen } from '../../harness/net.js';

/** A syntactically valid nonce that is not the request's (that one is 128 random bits). */
const WRONG_NONCE = 'AAAAAAAAAAAAAAAAAAAAAA==';

export const APP_JS = 'window.ranExternal = true;\n';

export function fixturePage(nonce: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>bulwark fixture</title>
<script nonce="${nonce}">
  window.violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.effectiveDirective + ' ' + e.blockedURI));
  window.addEventListener('error', (e) => { if (e.target instanceof HTMLImageElement) window.imgErrored = true; }, true);
  window.ranWithNonce = true;
  try { eval('window.evalRan = true'); window.evalOutcome = 'ran'; } catch (error) { window.evalOutcome = error.name; }
</script>
<base href="/elsewhere/">
<style nonce="${nonce}">#with-nonce { color: rgb(0, 128, 0); }</style>
<style>#without-nonce { color: rgb(255, 0, 0); }</style>
</head><body>
<p id="with-nonce">a</p><p id="without-nonce">b</p><p id="attr" style="color: rgb(0, 0, 255)">c</p>
<script>window.ranWithoutNonce = true;</script>
<script nonce="${WRONG_NONCE}">window.ranWrongNonce = true;</script>
<img src="x" alt="" onerror="window.ranHandler = true">
<object data="/object.html" type="text/html"></object>
<embed src="/embed.html" type="text/html">
<script src="/app.js"></script>
</body></html>`;
}

export interface FixtureServer {
  origin: string;
  /** Paths the server was asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** With the CSP switched off there is no nonce; the page is still served (every script runs then). */
function respondHtml(nonce: string | undefined): string {
  return fixturePage(nonce ?? '');
}

async function serve(server: Server, requests: string[]): Promise<FixtureServer> {
  const { port, close } = await listen(server);
  return { origin: `http://127.0.0.1:${port}`, requests, close };
}

export async function startExpressFixture(options?: BulwarkOptions): Promise<FixtureServer> {
  const requests: string[] = [];
  const app = express();
  app.use((req, _res, next) => {
    requests.push(req.path);
    next();
  });
  app.use(protectExpress(createBulwark(options)));
  app.get('/', (_req, res) => {
    res.type('html').send(respondHtml((res.locals.bulwark as RequestContext).nonce));
  });
  app.get('/app.js', (_req, res) => {
    res.type('text/javascript').send(APP_JS);
  });
  return serve(createServer(app), requests);
}

export async function startFetchFixture(options?: BulwarkOptions): Promise<FixtureServer> {
  const requests: string[] = [];
  const handler = protectFetch(createBulwark(options), (request, context) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/') return new Response(respondHtml(context.nonce), { headers: { 'content-type': 'text/html; charset=utf-8' } });
    if (pathname === '/app.js') return new Response(APP_JS, { headers: { 'content-type': 'text/javascript' } });
    return new Response('Not found', { status: 404 });
  });
  const listener = toNodeListener(handler);
  const server = createServer((req, res) => {
    requests.push(new URL(req.url ?? '/', 'http://x').pathname);
    listener(req, res);
  });
  return serve(server, requests);
}

export interface FixtureResults {
  ran: Record<'withNonce' | 'withoutNonce' | 'wrongNonce' | 'handler' | 'external' | 'eval', boolean>;
  evalOutcome: unknown;
  imgErrored: boolean;
  baseApplied: boolean;
  colors: Record<'withNonce' | 'withoutNonce' | 'attr', string>;
  /** `effectiveDirective blockedURI`, with this server's origin written as ORIGIN, sorted. */
  violations: string[];
}

/** Loads the fixture page and reads back what ran, what was styled and which violations were reported. */
export async function probeFixture(page: Page, origin: string): Promise<FixtureResults> {
  await page.goto(`${origin}/`);
  // Violation events are queued tasks: let the ones that follow the load event arrive.
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
  const raw = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    // No named helper functions in here: the transpiler would wrap them in a helper the page does not have.
    const [withNonce, withoutNonce, attr] = ['with-nonce', 'without-nonce', 'attr'].map((id) => getComputedStyle(document.getElementById(id)!).color);
    return {
      ran: {
        withNonce: w.ranWithNonce === true,
        withoutNonce: w.ranWithoutNonce === true,
        wrongNonce: w.ranWrongNonce === true,
        handler: w.ranHandler === true,
        external: w.ranExternal === true,
        eval: w.evalRan === true,
      },
      evalOutcome: w.evalOutcome,
      imgErrored: w.imgErrored === true,
      baseApplied: document.baseURI !== location.href,
      colors: { withNonce: withNonce!, withoutNonce: withoutNonce!, attr: attr! },
      violations: w.violations as string[],
    };
  });
  return { ...raw, violations: raw.violations.map((v) => v.split(origin).join('ORIGIN')).sort() };
}
