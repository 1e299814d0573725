/** Real-server tests of the Koa adapter on 127.0.0.1 (shared behaviour: support/adapter-suite.ts). */

import http from 'node:http';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protect } from '../../src/adapters/koa.js';
import { createBulwark } from '../../src/core/index.js';
import { listen } from '../harness/net.js';
import { adapterSuite, useAdapterServers } from './support/adapter-suite.js';
import { cspNonce, header, request } from './support/http-client.js';

const servers = useAdapterServers('koa');
adapterSuite('koa', servers);

describe('koa: framework specifics', () => {
  let server: { port: number; close: () => Promise<void> } | undefined;

  beforeAll(async () => {
    const app = new Koa();
    app.silent = true;
    app.use(protect(createBulwark()));
    app.use((ctx) => {
      if (ctx.path === '/forbidden') ctx.throw(403, 'no', { headers: { 'x-frame-options': 'SAMEORIGIN', 'www-authenticate': 'Basic' } });
      throw new Error('application bug');
    });
    server = await listen(http.createServer(app.callback()));
  });
  afterAll(() => server?.close());

  it("keeps the security headers on Koa's error responses, which otherwise drop every header", async () => {
    const response = await request(`http://127.0.0.1:${server!.port}/bug`);
    expect(response.status).toBe(500);
    expect(header(response, 'x-frame-options')).toBe('DENY');
    expect(cspNonce(header(response, 'content-security-policy'))).toBeTruthy();
    expect(header(response, 'x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lets headers on a thrown HTTP error win over the defaults', async () => {
    const response = await request(`http://127.0.0.1:${server!.port}/forbidden`);
    expect(response.status).toBe(403);
    expect(header(response, 'x-frame-options')).toBe('SAMEORIGIN');
    expect(header(response, 'www-authenticate')).toBe('Basic');
    expect(header(response, 'x-content-type-options')).toBe('nosniff');
  });
});
