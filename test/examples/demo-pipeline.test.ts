/**
 * The demo's rate limits and injection guard run in its bulwark pipeline: on memory by default and,
 * with REDIS_URL, on a real redis-server started by the harness.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../examples/demo/app.js';
import { startRedis, type RedisServer } from '../harness/redis.js';
import { request, type SimpleResponse } from '../integration/support/http-client.js';

function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<SimpleResponse> {
  return request(`http://127.0.0.1:${port}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
}

const login = (port: number, from: string): Promise<SimpleResponse> =>
  send(port, 'POST', '/rate-limit/login', { 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': from }, 'user=alice&password=x');

const quiet = (): void => {};

describe('demo pipeline on memory', () => {
  let demo: RunningDemo;
  beforeAll(async () => {
    demo = await startDemo({ port: 0, log: quiet, env: {} });
  });
  afterAll(() => demo?.close());

  it('limits the login form to 2 attempts a second: the third gets 429 with Retry-After and RateLimit headers', async () => {
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await login(demo.port, '198.51.100.7'));
    expect(replies.map((r) => r.status)).toEqual([401, 401, 429]);
    expect(replies[0]!.headers['ratelimit-policy']).toMatch(/login/);
    expect(replies[0]!.body).toContain('ratelimit');
    expect(Number(replies[2]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another client is not affected.
    expect((await login(demo.port, '198.51.100.8')).status).toBe(401);
  });

  it('sends the API tier headers on every API response', async () => {
    const reply = await send(demo.port, 'GET', '/api/rate-limit', { 'x-forwarded-for': '198.51.100.9' });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ store: expect.stringMatching(/^memory/), headers: { 'ratelimit-policy': expect.stringMatching(/api/) } });
  });

  it('blocks injection under /api/guarded and reports it elsewhere', async () => {
    const attack = JSON.stringify({ name: 'Eve', email: 'eve@example.com', website: 'https://example.org', bio: '1 UNION SELECT password FROM users--' });
    const headers = { 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' };
    expect((await send(demo.port, 'POST', '/api/guarded/signup', headers, attack)).status).toBe(400);
    expect((await send(demo.port, 'GET', '/api/guarded/search?q=%27%20OR%20%271%27%3D%271')).status).toBe(400);
    expect((await send(demo.port, 'GET', '/api/guarded/search?q=union%20jack')).status).toBe(200);
    // Report mode: the signup demo still answers with its own findings, and the guard's event is on the feed.
    expect((await send(demo.port, 'POST', '/api/signup', headers, attack)).status).toBe(422);
    expect(demo.feed.list().some((e) => e.type === 'input_validation_fail' && e.description === 'possible injection in the body (report only)')).toBe(true);
  });
});

describe('demo pipeline with REDIS_URL', () => {
  let redis: RedisServer;
  let demo: RunningDemo;
  beforeAll(async () => {
    redis = await startRedis();
    demo = await startDemo({ port: 0, log: quiet, env: { REDIS_URL: redis.url } });
  }, 60_000);
  afterAll(async () => {
    await demo?.close();
    await redis?.stop();
  });

  it('counts in Redis: the page says so, and the counters are in the server', async () => {
    expect((await send(demo.port, 'GET', '/rate-limit')).body).toContain('Redis (REDIS_URL)');
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await login(demo.port, '203.0.113.5'));
    expect(replies.map((r) => r.status)).toEqual([401, 401, 429]);
    expect(Number(await redis.command('DBSIZE'))).toBeGreaterThan(0);
  });
});
