/**
 * Pins the guards' per-request shortcuts to the behaviour of the plain reads they replace: the snapshot
 * of platform `Headers`, node's lower-case reader, precompiled IP ranges and content types, and the
 * single pass over the CSRF signals. Node and Fetch requests must get the same decisions.
 */

import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromNodeRequest } from '../../src/adapters/node-http.js';
import { createBulwark, type BulwarkOptions, type Decision, type SecurityRequest } from '../../src/core/index.js';
import { createIpRules } from '../../src/core/ip-rules/ip-rules.js';
import { parseIp } from '../../src/core/http/ip.js';
import { measureHeaders } from '../../src/core/limits/header-size.js';
import { HeaderSnapshot, headerReader } from '../../src/core/pipeline/request-headers.js';
import { compilePathPattern } from '../../src/core/routes/path-pattern.js';
import { createRoutePolicies, type Policy } from '../../src/core/routes/route-policies.js';

const NAMES = ['host', 'cookie', 'set-cookie', 'content-length', 'content-type', 'sec-fetch-site', 'sec-fetch-mode', 'origin', 'referer', 'x-csrf-token', 'accept', 'x-absent'];

const headerName = fc.constantFrom(...NAMES.slice(0, -1), 'X-Mixed-Case', 'accept-language');
const headerValue = fc.stringMatching(/^[ -~]{0,12}$/).map((v) => v.trim());

function nodeRequest(method: string, url: string, pairs: readonly (readonly [string, string])[], remoteAddress = '198.51.100.7'): SecurityRequest {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: remoteAddress });
  const req = new IncomingMessage(socket);
  req.method = method;
  req.rawHeaders = pairs.flat();
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    const known = headers[key];
    if (key === 'set-cookie') headers[key] = [...((known as string[] | undefined) ?? []), value];
    else if (known === undefined) headers[key] = value;
    else if (key !== 'host' && key !== 'content-length' && key !== 'content-type') headers[key] = `${String(known)}, ${value}`;
  }
  req.headers = headers;
  return fromNodeRequest(req, url);
}

describe('HeaderSnapshot', () => {
  it('answers get and has as the Headers it copies, and counts as measureHeaders does', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(headerName, headerValue), { maxLength: 12 }), (pairs) => {
        const headers = new Headers();
        for (const [name, value] of pairs) headers.append(name, value);
        const snapshot = new HeaderSnapshot(headers);
        for (const name of [...NAMES, 'x-mixed-case']) {
          expect(snapshot.get(name)).toBe(headers.get(name));
          expect(snapshot.has(name)).toBe(headers.has(name));
        }
        expect({ count: snapshot.count, bytes: snapshot.bytes }).toEqual(measureHeaders(headers));
        expect(snapshot.measure()).toBe(snapshot);
      }),
    );
  });

  it('is taken only for platform Headers the limits iterate anyway', () => {
    const headers = new Headers({ host: 'a.example' });
    expect(headerReader(headers, false)).toBe(headers);
    expect(headerReader(headers, true)).toBeInstanceOf(HeaderSnapshot);
  });
});

describe("node's lower-case reader", () => {
  it('answers as the view does, repeated Host lines and Set-Cookie lists included', () => {
    const request = nodeRequest('GET', '/', [['Host', 'a.example'], ['host', 'b.example'], ['Set-Cookie', 'a=1'], ['set-cookie', 'b=2'], ['Accept', 'text/html']]);
    const reader = headerReader(request.headers, true);
    expect(reader).not.toBe(request.headers);
    for (const name of NAMES) {
      expect(reader.get(name)).toBe(request.headers.get(name));
      expect(reader.has(name)).toBe(request.headers.has(name));
    }
    expect(reader.get('host')).toBe('a.example, b.example');
    expect(reader.measure?.()).toEqual(measureHeaders(request.headers));
  });
});

