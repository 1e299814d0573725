/**
 * The same requests against Express, Koa and node:http + Fetch: same status, same security headers.
 * Each adapter also has to get the answers right, not merely agree (checked against the Express run).
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, closeAll, startApp, type AdapterName, type TestServer } from './support/apps.js';
import { PARITY_CASES, PARITY_REDIRECT_PORT, probeParity, type ParityObservation, type ParityUrls } from './support/parity.js';

const started: TestServer[] = [];
const results = new Map<AdapterName, ParityObservation[]>();

async function startParityServers(adapter: AdapterName): Promise<ParityUrls> {
  const [plain, trusted, api, redirect] = await Promise.all([
    startApp(adapter),
    startApp(adapter, { bulwark: { trustProxy: 'loopback' } }),
    startApp(adapter, { bulwark: { headers: { preset: 'api' } } }),
    startApp(adapter, { bulwark: { httpsRedirect: { port: PARITY_REDIRECT_PORT } } }),
  ]);
  started.push(plain!, trusted!, api!, redirect!);
  return { plain: plain!.url, trusted: trusted!.url, api: api!.url, redirect: redirect!.url };
}

beforeAll(async () => {
  for (const adapter of ADAPTERS) results.set(adapter, await probeParity(await startParityServers(adapter)));
});
afterAll(() => closeAll(started));

function observed(adapter: AdapterName, name: string): ParityObservation {
  const found = results.get(adapter)?.find((o) => o.name === name);
  if (!found) throw new Error(`no observation "${name}" for ${adapter}`);
  return found;
}

describe('parity across adapters', () => {
  for (const { name } of PARITY_CASES) {
    it(`${name}: koa and fetch answer exactly as express does`, () => {
      const reference = observed('express', name);
      for (const adapter of ADAPTERS) expect(observed(adapter, name), adapter).toEqual(reference);
    });
  }
});

describe('the shared answers are the right ones', () => {
  it('plain GET and HEAD: 200 with a nonce CSP, no HSTS', () => {
    for (const name of ['plain GET', 'HEAD']) {
      const o = observed('express', name);
      expect(o.status).toBe(200);
      expect(o.headers['content-security-policy']).toContain("script-src 'self' 'nonce-*'");
      expect(o.headers['x-frame-options']).toBe('DENY');
      expect(o.headers['x-request-id']).toBe('<uuid>');
      expect(o.headers['strict-transport-security']).toBeUndefined();
      expect(o.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('a forged X-Forwarded-Proto from an untrusted peer gets no HSTS; from a trusted proxy it does', () => {
    expect(observed('express', 'forged XFF from an untrusted peer').headers['strict-transport-security']).toBeUndefined();
    expect(observed('express', 'XFF from a trusted proxy').headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
  });

  it("api preset: default-src 'none', no-store", () => {
    const o = observed('express', 'api preset');
    expect(o.status).toBe(200);
    expect(o.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(o.headers['cache-control']).toBe('no-store');
  });

  it('httpsRedirect: 308 to the configured port, text or JSON body', () => {
    const text = observed('express', 'httpsRedirect');
    expect(text.status).toBe(308);
    expect(text.headers.location).toBe(`https://localhost:${PARITY_REDIRECT_PORT}/page?x=1`);
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
    expect(observed('express', 'httpsRedirect, JSON').headers['content-type']).toMatch(/^application\/json/);
  });

  it('bad Host: 400; malformed X-Request-Id: replaced', () => {
    expect(observed('express', 'bad Host').status).toBe(400);
    expect(observed('express', 'malformed X-Request-Id').headers['x-request-id']).toBe('<uuid>');
  });
});
