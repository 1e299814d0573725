/**
 * Sessions through the pipeline: `createBulwark({ sessions })` loads the session before CSRF, puts
 * it on the context, commits its cookies from the handler, and binds CSRF tokens to it. Express and
 * the Fetch adapter, on real servers.
 */

import http from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protect as protectExpress } from '../../src/adapters/express.js';
import { protect as protectFetch, toNodeListener } from '../../src/adapters/fetch.js';
import { createBulwark, type RequestContext } from '../../src/core/index.js';
import { createSessionGuard } from '../../src/core/sessions/index.js';
import { listen } from '../harness/net.js';
import { request } from './support/http-client.js';

type Server = Awaited<ReturnType<typeof listen>>;
const servers: Record<string, Server> = {};

async function answer(context: RequestContext, path: string): Promise<{ status: number; body: unknown }> {
  const session = context.session!;
  if (path === '/login') {
    await session.login('alice');
    return { status: 200, body: { loggedIn: true } };
  }
  if (path === '/logout') {
    await session.logout();
    return { status: 200, body: { loggedIn: false } };
  }
  return { status: 200, body: { active: session.active, userId: session.userId ?? null, csrfToken: context.csrfToken ?? null } };
}

beforeAll(async () => {
  const app = express();
  app.use(protectExpress(createBulwark({ sessions: createSessionGuard() })));
  app.use((req, res, next) => {
    answer(res.locals.bulwark as RequestContext, req.path).then(({ status, body }) => res.status(status).json(body), next);
  });
  servers.express = await listen(http.createServer(app));
  const handler = protectFetch(createBulwark({ sessions: createSessionGuard() }), async (req, context) => {
    const { status, body } = await answer(context, new URL(req.url).pathname);
    return Response.json(body, { status });
  });
  servers.fetch = await listen(http.createServer(toNodeListener(handler)));
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

function cookieOf(setCookie: string[] | undefined): string {
  const line = (setCookie ?? []).find((c) => c.startsWith('__Host-sid='));
  if (!line) throw new Error('no session cookie');
  return line.split(';')[0]!;
}

describe.each(['express', 'fetch'])('%s: sessions in the pipeline', (name) => {
  const url = (path: string) => `http://127.0.0.1:${servers[name]!.port}${path}`;
  const sameOrigin = { 'sec-fetch-site': 'same-origin' };

  it('logs in from a handler, sends __Host-sid, and the next request has the session', async () => {
    const anonymous = await request(url('/me'));
    expect(JSON.parse(anonymous.body)).toMatchObject({ active: false });
    const login = await request(url('/login'), { method: 'POST', headers: sameOrigin });
    expect(login.status).toBe(200);
    const cookie = cookieOf(login.headers['set-cookie']);
    expect(login.headers['set-cookie']!.join('\n')).toMatch(/__Host-sid=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax/);
    const me = await request(url('/me'), { headers: { cookie } });
    expect(JSON.parse(me.body)).toMatchObject({ active: true, userId: 'alice' });
  });

  it('binds the CSRF token to the session: it verifies with the session and fails without', async () => {
    const login = await request(url('/login'), { method: 'POST', headers: sameOrigin });
    const cookie = cookieOf(login.headers['set-cookie']);
    const { csrfToken } = JSON.parse((await request(url('/me'), { headers: { cookie } })).body) as { csrfToken: string };
    expect(csrfToken).toMatch(/\./);
    // No browser signal: only the token can pass this POST.
    expect((await request(url('/me'), { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } })).status).toBe(200);
    const other = cookieOf((await request(url('/login'), { method: 'POST', headers: sameOrigin })).headers['set-cookie']);
    expect((await request(url('/me'), { method: 'POST', headers: { cookie: other, 'x-csrf-token': csrfToken } })).status).toBe(403);
  });

  it('logout clears the site data and ends the session', async () => {
    const cookie = cookieOf((await request(url('/login'), { method: 'POST', headers: sameOrigin })).headers['set-cookie']);
    const logout = await request(url('/logout'), { method: 'POST', headers: { ...sameOrigin, cookie } });
    expect(logout.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
    expect(logout.headers['cache-control']).toBe('no-store');
    expect(JSON.parse((await request(url('/me'), { headers: { cookie } })).body)).toMatchObject({ active: false });
  });
});
