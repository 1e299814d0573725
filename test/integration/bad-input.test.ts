/**
 * Bad input over raw TCP, against all three adapters: malformed and duplicated headers, forged
 * forwarding headers, odd Host values, oversized headers, odd request targets. Each has a defined
 * status; none is a 500; the server keeps answering. Statuses from Node's own parser (400, 431)
 * are fine: bulwark never sees those requests.
 */

import { isIP } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/core/index.js';
import { ADAPTERS, closeAll, startApp, type TestServer } from './support/apps.js';
import { rawRequest, sendRaw, type RawResponse } from './support/raw-http.js';

type Role = 'plain' | 'trusted' | 'forwarded';
type Headers = readonly (readonly [string, string])[];

interface BadCase {
  name: string;
  role?: Role;
  target?: string;
  method?: string;
  version?: string;
  /** Replaces the default `Host: 127.0.0.1:port`; `null` sends no Host. */
  host?: readonly string[] | null;
  headers?: Headers;
  status: number;
  check?: (response: RawResponse, context: RequestContext | undefined, server: TestServer) => void;
}

const ip = (expected: string) => (_r: RawResponse, context: RequestContext | undefined) => expect(context?.clientIp).toBe(expected);
const protectedByBulwark = (r: RawResponse) => expect(r.headers['content-security-policy']?.[0]).toMatch(/'nonce-/);

/** A client address behind `count` loopback proxies. */
const hops = (count: number) => ['203.0.113.7', ...Array<string>(count).fill('127.0.0.1')].join(', ');

const CASES: readonly BadCase[] = [
  { name: 'two Host headers', host: ['a.example', 'b.example'], status: 400 },
  { name: 'Host a/b', host: ['a/b'], status: 400 },
  { name: 'Host with a space', host: ['a b'], status: 400 },
  { name: 'Host with userinfo', host: ['user@host'], status: 400 },
  { name: 'Host [::1 (unclosed)', host: ['[::1'], status: 400 },
  { name: 'Host with a port out of range', host: ['localhost:99999'], status: 400 },
  { name: 'very long Host', host: ['a'.repeat(300)], status: 400 },
  { name: 'Host label over 63 characters', host: [`${'a'.repeat(64)}.example`], status: 400 },
  { name: 'empty Host', host: [''], status: 400 },
  { name: 'Host with a non-ASCII byte', host: ['caf\u00e9.example'], status: 400 },
  { name: 'no Host in HTTP/1.1 (Node refuses)', host: null, status: 400 },
  {
    name: 'no Host in HTTP/1.0', host: null, version: 'HTTP/1.0', status: 200,
    check: (_r, context) => expect(context?.host).toBe('localhost'),
  },
  {
    name: 'forged X-Forwarded-For and X-Forwarded-Proto from an untrusted peer',
    headers: [['X-Forwarded-For', '203.0.113.7'], ['X-Forwarded-Proto', 'https']], status: 200,
    check: (r, context) => {
      expect(context?.clientIp).toBe('127.0.0.1');
      expect(r.headers['strict-transport-security']).toBeUndefined();
    },
  },
  {
    name: 'two X-Forwarded-For lines from an untrusted peer',
    headers: [['X-Forwarded-For', '203.0.113.7'], ['X-Forwarded-For', '198.51.100.9']], status: 200, check: ip('127.0.0.1'),
  },
  {
    name: 'two X-Forwarded-For lines from a trusted proxy: the rightmost untrusted entry', role: 'trusted',
    headers: [['X-Forwarded-For', '203.0.113.7'], ['X-Forwarded-For', '198.51.100.9']], status: 200, check: ip('198.51.100.9'),
  },
  {
    name: 'garbage X-Forwarded-For from a trusted proxy', role: 'trusted',
    headers: [['X-Forwarded-For', 'not-an-ip, <script>, ,,']], status: 200, check: ip('127.0.0.1'),
  },
  {
    name: '60 trusted hops in X-Forwarded-For', role: 'trusted',
    headers: [['X-Forwarded-For', hops(60)]], status: 200, check: ip('203.0.113.7'),
  },
  {
    name: 'a thousand hops in X-Forwarded-For: over the bound, so the peer is the client', role: 'trusted',
    headers: [['X-Forwarded-For', hops(1000)]], status: 200,
    check: (_r, context, server) => {
      expect(context?.clientIp).toBe('127.0.0.1');
      expect(server.events.some((e) => e.type === 'input_validation_fail' && e.requestId === context?.requestId)).toBe(true);
    },
  },
  {
    name: 'garbage Forwarded from a trusted proxy', role: 'forwarded',
    headers: [['Forwarded', 'for=;;;===,"unterminated']], status: 200, check: ip('127.0.0.1'),
  },
  {
    name: 'well-formed Forwarded from a trusted proxy (control)', role: 'forwarded',
    headers: [['Forwarded', 'for=203.0.113.7;proto=https']], status: 200, check: ip('203.0.113.7'),
  },
  { name: 'garbage Forwarded from an untrusted peer', headers: [['Forwarded', 'for="[::1;by=']], status: 200, check: ip('127.0.0.1') },
  {
    name: 'malformed X-Request-Id is replaced', headers: [['X-Request-Id', `<${'x'.repeat(200)}>`]], status: 200,
    check: (r, context) => {
      expect(context?.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.headers['x-request-id']).toEqual([context?.requestId]);
    },
  },
  { name: '12 KB header value (under Node\'s limit)', headers: [['X-Long', 'a'.repeat(12 * 1024)]], status: 200 },
  { name: '32 KB header value (Node answers 431)', headers: [['X-Long', 'a'.repeat(32 * 1024)]], status: 431 },
  { name: 'header line without a colon (Node refuses)', headers: [['X-Broken\r\nno-colon-here', 'x']], status: 400 },
  // Malformed targets are refused by the request limits (docs/limits.md), with the security headers on.
  { name: 'path /%zz', target: '/%zz', status: 400, check: protectedByBulwark },
  { name: 'path /%', target: '/%', status: 400, check: protectedByBulwark },
  { name: 'path /%00', target: '/%00', status: 400, check: protectedByBulwark },
  { name: 'path /%2e%2e/%2f%c0%af', target: '/%2e%2e/%2f%c0%af', status: 400, check: protectedByBulwark },
  { name: 'overlong UTF-8 in the path', target: '/%c0%af', status: 400, check: protectedByBulwark },
  { name: 'double-encoded traversal', target: '/static/%252e%252e%252fetc/passwd', status: 400, check: protectedByBulwark },
  { name: 'backslash traversal', target: '/static/..%5c..%5cwindows', status: 400, check: protectedByBulwark },
  { name: 'query with invalid percent-encoding', target: '/context?%zz=%&a=%00', status: 400, check: protectedByBulwark },
  { name: 'query with well-formed UTF-8', target: '/context?q=%C3%A9t%C3%A9', status: 200, check: protectedByBulwark },
  {
    name: 'absolute-form target: judged and routed by its path', target: 'http://example.com/context?x=1', status: 200,
    check: (_r, context, server) => {
      expect(context?.path).toBe('/context');
      expect(context?.host).toBe(`127.0.0.1:${server.port}`);
    },
  },
  { name: 'asterisk-form target', method: 'OPTIONS', target: '*', status: 404, check: protectedByBulwark },
  { name: 'space inside the request target (Node refuses)', target: '/a b/c', status: 400 },
];

function payload(server: TestServer, c: BadCase): Buffer {
  const hosts = c.host === undefined ? [`127.0.0.1:${server.port}`] : (c.host ?? []);
  return rawRequest(c.target ?? '/context', [...hosts.map((h) => ['Host', h] as const), ...(c.headers ?? [])], c.method, c.version);
}

function contextOf(response: RawResponse): RequestContext | undefined {
  const type = response.headers['content-type']?.[0] ?? '';
  if (response.status !== 200 || !type.startsWith('application/json')) return undefined;
  return JSON.parse(response.body) as RequestContext;
}

const HEADER_CHARS = [...'abcXYZ019 ,;=:@[]/%."<>?#\t-_\u00e9'];
const headerText = fc.string({ unit: fc.constantFrom(...HEADER_CHARS), maxLength: 40 });
const pathText = fc.string({ unit: fc.constantFrom(...'az09/%.?#&=;:@!$\'()*+,~-_[]{}|^`\u00e9'), maxLength: 40 });

describe.each(ADAPTERS)('%s: bad input', (adapter) => {
  const servers = {} as Record<Role, TestServer>;

  beforeAll(async () => {
    const [plain, trusted, forwarded] = await Promise.all([
      startApp(adapter),
      startApp(adapter, { bulwark: { trustProxy: 'loopback' } }),
      startApp(adapter, { bulwark: { trustProxy: 'loopback', proxyHeader: 'forwarded' } }),
    ]);
    Object.assign(servers, { plain, trusted, forwarded });
  });
  afterAll(() => closeAll(Object.values(servers)));

  for (const c of CASES) {
    it(`${c.name} -> ${c.status}`, async () => {
      const server = servers[c.role ?? 'plain'];
      const response = await sendRaw(server.port, payload(server, c));
      expect(response.status).toBe(c.status);
      c.check?.(response, contextOf(response), server);
    });
  }

  it('any X-Forwarded-For from a trusted proxy: 200 and a valid client IP', async () => {
    await fc.assert(
      fc.asyncProperty(headerText, async (xff) => {
        const server = servers.trusted;
        const response = await sendRaw(server.port, rawRequest('/context', [['Host', `127.0.0.1:${server.port}`], ['X-Forwarded-For', xff]]));
        expect(response.status).toBe(200);
        expect(isIP(contextOf(response)?.clientIp ?? '')).not.toBe(0);
      }),
      { numRuns: 50 },
    );
  });

  it('any Host: 200 with that host (as URL normalizes it), or 400', async () => {
    await fc.assert(
      fc.asyncProperty(headerText, async (host) => {
        const response = await sendRaw(servers.plain.port, rawRequest('/context', [['Host', host]]));
        expect([200, 400]).toContain(response.status);
        if (response.status === 200) expect(contextOf(response)?.host).toBe(new URL(`http://${host.trim()}`).host);
      }),
      { numRuns: 50 },
    );
  });

  it('any path: the application answers 404, or Node refuses the target with 400', async () => {
    await fc.assert(
      fc.asyncProperty(pathText, async (path) => {
        const server = servers.plain;
        const response = await sendRaw(server.port, rawRequest(`/x${path}`, [['Host', `127.0.0.1:${server.port}`]]));
        expect([400, 404]).toContain(response.status);
        if (response.status === 404) protectedByBulwark(response);
      }),
      { numRuns: 50 },
    );
  });

  it('still answers a normal request after all of the above', async () => {
    for (const server of Object.values(servers)) {
      const response = await sendRaw(server.port, rawRequest('/page', [['Host', `127.0.0.1:${server.port}`]]));
      expect(response.status).toBe(200);
      protectedByBulwark(response);
    }
  });
});
