/**
 * The demo (`npm run demo`): started in-process on a free loopback port, checked over real HTTP and
 * in a real Chromium; and once as `node examples/demo/server.js`, to see it print its URL and exit
 * cleanly on SIGTERM.
 */

import { spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../examples/demo/app.js';
import { launchChromium } from '../browser/support/chromium.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** node:http rather than fetch: fetch refuses to send a Host header of our choosing. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    request.on('error', reject);
  });
}

function cspNonce(reply: Reply): string {
  const match = /'nonce-([A-Za-z0-9+/=]+)'/.exec(String(reply.headers['content-security-policy']));
  if (!match) throw new Error(`no nonce in CSP: ${String(reply.headers['content-security-policy'])}`);
  return match[1]!;
}

/** The context table's cells: `<code data-field="nonce">...</code>`. */
function field(body: string, name: string): string | undefined {
  for (const match of body.matchAll(/data-field="([A-Za-z]+)">([^<]*)</g)) if (match[1] === name) return match[2];
  return undefined;
}

describe('demo app', () => {
  let demo: RunningDemo;
  const lines: string[] = [];

  beforeAll(async () => {
    demo = await startDemo({ port: 0, host: '127.0.0.1', log: (line) => lines.push(line) });
  });
  afterAll(async () => {
    await demo?.close();
  });

  it('serves every page with the html preset and a nonce on each inline script and style', async () => {
    for (const feature of demo.features.filter((f) => !f.path.startsWith('/api'))) {
      const reply = await get(demo.port, feature.path);
      expect(reply.status, feature.path).toBe(200);
      const nonce = cspNonce(reply);
      expect(Buffer.from(nonce, 'base64')).toHaveLength(16);
      const csp = String(reply.headers['content-security-policy']);
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(reply.headers['content-security-policy-report-only']).toContain("require-trusted-types-for 'script'");
      expect(reply.headers['reporting-endpoints']).toBe('csp="/api/csp-reports"');
      expect(reply.headers['x-frame-options']).toBe('DENY');
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['cross-origin-embedder-policy']).toBe('require-corp');
      expect(reply.headers['x-powered-by']).toBeUndefined();
      expect(reply.headers['strict-transport-security']).toBeUndefined();
      const tags = reply.body.match(/<(script|style)\b[^>]*>/g) ?? [];
      expect(tags.length).toBeGreaterThanOrEqual(2);
      for (const tag of tags) {
        if (tag.includes('data-demo="no-nonce"')) continue;
        expect(tag, feature.path).toContain(`nonce="${nonce}"`);
      }
      expect(field(reply.body, 'nonce')).toBe(nonce);
      expect(field(reply.body, 'requestId')).toBe(reply.headers['x-request-id']);
      expect(field(reply.body, 'clientIp')).toBe('127.0.0.1');
    }
  });

  it('uses a fresh nonce and request id per response, and keeps a well-formed incoming request id', async () => {
    const [a, b] = [await get(demo.port, '/'), await get(demo.port, '/')];
    expect(cspNonce(a)).not.toBe(cspNonce(b));
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    const traced = await get(demo.port, '/', { 'x-request-id': 'my-trace-0001' });
    expect(traced.headers['x-request-id']).toBe('my-trace-0001');
  });

  it('sends HSTS only when the trusted loopback proxy says the request was HTTPS', async () => {
    const reply = await get(demo.port, '/headers', { 'x-forwarded-proto': 'https' });
    expect(reply.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    expect(field(reply.body, 'secure')).toBe('true');
  });

  it('takes the client IP from trusted hops only; a forged leftmost entry is ignored', async () => {
    const forged = JSON.parse((await get(demo.port, '/api/ip', { 'x-forwarded-for': '6.6.6.6, 203.0.113.7' })).body);
    expect(forged).toMatchObject({ clientIp: '203.0.113.7', clientIpWithoutTrustedProxies: '127.0.0.1', socketPeer: '127.0.0.1' });
    const direct = JSON.parse((await get(demo.port, '/api/ip')).body);
    expect(direct.clientIp).toBe('127.0.0.1');
    const v6 = JSON.parse((await get(demo.port, '/api/ip', { 'x-forwarded-for': '2001:DB8:0:1:0:0:0:1' })).body);
    expect(v6).toMatchObject({ clientIp: '2001:db8:0:1::1', rateLimitKey: '2001:db8::/56' });
  });

  it('answers a malformed Host with 400 and records an input_validation_fail event', async () => {
    const reply = await get(demo.port, '/', { host: 'bad..host' });
    expect(reply.status).toBe(400);
    expect(reply.body).toContain('Bad request');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    const requestId = String(reply.headers['x-request-id']);
    const event = demo.feed.list().find((e) => e.requestId === requestId);
    expect(event).toMatchObject({ type: 'input_validation_fail', level: 'WARN' });
    const events = JSON.parse((await get(demo.port, '/api/events')).body).events as { requestId: string }[];
    expect(events.map((e) => e.requestId)).toContain(requestId);
  });

  it('serves the JSON routes under the api preset', async () => {
    const reply = await get(demo.port, '/api/info');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toContain('application/json');
    expect(reply.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(reply.headers['cache-control']).toBe('no-store');
    const info = JSON.parse(reply.body);
    expect(info).toMatchObject({ preset: 'api', nonce: null, clientIp: '127.0.0.1', requestId: reply.headers['x-request-id'] });
    const missing = await get(demo.port, '/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(missing.body).error.code).toBe('not_found');
  });

  it('writes one access-log line per request to its console logger', async () => {
    const reply = await get(demo.port, '/events?token=secret-value');
    const requestId = String(reply.headers['x-request-id']);
    // The line is written when the response finishes, which may be a tick after the client has it.
    await expect.poll(() => lines.some((l) => l.includes(requestId))).toBe(true);
    const line = lines.find((l) => l.includes(requestId));
    expect(line).toContain('http_access: GET /events 200');
    expect(line).not.toContain('secret-value');
  });

  describe('in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it("runs the nonce'd script, blocks the other, and its links work over plain HTTP", async () => {
      const page = await browser.newPage();
      await page.goto(`${demo.url}/`);
      await expect.poll(() => page.textContent('#csp-check')).toBe("The nonce'd inline script ran.");
      expect(await page.textContent('#csp-blocked')).toBe('The inline script without a nonce did not run.');
      await Promise.all([page.waitForURL(`${demo.url}/headers`), page.click('nav a[href="/headers"]')]);
      expect(await page.textContent('#csp-check')).toBe("The nonce'd inline script ran.");
      await page.close();
    });
  });
});

describe('node examples/demo/server.js', () => {
  it('prints its URL and what to try, serves, and exits cleanly on SIGTERM', async () => {
    const script = fileURLToPath(new URL('../../examples/demo/server.js', import.meta.url));
    const child = spawn(process.execPath, [script], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1' } });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
          if (match && output.includes('Ctrl-C stops')) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`demo exited with ${code}: ${output}`)));
      });
      expect(output).toContain(`curl -i ${url}/api/info`);
      const reply = await get(Number(new URL(url).port), '/');
      expect(reply.status).toBe(200);
      expect(reply.headers['content-security-policy']).toContain("'nonce-");
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
