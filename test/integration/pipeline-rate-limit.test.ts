/**
 * Rate limits through the pipeline, in every adapter: a 429 with `Retry-After` and `RateLimit` /
 * `RateLimit-Policy` headers that agree with each other; other routes and other clients unaffected.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, closeAll, startApp, type AdapterName, type TestServer } from './support/apps.js';
import { request } from './support/http-client.js';

const servers = {} as Record<AdapterName, TestServer>;

beforeAll(async () => {
  await Promise.all(
    ADAPTERS.map(async (adapter) => {
      servers[adapter] = await startApp(adapter, {
        bulwark: { trustProxy: 'loopback', rateLimit: { rules: [{ name: 'api', path: '/api/**', limits: [{ points: 3, duration: 60 }] }] } },
      });
    }),
  );
});
afterAll(() => closeAll(servers));

describe.each(ADAPTERS)('%s: rate limits in the pipeline', (adapter) => {
  const get = (path: string, ip: string) => request(`${servers[adapter].url}${path}`, { headers: { 'x-forwarded-for': ip } });

  it('answers 429 after the limit, with Retry-After and RateLimit headers that agree', async () => {
    const ip = `203.0.113.${ADAPTERS.indexOf(adapter) + 10}`;
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await get('/api/data', ip);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const retryAfter = Number(last!.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const policy = String(last!.headers['ratelimit-policy']);
    const limit = String(last!.headers['ratelimit']);
    expect(policy).toMatch(/q=3/);
    expect(policy).toMatch(/w=60/);
    expect(limit).toMatch(/r=0/);
    const reset = /t=(\d+)/.exec(limit)?.[1];
    expect(Number(reset)).toBe(retryAfter);
    // The denial carries the security headers too.
    expect(last!.headers['x-content-type-options']).toBe('nosniff');
    expect(servers[adapter].events.some((e) => e.type === 'excess_rate_limit_exceeded')).toBe(true);
  });

  it('other paths and other clients are not limited', async () => {
    const ip = `198.51.100.${ADAPTERS.indexOf(adapter) + 10}`;
    for (let i = 0; i < 5; i++) expect((await get('/page', ip)).status).toBe(200);
    expect((await get('/api/data', '192.0.2.200')).status).toBe(200);
  });
});
