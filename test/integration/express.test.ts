/** Real-server tests of the Express adapter on 127.0.0.1 (shared behaviour: support/adapter-suite.ts). */

import http from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protect } from '../../src/adapters/express.js';
import { createBulwark } from '../../src/core/index.js';
import { listen } from '../harness/net.js';
import { adapterSuite, useAdapterServers } from './support/adapter-suite.js';
import { header, request } from './support/http-client.js';

const servers = useAdapterServers('express');
adapterSuite('express', servers);

describe('express: framework specifics', () => {
  const started: { port: number; close: () => Promise<void> }[] = [];
  let bare = 0;
  let failing = 0;

  beforeAll(async () => {
    const plain = express();
    plain.get('/', (_req, res) => res.send('bare'));
    const broken = express();
    broken.use(protect(createBulwark()));
    broken.get('/', () => {
      throw new Error('application bug');
    });
    // Keep Express's error page quiet in the test output.
    broken.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).send('Internal error');
    });
    const [a, b] = await Promise.all([listen(http.createServer(plain)), listen(http.createServer(broken))]);
    started.push(a, b);
    bare = a.port;
    failing = b.port;
  });
  afterAll(() => Promise.all(started.map((s) => s.close())));

  it('Express itself sends X-Powered-By, so the stripping tests above are meaningful', async () => {
    const response = await request(`http://127.0.0.1:${bare}/`);
    expect(header(response, 'x-powered-by')).toBe('Express');
  });

  it("keeps the security headers on the application's error response", async () => {
    const response = await request(`http://127.0.0.1:${failing}/`);
    expect(response.status).toBe(500);
    expect(header(response, 'x-frame-options')).toBe('DENY');
    expect(header(response, 'content-security-policy')).toContain("frame-ancestors 'none'");
    expect(header(response, 'x-powered-by')).toBeUndefined();
  });
});
