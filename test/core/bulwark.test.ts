import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBulwark, type BulwarkOptions } from '../../src/core/bulwark.js';
import { ConfigurationError } from '../../src/core/errors.js';
import type { SecurityEvent } from '../../src/core/events/types.js';
import { denyBody } from '../../src/core/http/deny-body.js';
import type { DenyDecision, SecurityRequest } from '../../src/core/http/types.js';
import { safeHeaders } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function request(url: string, headers: Record<string, string> = {}, extra: Partial<SecurityRequest> = {}): SecurityRequest {
  const host = URL.canParse(url) ? new URL(url).host : 'app.example';
  return { method: 'GET', url, headers: new Headers({ host, ...headers }), remoteAddress: '203.0.113.9', ...extra };
}

function withEvents(options: BulwarkOptions = {}) {
  const events: SecurityEvent[] = [];
  const bulwark = createBulwark({ ...options, onEvent: (e) => events.push(e) });
  return { bulwark, events };
}

describe('default allow decision', () => {
  it('carries the security headers, a request id and the context', async () => {
    const decision = await createBulwark().protect(request('http://app.example/a/b?token=secret#x', { 'user-agent': 'ua/1' }));
    expect(decision.allowed).toBe(true);
    const { headers, context } = decision;
    expect(context.requestId).toMatch(UUID);
    expect(headers.get('x-request-id')).toBe(context.requestId);
    expect(context).toMatchObject({ clientIp: '203.0.113.9', secure: false, host: 'app.example', path: '/a/b', method: 'GET', userAgent: 'ua/1' });
    expect(context.failedOpen).toEqual([]);
    expect(headers.get('content-security-policy')).toContain(`script-src 'self' 'nonce-${context.nonce}'`);
    expect(context.nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('strict-transport-security')).toBeNull();
    expect(decision.removeHeaders).toEqual(['x-powered-by', 'server']);
  });

  it('sends HSTS on a secure request and normalizes the client ip', async () => {
    const decision = await createBulwark().protect(request('https://app.example/', {}, { secure: true, remoteAddress: '::ffff:10.0.0.7' }));
    expect(decision.context).toMatchObject({ secure: true, clientIp: '10.0.0.7', path: '/' });
    expect(decision.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
  });

  it('gives a fresh nonce and request id per request', async () => {
    const bulwark = createBulwark();
    const [a, b] = await Promise.all([bulwark.protect(request('http://app.example/')), bulwark.protect(request('http://app.example/'))]);
    expect(a.context.nonce).not.toBe(b.context.nonce);
    expect(a.context.requestId).not.toBe(b.context.requestId);
  });
});

describe('X-Request-Id', () => {
  it('keeps a well-formed incoming id', async () => {
    for (const id of ['abc12345-trace', 'Root=1-67891233-abcdef012345678912345678', 'a'.repeat(128)]) {
      const decision = await createBulwark().protect(request('http://app.example/', { 'x-request-id': id }));
      expect(decision.context.requestId).toBe(id);
      expect(decision.headers.get('x-request-id')).toBe(id);
    }
  });

  it.each(['short', 'has spaces in it', 'a'.repeat(129), '<script>alert(1)</script>', 'id\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9'])(
    'replaces malformed %j',
    async (id) => {
      const decision = await createBulwark().protect(request('http://app.example/', { 'x-request-id': id }));
      expect(decision.context.requestId).toMatch(UUID);
    },
  );

  it('replaces even a well-formed id with trustIncoming: false', async () => {
    const decision = await createBulwark({ requestId: { trustIncoming: false } }).protect(
      request('http://app.example/', { 'x-request-id': 'abc12345-trace' }),
    );
    expect(decision.context.requestId).toMatch(UUID);
  });
});

describe('bad requests', () => {
  it.each(['a/b', 'exa mple', 'user@host', 'host:99999', 'a..b', '[::1'])('Host %j -> 400 bad_request', async (host) => {
    const { bulwark, events } = withEvents();
    const decision = await bulwark.protect(request('http://app.example/', { host }));
    expect(decision).toMatchObject({ allowed: false, status: 400, code: 'bad_request', message: 'Bad request' });
    expect(decision.headers.get('x-request-id')).toBe(decision.context.requestId);
    // Denials carry the security headers too.
    expect(decision.headers.get('x-content-type-options')).toBe('nosniff');
    expect(decision.headers.get('content-security-policy')).toContain(`'nonce-${decision.context.nonce}'`);
    expect(events.filter((e) => e.type === 'input_validation_fail')).toHaveLength(1);
    expect(events[events.length - 1]).toMatchObject({ requestId: decision.context.requestId, level: 'WARN', clientIp: '203.0.113.9' });
  });

  it('names the client behind a trusted proxy in the event of an early 400', async () => {
    const { bulwark, events } = withEvents({ trustProxy: 1 });
    const decision = await bulwark.protect(request('not a url', { 'x-forwarded-for': '198.51.100.4' }));
    expect(decision).toMatchObject({ allowed: false, status: 400 });
    expect(decision.context.clientIp).toBe('198.51.100.4');
    expect(events[0]).toMatchObject({ type: 'input_validation_fail', clientIp: '198.51.100.4' });
  });

  it.each(['/relative', 'http://', 'not a url', 'http://a b/'])('URL %j -> 400 bad_request', async (url) => {
    const { bulwark, events } = withEvents();
    const decision = await bulwark.protect(request(url));
    expect(decision).toMatchObject({ allowed: false, status: 400, code: 'bad_request' });
    expect(decision.headers.get('x-frame-options')).toBe('DENY');
    expect(events.map((e) => e.type)).toEqual(['input_validation_fail']);
  });

  it('rejects credentials in the URL', async () => {
    const decision = await createBulwark().protect(request('http://user:pw@app.example/'));
    expect(decision).toMatchObject({ allowed: false, status: 400 });
  });
});

describe('httpsRedirect', () => {
  it('redirects an insecure request with 308 to the same path and query', async () => {
    const { bulwark, events } = withEvents({ httpsRedirect: true });
    const decision = await bulwark.protect(request('http://app.example:8080/a/b?q=1&r=2'));
    expect(decision).toMatchObject({ allowed: false, status: 308, code: 'https_required' });
    expect(decision.headers.get('location')).toBe('https://app.example/a/b?q=1&r=2');
    expect(events.map((e) => e.type)).toContain('sys_https_redirect');
  });

  it.each([
    ['//evil.example/x', 'https://app.example//evil.example/x'],
    ['/\\evil.example/x', 'https://app.example//evil.example/x'],
    ['/a b/é?q=<x>', 'https://app.example/a%20b/%C3%A9?q=%3Cx%3E'],
  ])('keeps the redirect on the same host for path %j', async (path, location) => {
    const decision = await createBulwark({ httpsRedirect: true }).protect(request(`http://app.example${path}`, { host: 'app.example' }));
    expect(decision).toMatchObject({ allowed: false, status: 308 });
    expect(decision.headers.get('location')).toBe(location);
    expect(new URL(decision.headers.get('location')!).host).toBe('app.example');
  });

  it('uses the configured port and status, and keeps IPv6 hosts bracketed', async () => {
    const bulwark = createBulwark({ httpsRedirect: { port: 8443, status: 301 } });
    const decision = await bulwark.protect(request('http://[::1]:8080/x?y'));
    expect(decision).toMatchObject({ allowed: false, status: 301 });
    expect(decision.headers.get('location')).toBe('https://[::1]:8443/x?y');
  });

  it('lets secure requests through, directly or via a trusted proxy', async () => {
    expect((await createBulwark({ httpsRedirect: true }).protect(request('https://app.example/', {}, { secure: true }))).allowed).toBe(true);
    const proxied = createBulwark({ httpsRedirect: true, trustProxy: 'loopback' });
    const decision = await proxied.protect(request('http://app.example/', { 'x-forwarded-proto': 'https' }, { remoteAddress: '127.0.0.1' }));
    expect(decision.allowed).toBe(true);
    expect(decision.headers.get('strict-transport-security')).not.toBeNull();
  });

  it('ignores X-Forwarded-Proto from an untrusted peer', async () => {
    const decision = await createBulwark({ httpsRedirect: true }).protect(request('http://app.example/', { 'x-forwarded-proto': 'https' }));
    expect(decision).toMatchObject({ allowed: false, status: 308 });
  });

  it.each([{ port: 0 }, { status: 303 }, { prot: 443 }])('rejects %j', (option) => {
    expect(() => createBulwark({ httpsRedirect: option as never })).toThrow(ConfigurationError);
  });
});

describe('options', () => {
  it('headers: false sends no security headers and warns at construction', async () => {
    const { bulwark, events } = withEvents({ headers: false });
    expect(events).toEqual([expect.objectContaining({ type: 'sys_monitor_disabled', level: 'WARN' })]);
    const decision = await bulwark.protect(request('https://app.example/', {}, { secure: true }));
    // Vary belongs to CSRF protection, not to the security headers.
    expect([...decision.headers.keys()]).toEqual(['vary', 'x-request-id']);
    expect(decision.context.nonce).toBeUndefined();
    expect(decision.removeHeaders).toEqual([]);
  });

  it('a loosened policy warns once per weakness at construction', () => {
    const { events } = withEvents({ headers: { contentSecurityPolicy: { directives: { scriptSrc: ["'self'", "'unsafe-inline'"] } } } });
    expect(events.map((e) => e.description)).toEqual(["bulwark: CSP allows script-src 'unsafe-inline'"]);
  });

  it('passes header options through (api preset)', async () => {
    const decision = await createBulwark({ headers: { preset: 'api' } }).protect(request('http://app.example/'));
    expect(decision.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(decision.headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    [{ header: {} }, 'createBulwark: unknown option "header"; did you mean "headers"?'],
    [{ trustProxies: 1 }, 'did you mean "trustProxy"?'],
    [{ accesLog: true }, 'did you mean "accessLog"?'],
    [{ requestId: { trustIncomming: true } }, 'did you mean "trustIncoming"?'],
    [{ accessLog: 'yes' }, 'accessLog: expected true or false'],
    [{ onEvent: 'log' }, 'onEvent: expected a function'],
    [{ headers: 'html' }, 'headers: expected true, false or an options object'],
    [{ trustProxy: true }, 'trustProxy: 1'],
  ])('rejects %j', (options, message) => {
    expect(() => createBulwark(options as BulwarkOptions)).toThrow(ConfigurationError);
    expect(() => createBulwark(options as BulwarkOptions)).toThrow(message);
  });
});

describe('access log', () => {
  it('emits http_access on complete() with status, duration and a path without query', async () => {
    const { bulwark, events } = withEvents({ accessLog: true });
    const decision = await bulwark.protect(request('http://app.example/reset?token=S3cretQueryValue', { 'user-agent': 'curl/8' }));
    expect(events).toEqual([]);
    bulwark.complete(decision.context, 204);
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(event).toMatchObject({
      type: 'http_access',
      level: 'INFO',
      description: 'GET /reset 204',
      requestId: decision.context.requestId,
      clientIp: '203.0.113.9',
      method: 'GET',
      path: '/reset',
      details: { status: 204, userAgent: 'curl/8' },
    });
    expect(event.details!.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(event)).not.toContain('S3cretQueryValue');
  });

  it('is off by default', async () => {
    const { bulwark, events } = withEvents();
    bulwark.complete((await bulwark.protect(request('http://app.example/'))).context, 200);
    expect(events).toEqual([]);
  });
});

describe('denyBody', () => {
  it('is JSON when the client accepts JSON, text otherwise, and carries the request id', async () => {
    const decision = (await createBulwark().protect(request('http://app.example/', { host: 'a/b' }))) as DenyDecision;
    const id = decision.context.requestId;
    const json = denyBody(decision, 'application/json, text/plain;q=0.5');
    expect(json.contentType).toBe('application/json; charset=utf-8');
    expect(JSON.parse(json.body)).toEqual({ error: { code: 'bad_request', message: 'Bad request', requestId: id } });
    expect(denyBody(decision, 'application/problem+json').contentType).toMatch(/^application\/json/);
    for (const accept of ['text/html', '*/*', null, undefined]) {
      expect(denyBody(decision, accept)).toEqual({ contentType: 'text/plain; charset=utf-8', body: `Bad request (request id ${id})\n` });
    }
  });
});

describe('property: protect() never rejects', () => {
  const headerName = fc.oneof(
    fc.constantFrom('host', 'x-forwarded-for', 'forwarded', 'x-forwarded-proto', 'x-forwarded-host', 'x-request-id', 'x-real-ip', 'user-agent'),
    fc.string({ maxLength: 10 }),
  );
  const headerValue = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.ipV4(), fc.ipV6(), fc.domain());
  const url = fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string({ maxLength: 60 }), fc.constant('http://app.example/%zz?x=%'));

  it('returns a decision with a request id for arbitrary method, url and headers', async () => {
    const bulwarks = [
      createBulwark(),
      createBulwark({ trustProxy: ['0.0.0.0/0', '::/0'], httpsRedirect: true, headers: { preset: 'api' } }),
      createBulwark({ trustProxy: 2, proxyHeader: 'forwarded', accessLog: true, onEvent: () => {} }),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 10 }),
        url,
        fc.array(fc.tuple(headerName, headerValue), { maxLength: 8 }),
        fc.option(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 20 })), { nil: undefined }),
        fc.option(fc.boolean(), { nil: undefined }),
        fc.nat(bulwarks.length - 1),
        async (method, url, pairs, remoteAddress, secure, which) => {
          const bulwark = bulwarks[which]!;
          const decision = await bulwark.protect({ method, url, headers: safeHeaders(pairs), remoteAddress, secure });
          expect(decision.context.requestId.length).toBeGreaterThanOrEqual(8);
          expect(decision.headers.get('x-request-id')).toBe(decision.context.requestId);
          if (!decision.allowed) expect([301, 302, 307, 308, 400, 403, 405, 413, 414, 415, 431]).toContain(decision.status);
          bulwark.complete(decision.context, 200);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('host forms that URL parsers read differently', () => {
  it.each(['9', '0x7f.1', '127.1', '2130706433', 'a.0177', '[::::]', '[1:2]'])('Host %j -> 400', async (host) => {
    const decision = await createBulwark().protect(request(`http://${host}/`, { host }));
    expect(decision).toMatchObject({ allowed: false, status: 400, code: 'bad_request' });
  });

  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['App.Example:80', 'app.example'],
    ['[::1]:8080', '[::1]:8080'],
    ['1.example', '1.example'],
  ])('Host %j is accepted as %j', async (host, expected) => {
    const decision = await createBulwark().protect(request(`http://${host}/`, { host }));
    expect(decision.allowed).toBe(true);
    expect(decision.context.host).toBe(expected);
  });
});