describe('node and Fetch requests get the same decisions', () => {
  const options: BulwarkOptions = {
    ipRules: { deny: ['203.0.113.0/24', '2001:db8:bad::/48'] },
    routes: [{ path: '/admin/**', ipRules: { allow: ['10.0.0.0/8'] } }, { path: '/hook', csrf: false }],
    csrf: { trustedOrigins: ['https://partner.example'] },
  };
  const bulwark = createBulwark(options);
  const outcome = (d: Decision) => (d.allowed ? { allowed: true, bodyLimit: d.bodyLimit } : { allowed: false, status: d.status, code: d.code });

  it('for methods, paths, addresses, CSRF signals and body headers', async () => {
    const extra = fc.subarray([
      ['sec-fetch-site', 'cross-site'], ['sec-fetch-site', 'same-origin'], ['sec-fetch-mode', 'navigate'], ['origin', 'https://partner.example'],
      ['origin', 'http://app.example'], ['referer', 'https://app.example/x'], ['x-csrf-token', 'nope'], ['cookie', 'a=1'],
      ['content-type', 'application/json'], ['content-type', 'Text/Plain; charset=utf-8'], ['content-type', 'image/png'],
      ['content-length', '12'], ['content-length', ' 7 '], ['content-length', '+3'], ['content-length', '9999999999999999'], ['transfer-encoding', 'chunked'],
      ['authorization', 'Bearer x'], ['accept', 'text/html'],
    ] as const);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'HEAD', 'TRACE'),
        fc.constantFrom('/', '/items?page=2', '/admin/users', '/ADMIN', '/hook', '/a/../b'),
        fc.constantFrom('198.51.100.7', '203.0.113.9', '10.1.2.3', '2001:db8:bad::1', '2001:db8::1'),
        extra,
        async (method, path, address, pairs) => {
          const seen = new Set<string>();
          const unique = [['host', 'app.example'] as const, ...pairs].filter(([name]) => !seen.has(name) && seen.add(name));
          const web: SecurityRequest = { method, url: `http://app.example${path}`, headers: new Headers(unique.map(([name, value]): [string, string] => [name, value])), remoteAddress: address };
          const node = nodeRequest(method, path, unique, address);
          expect(outcome(await bulwark.protect(node))).toEqual(outcome(await bulwark.protect(web)));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('IP rules by version', () => {
  const ip = (text: string) => parseIp(text)!;

  it('an address is judged only against ranges of its own version', () => {
    const v4Deny = createIpRules({ deny: ['10.0.0.0/8'] });
    expect(v4Deny.check(ip('2001:db8::1'))).toEqual({ allowed: true });
    expect(v4Deny.check(ip('::ffff:10.0.0.1')).allowed).toBe(false);
    const v4Allow = createIpRules({ allow: ['10.0.0.0/8'] });
    expect(v4Allow.check(ip('2001:db8::1')).allowed).toBe(false);
    expect(v4Allow.check(ip('10.9.9.9'))).toEqual({ allowed: true });
    expect(v4Allow.check(undefined).allowed).toBe(false);
    const both = createIpRules({ allow: ['10.0.0.0/8', '2001:db8::/32'], deny: ['10.0.0.0/24', '2001:db8:bad::/48'] });
    expect(both.check(ip('10.0.0.5')).allowed).toBe(false);
    expect(both.check(ip('10.0.1.5')).allowed).toBe(true);
    expect(both.check(ip('2001:db8:bad::5')).allowed).toBe(false);
    expect(both.check(ip('2001:db8:1::5')).allowed).toBe(true);
  });
});

describe('path patterns compare segments in place', () => {
  it.each([
    ['/admin/**', '/admin', true],
    ['/admin/**', '/admi', false],
    ['/admin/**', '/adminx/y', false],
    ['/admin/**', '/ad', false],
    ['/api/*', '/api/', false],
    ['/api/*', '/api/x', true],
    ['/api/*', '/api/x/', true],
    ['/a/b', '/a/bc', false],
    ['/a/bc', '/a/b', false],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(compilePathPattern('p', pattern)(path)).toBe(expected);
  });
});

describe('route lookup skips routes by the first character', () => {
  const patterns = ['/admin/**', '/Api/*', '/*/items', '/', '/k', '/ï/**', '/**'];
  const global = { limits: undefined, limitsEnabled: true, ipRules: undefined, csrf: undefined, csrfEnabled: true };
  const none = new Headers();
  /** Route i allows i query parameters; the global limit allows 100. */
  const routeIndex = (policy: Policy): number => {
    for (let k = 1; k <= 8; k++) {
      const search = `?${Array.from({ length: k }, () => 'a').join('&')}`;
      if (policy.limits!.check('GET', '/', search, none, 0, 0).denied) return k - 1;
    }
    return -1;
  };

  it('picks the route that lower-casing and matching every pattern in turn would pick', () => {
    const segment = fc.stringMatching(/^[aAdDkKiIïÏİ\u212a*-]{0,3}(?:min|pi|tems)?$/);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...patterns), { minLength: 1, maxLength: 4 }), fc.array(segment, { minLength: 1, maxLength: 3 }), fc.constantFrom('GET', 'POST'), (chosen, segments, method) => {
        const routes = chosen.map((path, i) => ({ path, limits: { maxQueryParams: i }, ...(i === 0 ? { methods: ['POST'] } : {}) }));
        const policyFor = createRoutePolicies(global, routes);
        const path = `/${segments.join('/')}`;
        const lower = path.toLowerCase();
        const expected = routes.findIndex((route) => (route.methods === undefined || route.methods.includes(method)) && compilePathPattern('p', route.path)(lower));
        expect(routeIndex(policyFor(method, path))).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});
