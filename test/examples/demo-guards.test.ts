/** The demo's limits, IP rules and CSRF page, over real HTTP and in Chromium. */

import http from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../examples/demo/app.js';
import { launchChromium } from '../browser/support/chromium.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    request.end(body);
  });
}

describe('demo: limits, IP rules, CSRF', () => {
  let demo: RunningDemo;
  beforeAll(async () => {
    demo = await startDemo({ port: 0, host: '127.0.0.1', log: () => {} });
  });
  afterAll(async () => {
    await demo?.close();
  });

  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  it('refuses cross-site and unsigned form posts with 403; accepts the token from the page', async () => {
    expect((await send(demo.port, 'POST', '/guards/transfer', { ...form, 'sec-fetch-site': 'cross-site' }, 'amount=1')).status).toBe(403);
    expect((await send(demo.port, 'POST', '/guards/transfer', form, 'amount=1')).status).toBe(403);
    const page = await send(demo.port, 'GET', '/guards', { accept: 'text/html' });
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    const cookie = String(page.headers['set-cookie']?.[0]).split(';')[0]!;
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const accepted = await send(demo.port, 'POST', '/guards/transfer', { ...form, cookie }, `amount=1&_csrf=${encodeURIComponent(token!)}`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toContain('id="accepted"');
  });

  it('answers 414 for a 3000-byte URL', async () => {
    expect((await send(demo.port, 'GET', `/guards?q=${'a'.repeat(3000)}`)).status).toBe(414);
  });

  it('takes an upload under its 2 MiB limit and answers 413 above it, declared or chunked', async () => {
    const headers = { 'sec-fetch-site': 'same-origin', 'content-type': 'application/octet-stream' };
    const small = await send(demo.port, 'POST', '/upload', headers, Buffer.alloc(1024 * 1024));
    expect(JSON.parse(small.body)).toEqual({ received: 1024 * 1024 });
    expect((await send(demo.port, 'POST', '/upload', headers, Buffer.alloc(3_000_000))).status).toBe(413);
    expect((await send(demo.port, 'POST', '/upload', { ...headers, 'transfer-encoding': 'chunked' }, Buffer.alloc(3_000_000))).status).toBe(413);
  });

  it('lets only 10.0.0.0/8 into /admin', async () => {
    expect((await send(demo.port, 'GET', '/admin')).status).toBe(403);
    const inside = await send(demo.port, 'GET', '/admin', { 'x-forwarded-for': '10.1.2.3' });
    expect(inside.status).toBe(200);
    expect(inside.body).toContain('10.1.2.3');
  });

  describe('in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('the form on the page posts and is accepted', async () => {
      const page = await browser.newPage();
      await page.goto(`${demo.url}/guards`);
      await Promise.all([page.waitForURL(/\/guards\/transfer$/), page.click('#transfer')]);
      expect(await page.locator('#accepted').count()).toBe(1);
      await page.close();
    });
  });
});
