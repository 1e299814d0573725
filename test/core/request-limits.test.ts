import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBulwark, type BulwarkOptions, type Decision, type SecurityEvent } from '../../src/core/index.js';
import { malformedUrlReason } from '../../src/core/limits/malformed-url.js';
import { compilePathPattern } from '../../src/core/routes/path-pattern.js';

const MiB = 1024 * 1024;

function judge(options: BulwarkOptions, init: { method?: string; path?: string; headers?: Record<string, string> } = {}): Promise<Decision> {
  const events: SecurityEvent[] = [];
  const bulwark = createBulwark({ ...options, onEvent: (event) => events.push(event) });
  return bulwark.protect({
    method: init.method ?? 'GET',
    url: `http://app.example${init.path ?? '/'}`,
    headers: new Headers({ host: 'app.example', 'sec-fetch-site': 'same-origin', ...init.headers }),
    remoteAddress: '192.0.2.10',
  });
}

function status(decision: Decision): number {
  return decision.allowed ? 200 : decision.status;
}

describe('URL limits', () => {
  it('URL length: limit - 1 and limit pass, limit + 1 is 414', async () => {
    const at = (bytes: number) => judge({ limits: { maxUrlBytes: 100 } }, { path: `/${'a'.repeat(bytes - 1)}` }).then(status);
    expect(await at(99)).toBe(200);
    expect(await at(100)).toBe(200);
    expect(await at(101)).toBe(414);
  });

  it('default URL limit is 2048 bytes, path and query together', async () => {
    expect(status(await judge({}, { path: `/?q=${'a'.repeat(2044)}` }))).toBe(200);
    expect(status(await judge({}, { path: `/?q=${'a'.repeat(2045)}` }))).toBe(414);
    expect(status(await judge({}, { path: `/${'a'.repeat(2999)}` }))).toBe(414);
  });

  it('query parameter count: limit passes, limit + 1 is 414', async () => {
    const query = (n: number) => `/?${Array.from({ length: n }, (_, i) => `p${i}=1`).join('&')}`;
    expect(status(await judge({ limits: { maxQueryParams: 5 } }, { path: query(4) }))).toBe(200);
    expect(status(await judge({ limits: { maxQueryParams: 5 } }, { path: query(5) }))).toBe(200);
    expect(status(await judge({ limits: { maxQueryParams: 5 } }, { path: query(6) }))).toBe(414);
  });

  it.each([
    ['/%00', 'NUL byte'],
    ['/a%zz', 'broken escape'],
    ['/%c0%af', 'overlong UTF-8'],
    ['/%ff', 'invalid UTF-8'],
    ['/files/%252e%252e%252fetc%252fpasswd', 'double-encoded traversal'],
    ['/files/..%5c..%5cwindows', 'backslash traversal'],
    ['/files/%2e%2e/secret', 'encoded dot-dot'],
    ['/a/../b', 'raw dot-dot'],
    ['/a%0d%0aSet-Cookie:x', 'CR LF in the path'],
    ['/?q=%E9', 'latin-1 in the query'],
  ])('malformed URL %s (%s) is 400', async (path) => {
    const decision = await judge({}, { path });
    expect(status(decision)).toBe(400);
    expect(decision.allowed ? undefined : decision.code).toBe('bad_request');
  });

  it.each(['/caf%C3%A9', '/a/b.c/d..e', '/?q=%2F%2e%2e&next=%2Fhome', '/search?q=50%25', '/%E2%82%AC'])('well-formed URL %s passes', async (path) => {
    expect(status(await judge({}, { path }))).toBe(200);
  });

  it('property: malformedUrlReason never throws, and accepts any percent-encoded UTF-8 path without dot segments', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), (path, search) => {
        const reason = malformedUrlReason(path, search);
        expect(reason === undefined || typeof reason === 'string').toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }), { maxLength: 6 }), (segments) => {
        fc.pre(segments.every((s) => s !== '.' && s !== '..' && !/[\\/\p{Cc}]/u.test(s)));
        const path = `/${segments.map(encodeURIComponent).join('/')}`;
        expect(malformedUrlReason(path, '?q=' + encodeURIComponent(segments.join(' ')))).toBeUndefined();
      }),
    );
  });
});

describe('header limits', () => {
  it('header count: limit passes, limit + 1 is 431', async () => {
    const headers = (n: number) => Object.fromEntries(Array.from({ length: n - 2 }, (_, i) => [`x-h${i}`, '1']));
    // host and sec-fetch-site are two of the lines.
    expect(status(await judge({ limits: { maxHeaders: 10 } }, { headers: headers(10) }))).toBe(200);
    expect(status(await judge({ limits: { maxHeaders: 10 } }, { headers: headers(11) }))).toBe(431);
  });

  it('header bytes: limit passes, limit + 1 is 431', async () => {
    const base = 'host'.length + 'app.example'.length + 'sec-fetch-site'.length + 'same-origin'.length;
    const withBytes = (n: number) => ({ 'x-pad': 'a'.repeat(n - base - 'x-pad'.length) });
    expect(status(await judge({ limits: { maxHeaderBytes: 1000 } }, { headers: withBytes(999) }))).toBe(200);
    expect(status(await judge({ limits: { maxHeaderBytes: 1000 } }, { headers: withBytes(1000) }))).toBe(200);
    expect(status(await judge({ limits: { maxHeaderBytes: 1000 } }, { headers: withBytes(1001) }))).toBe(431);
  });
});

