/**
 * Request limits, IP rules and CSRF on real servers: the same statuses from every adapter, and
 * streamed bodies stopped at the limit without the server buffering the rest.
 */

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, closeAll, startApp, type AdapterName, type TestServer } from './support/apps.js';
import { request, type RequestInit } from './support/http-client.js';

const MiB = 1024 * 1024;

interface Case {
  name: string;
  path: string;
  init?: RequestInit;
  status: number;
}

const CASES: Case[] = [
  { name: 'plain GET', path: '/page', status: 200 },
  { name: '3000-byte URL', path: `/page?q=${'a'.repeat(3000)}`, status: 414 },
  { name: '101 query parameters', path: `/page?${Array.from({ length: 101 }, (_, i) => `p${i}=1`).join('&')}`, status: 414 },
  { name: '101 header lines', path: '/page', init: { headers: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`x-h${i}`, '1'])) }, status: 431 },
  { name: 'TRACE', path: '/page', init: { method: 'TRACE' }, status: 405 },
  { name: 'double-encoded traversal', path: '/static/%252e%252e%252fetc%252fpasswd', status: 400 },
  { name: 'cross-site form POST', path: '/created', init: { method: 'POST', headers: { 'sec-fetch-site': 'cross-site', origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' }, status: 403 },
  { name: 'POST with no Sec-Fetch-Site, Origin or token', path: '/created', init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' }, status: 403 },
  { name: 'same-origin POST', path: '/created', init: { method: 'POST', headers: { 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' }, status: 201 },
  { name: 'POST with a foreign Origin', path: '/created', init: { method: 'POST', headers: { origin: 'http://evil.example' } }, status: 403 },
  { name: '2 MB JSON, declared', path: '/echo', init: { method: 'POST', headers: { 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, body: Buffer.alloc(2 * MiB, 0x20) }, status: 413 },
  { name: '2 MB JSON, chunked', path: '/echo', init: { method: 'POST', headers: { 'sec-fetch-site': 'same-origin', 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: Buffer.alloc(2 * MiB, 0x20) }, status: 413 },
  { name: '2 MB chunked to a handler that ignores the body', path: '/created', init: { method: 'POST', headers: { 'sec-fetch-site': 'same-origin', 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: Buffer.alloc(2 * MiB, 0x20) }, status: 201 },
  { name: '1 MB JSON, chunked', path: '/echo', init: { method: 'POST', headers: { 'sec-fetch-site': 'same-origin', 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: Buffer.alloc(MiB, 0x20) }, status: 200 },
  { name: 'XML body', path: '/echo', init: { method: 'POST', headers: { 'sec-fetch-site': 'same-origin', 'content-type': 'application/xml' }, body: '<a/>' }, status: 415 },
  { name: 'admin from loopback, not on the allow list', path: '/admin/page', status: 403 },
];

const servers = {} as Record<AdapterName, TestServer>;

beforeAll(async () => {
  await Promise.all(
    ADAPTERS.map(async (adapter) => {
      servers[adapter] = await startApp(adapter, {
        bulwark: { routes: [{ path: '/admin/**', ipRules: { allow: ['10.0.0.0/8'] } }], limits: { bodyIdleTimeoutMs: 300 } },
      });
    }),
  );
});
afterAll(() => closeAll(servers));

describe('the same statuses from every adapter', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const statuses = await Promise.all(ADAPTERS.map((adapter) => request(`${servers[adapter].url}${c.path}`, c.init).then((r) => r.status, () => 'reset')));
      expect(Object.fromEntries(ADAPTERS.map((a, i) => [a, statuses[i]]))).toEqual(Object.fromEntries(ADAPTERS.map((a) => [a, c.status])));
    });
  }

  it('the application saw a 1 MB chunked body whole', async () => {
    for (const adapter of ADAPTERS) {
      const response = await request(`${servers[adapter].url}/echo`, CASES.find((c) => c.name === '1 MB JSON, chunked')!.init);
      expect(JSON.parse(response.body)).toEqual({ size: MiB });
    }
  });
});

/** Streams `total` bytes of chunked body as fast as the server takes them; resolves with what came back. */
function streamAttack(port: number, total: number): Promise<{ head: string; sent: number; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    let sent = 0;
    let head = '';
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      resolve({ head, sent, closedAfterMs: Date.now() - started });
    };
    const pump = (): void => {
      while (!done && sent < total) {
        sent += chunk.length;
        if (!socket.write(frame)) return void socket.once('drain', pump);
      }
      if (!done) socket.end('0\r\n\r\n');
    };
    socket.on('connect', () => {
      socket.write(
        `POST /echo HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nSec-Fetch-Site: same-origin\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      pump();
    });
    socket.on('data', (data: Buffer) => (head += data.toString('latin1')));
    socket.on('close', finish);
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? finish() : reject(error)));
  });
}

describe('streamed bodies stop at the limit', () => {
  for (const adapter of ADAPTERS) {
    it(`${adapter}: 200 MB chunked against a 1 MB limit is answered 413 and closed, without buffering`, async () => {
      global.gc?.();
      const before = process.memoryUsage();
      const { head, sent, closedAfterMs } = await streamAttack(servers[adapter].port, 200 * MiB);
      const after = process.memoryUsage();
      expect(head).toMatch(/^HTTP\/1\.1 413 /);
      // The connection was cut long before 200 MB went over it.
      expect(sent).toBeLessThan(64 * MiB);
      expect(closedAfterMs).toBeLessThan(20_000);
      const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
      console.log(`${adapter}: 413 after sending ${(sent / MiB).toFixed(1)} MiB in ${closedAfterMs} ms; heap + buffers grew ${(grown / MiB).toFixed(1)} MiB`);
      expect(grown).toBeLessThan(32 * MiB);
    });

    it(`${adapter}: a body that stalls is answered 408, not hung on`, async () => {
      const port = servers[adapter].port;
      const head = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.write(`POST /echo HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nSec-Fetch-Site: same-origin\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`);
        });
        let text = '';
        socket.on('data', (data: Buffer) => (text += data.toString('latin1')));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
      expect(head).toMatch(/^HTTP\/1\.1 408 /);
    });
  }
});

describe('the CSRF token from a form field, with the body left for the application', () => {
  it('express.urlencoded() still parses every field after bulwark read _csrf', async () => {
    const { default: express } = await import('express');
    const { createBulwark } = await import('../../src/core/index.js');
    const { protect } = await import('../../src/adapters/express.js');
    const { listen } = await import('../harness/net.js');
    const app = express();
    app.use(protect(createBulwark()));
    app.get('/form', (_req, res) => res.json({ token: res.locals.bulwark.csrfToken }));
    app.post('/form', express.urlencoded({ extended: false }), (req, res) => res.json(req.body));
    const server = await listen((await import('node:http')).createServer(app));
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const page = await request(`${base}/form`, { headers: { accept: 'text/html' } });
      const cookie = String(page.headers['set-cookie']?.[0]).split(';')[0]!;
      const { token } = JSON.parse(page.body) as { token: string };
      const long = 'x'.repeat(90_000); // several chunks, under express.urlencoded's own 100 kB limit
      const body = `name=Ada&_csrf=${encodeURIComponent(token)}&long=${long}`;
      const headers = { cookie, 'content-type': 'application/x-www-form-urlencoded' };
      const accepted = await request(`${base}/form`, { method: 'POST', headers, body });
      expect(accepted.status).toBe(200);
      expect(JSON.parse(accepted.body)).toEqual({ name: 'Ada', _csrf: token, long });
      const forged = await request(`${base}/form`, { method: 'POST', headers, body: 'name=Ada&_csrf=forged.x' });
      expect(forged.status).toBe(403);
    } finally {
      await server.close();
    }
  });
});
