/**
 * The default (html preset) Content-Security-Policy in a real headless Chromium, through the Express
 * and the Fetch adapters: exactly the nonce'd inline code and same-origin scripts run; everything
 * else is blocked and reported.
 */

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectConsole, launchChromium } from './support/chromium.js';
import { probeFixture, startExpressFixture, startFetchFixture, type FixtureResults, type FixtureServer } from './support/fixture.js';

let browser: Browser;
const adapters = { express: startExpressFixture, fetch: startFetchFixture } as const;
const results: Partial<Record<keyof typeof adapters, FixtureResults>> = {};

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(Object.keys(adapters) as (keyof typeof adapters)[])('default CSP through the %s adapter', (adapter) => {
  let server: FixtureServer;
  let page: Page;
  let consoleMessages: string[];
  let requestedUrls: string[];
  let cspHeader: string | undefined;
  let result: FixtureResults;

  beforeAll(async () => {
    server = await adapters[adapter]();
    page = await browser.newPage();
    consoleMessages = collectConsole(page);
    requestedUrls = [];
    page.on('request', (request) => requestedUrls.push(request.url()));
    page.on('response', (response) => {
      if (response.url() === `${server.origin}/`) cspHeader = response.headers()['content-security-policy'];
    });
    result = await probeFixture(page, server.origin);
    results[adapter] = result;
  });

  afterAll(async () => {
    await page?.close();
    await server?.close();
  });

  it('runs the inline script that carries the request nonce, and no other inline script', () => {
    expect(result.ran.withNonce).toBe(true);
    expect(result.ran.withoutNonce).toBe(false);
    expect(result.ran.wrongNonce).toBe(false);
  });

  it('blocks inline event handlers (the image error did fire)', () => {
    expect(result.imgErrored).toBe(true);
    expect(result.ran.handler).toBe(false);
  });

  it('blocks eval() inside the allowed script with an EvalError', () => {
    expect(result.ran.eval).toBe(false);
    expect(result.evalOutcome).toBe('EvalError');
  });

  it("runs a same-origin external script ('self')", () => {
    expect(result.ran.external).toBe(true);
    expect(server.requests).toContain('/app.js');
  });

  it('applies the nonce\'d <style> and blocks the <style> and style attribute without it', () => {
    expect(result.colors).toEqual({ withNonce: 'rgb(0, 128, 0)', withoutNonce: 'rgb(0, 0, 0)', attr: 'rgb(0, 0, 0)' });
  });

  it("ignores <base href> (base-uri 'none')", () => {
    expect(result.baseApplied).toBe(false);
    expect(server.requests).toContain('/x');
    expect(server.requests).not.toContain('/elsewhere/x');
  });

  it("never fetches <object> or <embed> data (object-src 'none')", () => {
    expect(server.requests).not.toContain('/object.html');
    expect(server.requests).not.toContain('/embed.html');
  });

  it('reports exactly the expected securitypolicyviolation events', () => {
    expect(result.violations).toEqual([
      'base-uri ORIGIN/elsewhere/',
      'object-src ORIGIN/embed.html',
      'object-src ORIGIN/object.html',
      'script-src eval',
      'script-src-attr inline',
      'script-src-elem inline',
      'script-src-elem inline',
      'style-src-attr inline',
      'style-src-elem inline',
    ]);
  });

  it('logs each violation to the console', () => {
    const count = (text: string): number => consoleMessages.filter((m) => m.startsWith('error: ') && m.includes(text)).length;
    expect(count("\"base-uri 'none'\"")).toBe(1);
    expect(count("\"object-src 'none'\"")).toBe(2);
    expect(count('Executing inline script violates')).toBe(2);
    expect(count('Executing inline event handler violates')).toBe(1);
    expect(count('Applying inline style violates')).toBe(2);
  });

  it('keeps http://127.0.0.1 subresources on http despite upgrade-insecure-requests', () => {
    expect(cspHeader).toMatch(/(^|; )upgrade-insecure-requests(;|$)/);
    expect(requestedUrls).toContain(`${server.origin}/app.js`);
    expect(requestedUrls.filter((url) => url.startsWith('https:'))).toEqual([]);
  });
});

describe('adapter parity', () => {
  it('Express and Fetch pages behave identically in the browser', () => {
    expect(results.express).toBeDefined();
    expect(results.fetch).toEqual(results.express);
  });
});
