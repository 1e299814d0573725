/**
 * CSRF in a real headless Chromium. An attacker page on one origin (http://127.0.0.1:A) submits a
 * form and sends a fetch() to the protected app on another (http://localhost:B): both must be refused
 * with 403 before the application runs. The same form posted from the app's own origin succeeds.
 */

import { createServer } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../harness/net.js';
import { ADAPTERS, closeAll, startApp, type AdapterName, type TestServer } from '../integration/support/apps.js';
import { launchChromium } from './support/chromium.js';

let browser: Browser;
let attacker: { port: number; close: () => Promise<void> };
const apps = {} as Record<AdapterName, TestServer>;

function attackerPage(target: string): string {
  return `<!doctype html>
<form id="f" method="POST" action="${target}/created"><input name="amount" value="1000"></form>
<script>
  window.fetchDone = fetch('${target}/created', {
    method: 'POST', mode: 'no-cors', credentials: 'include',
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'amount=1000',
  }).then(() => 'sent', (e) => 'error: ' + e);
</script>`;
}

beforeAll(async () => {
  browser = await launchChromium();
  await Promise.all(ADAPTERS.map(async (adapter) => (apps[adapter] = await startApp(adapter, { bulwark: { accessLog: true } }))));
  attacker = await listen(
    createServer((req, res) => {
      const target = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('target') ?? '';
      if (!/^http:\/\/localhost:\d{1,5}$/.test(target)) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/html' }).end(attackerPage(target));
    }),
  );
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([attacker?.close(), closeAll(apps)]);
});

/** Statuses bulwark logged for POST /created since `from` (the access log sees denials and successes). */
function postStatuses(app: TestServer, from: number): unknown[] {
  return app.events
    .slice(from)
    .filter((e) => e.type === 'http_access' && e.method === 'POST' && e.path === '/created')
    .map((e) => e.details?.status);
}

async function withPage<T>(work: (page: Page) => Promise<T>): Promise<T> {
  const context = await browser.newContext();
  try {
    return await work(await context.newPage());
  } finally {
    await context.close();
  }
}

describe.each(ADAPTERS)('%s behind bulwark in Chromium', (adapter) => {
  const target = () => `http://localhost:${apps[adapter].port}`;

  it('a cross-origin form POST and fetch() are refused with 403 before the application runs', async () => {
    const app = apps[adapter];
    const from = app.events.length;
    const formStatus = await withPage(async (page) => {
      await page.goto(`http://127.0.0.1:${attacker.port}/?target=${encodeURIComponent(target())}`);
      // The no-cors fetch is sent; its response is opaque (and blocked by CORP), so only the server knows the outcome.
      await page.evaluate(() => (window as unknown as { fetchDone: Promise<string> }).fetchDone);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/created')),
        page.evaluate(() => (document.getElementById('f') as HTMLFormElement).submit()),
      ]);
      return response.status();
    });
    expect(formStatus).toBe(403);
    expect(postStatuses(app, from)).toEqual([403, 403]);
    expect(app.events.slice(from).filter((e) => e.type === 'malicious_csrf')).toHaveLength(2);
  });

  it("the same form posted from the application's own origin succeeds", async () => {
    const app = apps[adapter];
    const from = app.events.length;
    const status = await withPage(async (page) => {
      await page.goto(`${target()}/page`);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/created')),
        page.evaluate(() => {
          const form = document.createElement('form');
          form.method = 'POST';
          form.action = '/created';
          form.innerHTML = '<input name="amount" value="1">';
          document.body.append(form);
          form.submit();
        }),
      ]);
      return response.status();
    });
    expect(status).toBe(201);
    expect(postStatuses(app, from)).toEqual([201]);
  });
});
