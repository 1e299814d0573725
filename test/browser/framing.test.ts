/**
 * Clickjacking defence in a real headless Chromium: a page on another origin (another port) frames
 * the protected page. frame-ancestors 'none' and X-Frame-Options: DENY must each keep it out; an
 * unprotected page in the same frame loads, which shows the probe can tell the difference.
 */

import { createServer } from 'node:http';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../harness/net.js';
import { collectConsole, launchChromium } from './support/chromium.js';
import { startExpressFixture, type FixtureServer } from './support/fixture.js';

let browser: Browser;
let framer: { port: number; close: () => Promise<void> };
let unprotected: { port: number; close: () => Promise<void> };
const fixtures: FixtureServer[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  // The framing page: a different origin from every target (its own port). ?src= names the target.
  framer = await listen(
    createServer((req, res) => {
      const src = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('src') ?? '';
      if (!/^http:\/\/127\.0\.0\.1:\d{1,5}\/$/.test(src)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><iframe id="target" src="${src}"></iframe>`);
    }),
  );
  unprotected = await listen(
    createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script>window.ranWithNonce = true;</script>');
    }),
  );
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([framer?.close(), unprotected?.close(), ...fixtures.map((f) => f.close())]);
});

interface FramedOutcome {
  frameUrl: string;
  /** Whether the framed page's script ran inside the frame. */
  framedScriptRan: unknown;
  console: string[];
}

async function frameFrom(target: string): Promise<FramedOutcome> {
  const page: Page = await browser.newPage();
  try {
    const messages = collectConsole(page);
    await page.goto(`http://127.0.0.1:${framer.port}/?src=${encodeURIComponent(target)}`);
    const frame: Frame | undefined = page.frames().find((f) => f !== page.mainFrame());
    if (!frame) throw new Error('the framing page has no child frame');
    const framedScriptRan = await frame.evaluate(() => (window as unknown as { ranWithNonce?: boolean }).ranWithNonce ?? false);
    return { frameUrl: frame.url(), framedScriptRan, console: messages };
  } finally {
    await page.close();
  }
}

describe('framing by another origin', () => {
  it('loads an unprotected page in the frame (control)', async () => {
    const target = `http://127.0.0.1:${unprotected.port}/`;
    const outcome = await frameFrom(target);
    expect(outcome.frameUrl).toBe(target);
    expect(outcome.framedScriptRan).toBe(true);
  });

  it("blocks the default-protected page (frame-ancestors 'none' + X-Frame-Options: DENY)", async () => {
    const fixture = await startExpressFixture();
    fixtures.push(fixture);
    const outcome = await frameFrom(`${fixture.origin}/`);
    expect(fixture.requests).toContain('/'); // the server answered: the browser refused to show it
    expect(outcome.framedScriptRan).toBe(false);
    expect(outcome.frameUrl).toBe('chrome-error://chromewebdata/'); // Chromium's error page, not the target
    expect(outcome.console.some((m) => m.includes("frame-ancestors 'none'"))).toBe(true);
  });

  it('blocks with X-Frame-Options: DENY alone when the CSP is switched off', async () => {
    const fixture = await startExpressFixture({ headers: { contentSecurityPolicy: false } });
    fixtures.push(fixture);
    const outcome = await frameFrom(`${fixture.origin}/`);
    expect(fixture.requests).toContain('/');
    expect(outcome.framedScriptRan).toBe(false);
    expect(outcome.frameUrl).toBe('chrome-error://chromewebdata/'); // Chromium's error page, not the target
    expect(outcome.console.some((m) => /X-Frame-Options/i.test(m) && m.includes("'deny'"))).toBe(true);
  });
});
