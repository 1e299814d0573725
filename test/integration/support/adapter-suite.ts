/**
 * The behaviour every adapter must show on a real server. express.test.ts, koa.test.ts and
 * fetch.test.ts each run it for their adapter and add what is particular to their framework.
 */

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RequestContext } from '../../../src/core/index.js';
import { closeAll, startApp, type AdapterName, type TestServer } from './apps.js';
import { cspNonce, header, request } from './http-client.js';
import { createLocalCertificate } from '../../harness/tls.js';

export const EXPECTED_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-permitted-cross-domain-policies': 'none',
  'x-dns-prefetch-control': 'off',
  'origin-agent-cluster': '?1',
  'x-xss-protection': '0',
};

export const HSTS = 'max-age=63072000; includeSubDomains';

export interface AdapterServers {
  plain: TestServer;
  trusted: TestServer;
  api: TestServer;
  redirect: TestServer;
  secure: TestServer;
  cert: string;
}

/** Starts the servers for one adapter in beforeAll and closes them in afterAll. */
export function useAdapterServers(adapter: AdapterName): AdapterServers {
  const servers = {} as AdapterServers;
  beforeAll(async () => {
    const tls = createLocalCertificate();
    tls.remove();
    const [plain, trusted, api, redirect, secure] = await Promise.all([
      startApp(adapter, { bulwark: { accessLog: true } }),
      startApp(adapter, { bulwark: { trustProxy: 'loopback' } }),
      startApp(adapter, { bulwark: { headers: { preset: 'api' } } }),
      startApp(adapter, { bulwark: { httpsRedirect: { port: 8443 }, accessLog: true } }),
      startApp(adapter, { tls: { key: tls.key, cert: tls.cert } }),
    ]);
    Object.assign(servers, { plain, trusted, api, redirect, secure, cert: tls.ca });
  });
  afterAll(async () => {
    const { cert: _cert, ...started } = servers;
    await closeAll(Object.values(started).filter((s) => s !== undefined));
  });
  return servers;
}

async function contextOf(url: string, headers: Record<string, string> = {}, ca?: string): Promise<RequestContext> {
  const response = await request(`${url}/context`, { headers, ca });
  expect(response.status).toBe(200);
  return JSON.parse(response.body) as RequestContext;
}

