/**
 * The injection guard's body scan on real servers: the same statuses from every adapter, the body
 * still whole for the application after the guard read it, and a stalled body answered 408.
 */

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, closeAll, startApp, type AdapterName, type TestServer } from './support/apps.js';
import { request } from './support/http-client.js';

const servers = {} as Record<AdapterName, TestServer>;

beforeAll(async () => {
  await Promise.all(
    ADAPTERS.map(async (adapter) => {
      servers[adapter] = await startApp(adapter, { bulwark: { injection: { body: true }, limits: { bodyIdleTimeoutMs: 300 } } });
    }),
  );
});
afterAll(() => closeAll(servers));

function post(adapter: AdapterName, contentType: string, body: string | Buffer, extra: Record<string, string> = {}) {
  return request(`${servers[adapter].url}/echo`, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin', 'content-type': contentType, ...extra }, body });
}

async function statuses(contentType: string, body: string | Buffer, extra?: Record<string, string>): Promise<Record<string, number>> {
  const answers = await Promise.all(ADAPTERS.map((adapter) => post(adapter, contentType, body, extra)));
  return Object.fromEntries(ADAPTERS.map((adapter, i) => [adapter, answers[i]!.status]));
}

const everywhere = (status: number): Record<string, number> => Object.fromEntries(ADAPTERS.map((adapter) => [adapter, status]));

describe('body scanning in every adapter', () => {
  it('refuses SQL injection in a JSON body and XSS in a form body with 400', async () => {
    expect(await statuses('application/json', JSON.stringify({ search: "' UNION SELECT password FROM users --" }))).toEqual(everywhere(400));
    expect(await statuses('application/x-www-form-urlencoded', 'comment=%3Csvg%20onload%3Dalert(1)%3E')).toEqual(everywhere(400));
    expect(await statuses('application/json', JSON.stringify({ login: { $gt: '' } }), { 'transfer-encoding': 'chunked' })).toEqual(everywhere(400));
  });

  it('passes ordinary bodies on whole: the application reads every byte after the guard', async () => {
    const json = Buffer.from(JSON.stringify({ items: Array.from({ length: 400 }, (_, i) => ({ id: i, name: `O'Brien & sons ${i}` })) }));
    for (const adapter of ADAPTERS) {
      const response = await post(adapter, 'application/json', json, { 'transfer-encoding': 'chunked' });
      expect(response.status, adapter).toBe(200);
      expect(JSON.parse(response.body), adapter).toEqual({ size: json.length });
      const form = 'name=Mary+O%27Brien&note=select+the+union+option';
      expect(JSON.parse((await post(adapter, 'application/x-www-form-urlencoded', form)).body), adapter).toEqual({ size: form.length });
    }
  });

  it('answers a malformed JSON body 400, one over the inspection limits 400, an oversized one 413', async () => {
    expect(await statuses('application/json', '{"a": [1, 2')).toEqual(everywhere(400));
    const manyKeys = JSON.stringify(Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}`, i])));
    expect(await statuses('application/json', manyKeys)).toEqual(everywhere(400));
    expect(await statuses('application/json', Buffer.alloc(2 * 1024 * 1024, 0x20), { 'transfer-encoding': 'chunked' })).toEqual(everywhere(413));
  });

  for (const adapter of ADAPTERS) {
    it(`${adapter}: a body that stalls while the guard reads it is answered 408`, async () => {
      const port = servers[adapter].port;
      const head = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.write(`POST /echo HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nSec-Fetch-Site: same-origin\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`);
        });
        let text = '';
        socket.on('data', (data: Buffer) => {
          text += data.toString('latin1');
          socket.end();
        });
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
      expect(head).toMatch(/^HTTP\/1\.1 408 /);
    });
  }
});
