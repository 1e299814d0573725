/** Real-server tests of the Fetch adapter served by node:http via toNodeListener (shared behaviour: support/adapter-suite.ts). */

import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protect, toNodeListener, type NodeRequestInfo } from '../../src/adapters/fetch.js';
import { createBulwark, type RequestContext } from '../../src/core/index.js';
import { listen } from '../harness/net.js';
import { adapterSuite, useAdapterServers } from './support/adapter-suite.js';
import { header, request } from './support/http-client.js';

const servers = useAdapterServers('fetch');
adapterSuite('fetch', servers);

describe('fetch: adapter specifics', () => {
  const started: { port: number; close: () => Promise<void> }[] = [];
  let redirecting = 0;
  let custom = 0;

  beforeAll(async () => {
    // Response.redirect() has immutable headers: the adapter must still add its own.
    const redirects = toNodeListener(protect(createBulwark(), () => Response.redirect('http://127.0.0.1/elsewhere', 302)));
    const seen = toNodeListener(
      protect<[NodeRequestInfo]>(createBulwark(), (_request, context) => Response.json(context), {
        clientAddress: () => '198.51.100.20',
      }),
    );
    const [a, b] = await Promise.all([listen(http.createServer(redirects)), listen(http.createServer(seen))]);
    started.push(a, b);
    redirecting = a.port;
    custom = b.port;
  });
  afterAll(() => Promise.all(started.map((s) => s.close())));

  it('adds the security headers to a response with immutable headers', async () => {
    const response = await request(`http://127.0.0.1:${redirecting}/`);
    expect(response.status).toBe(302);
    expect(header(response, 'location')).toBe('http://127.0.0.1/elsewhere');
    expect(header(response, 'x-frame-options')).toBe('DENY');
  });

  it('takes the peer address from the clientAddress option', async () => {
    const response = await request(`http://127.0.0.1:${custom}/`);
    expect((JSON.parse(response.body) as RequestContext).clientIp).toBe('198.51.100.20');
  });
});