describe('methods', () => {
  it('TRACE, CONNECT and unknown methods are 405 with an Allow header', async () => {
    for (const method of ['TRACE', 'CONNECT', 'PROPFIND']) {
      const decision = await judge({}, { method });
      expect(status(decision)).toBe(405);
      expect(decision.headers.get('allow')).toBe('GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
    }
  });

  it('a route can narrow the methods', async () => {
    const options: BulwarkOptions = { routes: [{ path: '/readonly/**', limits: { methods: ['GET', 'HEAD'] } }] };
    expect(status(await judge(options, { method: 'DELETE', path: '/readonly/x' }))).toBe(405);
    expect(status(await judge(options, { method: 'DELETE', path: '/other' }))).toBe(200);
  });
});

describe('body limits', () => {
  const post = (type: string, length: number, options: BulwarkOptions = {}, path = '/') =>
    judge(options, { method: 'POST', path, headers: { 'content-type': type, 'content-length': String(length) } });

  it('JSON: 1 MiB passes, 1 MiB + 1 is 413, from Content-Length alone', async () => {
    expect(status(await post('application/json', MiB - 1))).toBe(200);
    expect(status(await post('application/json', MiB))).toBe(200);
    expect(status(await post('application/json; charset=utf-8', MiB + 1))).toBe(413);
  });

  it('forms 1 MiB, multipart 10 MiB, JSON suffix types count as JSON', async () => {
    expect(status(await post('application/x-www-form-urlencoded', MiB + 1))).toBe(413);
    expect(status(await post('multipart/form-data; boundary=x', 10 * MiB))).toBe(200);
    expect(status(await post('multipart/form-data; boundary=x', 10 * MiB + 1))).toBe(413);
    expect(status(await post('application/merge-patch+json', MiB + 1))).toBe(413);
  });

  it('a route raises the limit for uploads', async () => {
    const options: BulwarkOptions = { routes: [{ path: '/upload', methods: ['POST'], limits: { maxBodyBytes: { multipart: 50 * MiB } } }] };
    expect(status(await post('multipart/form-data; boundary=x', 50 * MiB, options, '/upload'))).toBe(200);
    expect(status(await post('multipart/form-data; boundary=x', 50 * MiB + 1, options, '/upload'))).toBe(413);
    expect(status(await post('multipart/form-data; boundary=x', 10 * MiB + 1, options, '/elsewhere'))).toBe(413);
  });

  it('the decision carries the byte limit for streamed bodies', async () => {
    const decision = await judge({}, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
    expect(decision.allowed && decision.bodyLimit).toEqual({ maxBytes: MiB, idleTimeoutMs: 30_000 });
  });

  it('content types outside the allowlist are 415; a body without a type is 415', async () => {
    expect(status(await post('application/xml', 10))).toBe(415);
    expect(status(await post('text/html', 10, { limits: { contentTypes: ['application/json'] } }))).toBe(415);
    const untyped = await judge({}, { method: 'POST', headers: { 'content-length': '10' } });
    expect(status(untyped)).toBe(415);
    expect(status(await post('application/octet-stream', 10, { limits: { contentTypes: ['application/*'] } }))).toBe(200);
  });

  it('malformed or conflicting lengths are 400', async () => {
    expect(status(await post('application/json', -1))).toBe(400);
    const both = await judge({}, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '5', 'transfer-encoding': 'chunked' } });
    expect(status(both)).toBe(400);
    const list = await judge({}, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '5, 6' } });
    expect(status(list)).toBe(400);
  });

  it('requests without a body need no content type', async () => {
    expect(status(await judge({}, { method: 'POST', headers: { 'content-length': '0' } }))).toBe(200);
  });
});

describe('options', () => {
  it('rejects typos and bad values at construction', () => {
    expect(() => createBulwark({ limits: { maxUrlByte: 10 } as never })).toThrow(/did you mean "maxUrlBytes"/);
    expect(() => createBulwark({ limits: { methods: [] } })).toThrow(/non-empty list/);
    expect(() => createBulwark({ limits: { contentTypes: ['json'] } })).toThrow(/media types/);
    expect(() => createBulwark({ routes: [{ path: 'admin' }] })).toThrow(/starting with "\/"/);
    expect(() => createBulwark({ routes: [{ path: '/a/**/b' }] })).toThrow(/only be the last segment/);
    expect(() => createBulwark({ limits: false, routes: [{ path: '/a', limits: { maxUrlBytes: 100 } }] })).toThrow(/switched off/);
  });

  it('limits: false switches the guard off and warns', async () => {
    const events: SecurityEvent[] = [];
    const bulwark = createBulwark({ limits: false, onEvent: (e) => events.push(e) });
    expect(events.map((e) => e.description)).toContain('bulwark: request limits are off');
    const decision = await bulwark.protect({ method: 'TRACE', url: 'http://a.example/%00', headers: new Headers({ 'sec-fetch-site': 'same-origin' }) });
    expect(decision.allowed).toBe(true);
  });
});

describe('path patterns', () => {
  it.each([
    ['/admin/**', '/admin', true],
    ['/admin/**', '/admin/users/1', true],
    ['/admin/**', '/ADMIN/x', true],
    ['/admin/**', '/administrator', false],
    ['/admin', '/admin/', true],
    ['/admin', '/admin/x', false],
    ['/api/*/items', '/api/v1/items', true],
    ['/api/*/items', '/api//items', false],
    ['/api/*/items', '/api/v1/v2/items', false],
    ['/', '/', true],
    ['/', '/x', false],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(compilePathPattern('p', pattern)(path.toLowerCase())).toBe(expected);
  });
});