export function adapterSuite(adapter: AdapterName, s: AdapterServers): void {
  describe(`${adapter}: default headers`, () => {
    it('sends the full security header set on a page, with a nonce CSP and no HSTS over plain HTTP', async () => {
      const response = await request(`${s.plain.url}/page`);
      expect(response.status).toBe(200);
      for (const [name, value] of Object.entries(EXPECTED_HEADERS)) expect(header(response, name), name).toBe(value);
      const csp = header(response, 'content-security-policy') ?? '';
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]{22}==';/);
      for (const directive of ["object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'", 'upgrade-insecure-requests']) {
        expect(csp).toContain(directive);
      }
      expect(csp).not.toContain('unsafe-');
      for (const feature of ['camera=()', 'microphone=()', 'geolocation=()', 'payment=()', 'usb=()']) {
        expect(header(response, 'permissions-policy')).toContain(feature);
      }
      expect(header(response, 'strict-transport-security')).toBeUndefined();
      expect(header(response, 'x-powered-by')).toBeUndefined();
      expect(header(response, 'server')).toBeUndefined();
    });

    it('echoes a well-formed X-Request-Id and makes one up otherwise', async () => {
      const echoed = await request(`${s.plain.url}/page`, { headers: { 'x-request-id': 'trace-0123456789' } });
      expect(header(echoed, 'x-request-id')).toBe('trace-0123456789');
      const fresh = await request(`${s.plain.url}/page`, { headers: { 'x-request-id': 'no spaces <allowed>' } });
      expect(header(fresh, 'x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('strips X-Powered-By and Server even when the application sets them after the middleware', async () => {
      const response = await request(`${s.plain.url}/powered`);
      expect(response.status).toBe(200);
      expect(response.body).toBe('powered\n');
      expect(header(response, 'x-powered-by')).toBeUndefined();
      expect(header(response, 'server')).toBeUndefined();
    });

    it('sends HSTS over HTTPS', async () => {
      const response = await request(`${s.secure.url}/page`, { ca: s.cert });
      expect(response.status).toBe(200);
      expect(header(response, 'strict-transport-security')).toBe(HSTS);
      expect((await contextOf(s.secure.url, {}, s.cert)).secure).toBe(true);
    });

    it('sends HSTS when a trusted proxy on 127.0.0.1 says X-Forwarded-Proto: https, and not when an untrusted peer says it', async () => {
      const headers = { 'x-forwarded-proto': 'https' };
      const trusted = await request(`${s.trusted.url}/page`, { headers });
      expect(header(trusted, 'strict-transport-security')).toBe(HSTS);
      const untrusted = await request(`${s.plain.url}/page`, { headers });
      expect(header(untrusted, 'strict-transport-security')).toBeUndefined();
    });
  });

  describe(`${adapter}: CSP nonce`, () => {
    it('hands the handler the nonce that is in the response CSP, a new one per request', async () => {
      const first = await request(`${s.plain.url}/page`);
      const second = await request(`${s.plain.url}/page`);
      const nonces = [first, second].map((r) => {
        const inBody = /nonce="([^"]*)"/.exec(r.body)?.[1];
        expect(inBody).toBeTruthy();
        expect(cspNonce(header(r, 'content-security-policy'))).toBe(inBody);
        return inBody;
      });
      expect(nonces[0]).not.toBe(nonces[1]);
      expect(Buffer.from(nonces[0]!, 'base64').length).toBeGreaterThanOrEqual(16);
    });

    it('puts the same nonce and request id on the context the framework passes on', async () => {
      const response = await request(`${s.plain.url}/context`);
      const context = JSON.parse(response.body) as RequestContext;
      expect(context.nonce).toBe(cspNonce(header(response, 'content-security-policy')));
      expect(context.requestId).toBe(header(response, 'x-request-id'));
    });
  });

  describe(`${adapter}: denials`, () => {
    it('redirects plain HTTP with 308 to https and the configured port, without calling the handler', async () => {
      const before = s.redirect.calls;
      const response = await request(`${s.redirect.url}/page?x=1`, { headers: { host: `localhost:${s.redirect.port}` } });
      expect(response.status).toBe(308);
      expect(header(response, 'location')).toBe('https://localhost:8443/page?x=1');
      expect(header(response, 'content-type')).toMatch(/^text\/plain/);
      expect(response.body.length).toBeLessThan(120);
      expect(response.body).not.toContain('page');
      expect(header(response, 'x-frame-options')).toBe('DENY');
      expect(s.redirect.calls).toBe(before);
    });

    it('answers a denial with a small JSON body when the client accepts JSON', async () => {
      const before = s.redirect.calls;
      const response = await request(`${s.redirect.url}/api/data`, { headers: { accept: 'application/json' } });
      expect(response.status).toBe(308);
      expect(header(response, 'content-type')).toMatch(/^application\/json/);
      const body = JSON.parse(response.body) as { error: { code: string; message: string; requestId: string } };
      expect(body.error.code).toBe('https_required');
      expect(body.error.requestId).toBe(header(response, 'x-request-id'));
      expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'requestId']);
      expect(s.redirect.calls).toBe(before);
    });
  });

  describe(`${adapter}: application headers and presets`, () => {
    it('lets headers the application sets itself win, and keeps the rest', async () => {
      const response = await request(`${s.plain.url}/override`);
      expect(response.status).toBe(200);
      expect(header(response, 'content-security-policy')).toBe("default-src 'self'");
      expect(header(response, 'cache-control')).toBe('public, max-age=60');
      expect(header(response, 'x-frame-options')).toBe('SAMEORIGIN');
      expect(header(response, 'x-content-type-options')).toBe('nosniff');
      expect(header(response, 'referrer-policy')).toBe('strict-origin-when-cross-origin');
    });

    it("serves the api preset on a JSON route: default-src 'none', no framing, no caching", async () => {
      const response = await request(`${s.api.url}/api/data`);
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ ok: true });
      expect(header(response, 'content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(header(response, 'cache-control')).toBe('no-store');
      expect(header(response, 'x-content-type-options')).toBe('nosniff');
      expect((await contextOf(s.api.url)).nonce).toBeUndefined();
    });
  });

  describe(`${adapter}: access log`, () => {
    it('emits one http_access event per request with the final status code', async () => {
      const sent: [TestServer, string, string, number][] = [
        [s.plain, '/page', `${adapter}-page-0001`, 200],
        [s.plain, '/created', `${adapter}-created-0001`, 201],
        [s.plain, '/missing', `${adapter}-missing-0001`, 404],
        [s.redirect, '/page', `${adapter}-redirect-0001`, 308],
      ];
      for (const [server, path, id, status] of sent) {
        const response = await request(`${server.url}${path}`, { headers: { 'x-request-id': id } });
        expect(response.status).toBe(status);
      }
      const accessFor = (id: string) =>
        [...s.plain.events, ...s.redirect.events].filter((e) => e.type === 'http_access' && e.requestId === id);
      // The log line is written when the response finishes, which may be just after the client has it.
      await vi.waitFor(() => {
        for (const [, , id] of sent) expect(accessFor(id).length).toBeGreaterThan(0);
      });
      for (const [, path, id, status] of sent) {
        const events = accessFor(id);
        expect(events).toHaveLength(1);
        expect(events[0]!.details?.status).toBe(status);
        expect(events[0]!.path).toBe(path);
        expect(events[0]!.method).toBe('GET');
        expect(events[0]!.clientIp).toBe('127.0.0.1');
      }
    });
  });

  describe(`${adapter}: client IP`, () => {
    it('takes the client from X-Forwarded-For when the loopback peer is trusted', async () => {
      expect((await contextOf(s.trusted.url, { 'x-forwarded-for': '203.0.113.7' })).clientIp).toBe('203.0.113.7');
    });

    it('ignores a forged X-Forwarded-For from an untrusted peer', async () => {
      const context = await contextOf(s.plain.url, { 'x-forwarded-for': '203.0.113.7' });
      expect(context.clientIp).toBe('127.0.0.1');
      expect(context.secure).toBe(false);
    });
  });
}
