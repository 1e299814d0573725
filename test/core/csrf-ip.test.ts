import { describe, expect, it } from 'vitest';
import { createBulwark, type BulwarkOptions, type Decision, type SecurityEvent } from '../../src/core/index.js';
import { createCsrfTokens } from '../../src/core/csrf/tokens.js';

interface Init {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  remoteAddress?: string;
  secure?: boolean;
  body?: string;
}

function setup(options: BulwarkOptions = {}) {
  const events: SecurityEvent[] = [];
  const bulwark = createBulwark({ ...options, onEvent: (event) => events.push(event) });
  const protect = (init: Init = {}): Promise<Decision> => {
    const scheme = init.secure ? 'https' : 'http';
    const body = init.body;
    return bulwark.protect({
      method: init.method ?? 'POST',
      url: `${scheme}://app.example${init.path ?? '/form'}`,
      headers: new Headers({ host: 'app.example', ...init.headers }),
      remoteAddress: init.remoteAddress ?? '192.0.2.10',
      secure: init.secure,
      ...(body === undefined ? {} : { body: () => new Blob([body]).stream() }),
    });
  };
  return { protect, events };
}

const statusOf = (d: Decision) => (d.allowed ? 200 : d.status);

/** Cookie value from a Set-Cookie line. */
function cookieFrom(decision: Decision): string {
  const line = decision.headers.getSetCookie()[0] ?? '';
  return line.split(';')[0]!;
}

describe('CSRF: Fetch Metadata', () => {
  const { protect, events } = setup({ csrf: { trustedOrigins: ['https://partner.example'] } });

  it('same-origin and none pass; cross-site is 403 with a malicious_csrf event', async () => {
    expect(statusOf(await protect({ headers: { 'sec-fetch-site': 'same-origin' } }))).toBe(200);
    expect(statusOf(await protect({ headers: { 'sec-fetch-site': 'none' } }))).toBe(200);
    const denied = await protect({ headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } });
    expect(statusOf(denied)).toBe(403);
    expect(denied.allowed ? '' : denied.code).toBe('csrf_failed');
    expect(events.at(-1)).toMatchObject({ type: 'malicious_csrf', level: 'WARN' });
  });

  it('same-site is refused unless allowed', async () => {
    expect(statusOf(await protect({ headers: { 'sec-fetch-site': 'same-site' } }))).toBe(403);
    const loose = setup({ csrf: { allowSameSite: true } });
    expect(statusOf(await loose.protect({ headers: { 'sec-fetch-site': 'same-site' } }))).toBe(200);
  });

  it('cross-site from a trusted origin passes', async () => {
    expect(statusOf(await protect({ headers: { 'sec-fetch-site': 'cross-site', origin: 'https://partner.example' } }))).toBe(200);
  });

  it('safe methods are never checked', async () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect(statusOf(await protect({ method, headers: { 'sec-fetch-site': 'cross-site' } }))).toBe(200);
    }
  });

  it('every response varies on Sec-Fetch-Site and Origin', async () => {
    expect((await protect({ method: 'GET' })).headers.get('vary')).toBe('Sec-Fetch-Site, Origin');
  });
});

describe('CSRF: Origin and Referer', () => {
  const { protect } = setup();

  it('compares Origin with the own origin when Sec-Fetch-Site is absent', async () => {
    expect(statusOf(await protect({ headers: { origin: 'http://app.example' } }))).toBe(200);
    expect(statusOf(await protect({ headers: { origin: 'https://app.example' } }))).toBe(403);
    expect(statusOf(await protect({ headers: { origin: 'http://evil.example' } }))).toBe(403);
    expect(statusOf(await protect({ headers: { origin: 'null' } }))).toBe(403);
  });

  it('uses Referer on HTTPS only', async () => {
    expect(statusOf(await protect({ secure: true, headers: { referer: 'https://app.example/page' } }))).toBe(200);
    expect(statusOf(await protect({ secure: true, headers: { referer: 'https://evil.example/page' } }))).toBe(403);
    // On plain HTTP a Referer alone proves nothing: the token is required.
    expect(statusOf(await protect({ headers: { referer: 'http://app.example/page' } }))).toBe(403);
  });

  it('a request with no Sec-Fetch-Site, no Origin and no token is 403', async () => {
    expect(statusOf(await protect())).toBe(403);
  });
});

describe('CSRF: tokens', () => {
  it('a page load sets a __Host- cookie and exposes a token that verifies from the header', async () => {
    const { protect } = setup();
    const page = await protect({ method: 'GET', headers: { accept: 'text/html' } });
    const setCookie = page.headers.getSetCookie()[0] ?? '';
    expect(setCookie).toMatch(/^__Host-bulwark-csrf=[A-Za-z0-9_-]{22}; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const token = page.context.csrfToken!;
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(statusOf(await protect({ headers: { cookie: cookieFrom(page), 'x-csrf-token': token } }))).toBe(200);
  });

  it('the token works from the _csrf form field, read from the body', async () => {
    const { protect } = setup();
    const page = await protect({ method: 'GET', headers: { 'sec-fetch-mode': 'navigate' } });
    const body = `name=x&_csrf=${encodeURIComponent(page.context.csrfToken!)}`;
    const headers = { cookie: cookieFrom(page), 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) };
    expect(statusOf(await protect({ headers, body }))).toBe(200);
    expect(statusOf(await protect({ headers, body: 'name=x&_csrf=forged.token' }))).toBe(403);
  });

  it('refuses a token without its cookie, with another cookie, or tampered', async () => {
    const { protect } = setup();
    const page = await protect({ method: 'GET', headers: { accept: 'text/html' } });
    const other = await protect({ method: 'GET', headers: { accept: 'text/html' } });
    const token = page.context.csrfToken!;
    expect(statusOf(await protect({ headers: { 'x-csrf-token': token } }))).toBe(403);
    expect(statusOf(await protect({ headers: { cookie: cookieFrom(other), 'x-csrf-token': token } }))).toBe(403);
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'AB' : 'AA'}`;
    expect(statusOf(await protect({ headers: { cookie: cookieFrom(page), 'x-csrf-token': tampered } }))).toBe(403);
  });

  it('binds to the session when one exists', async () => {
    const { protect } = setup({ csrf: { sessionId: (request) => request.headers.get('x-session') ?? undefined } });
    const page = await protect({ method: 'GET', headers: { 'x-session': 's1' } });
    expect(page.headers.getSetCookie()).toEqual([]);
    const token = page.context.csrfToken!;
    expect(statusOf(await protect({ headers: { 'x-session': 's1', 'x-csrf-token': token } }))).toBe(200);
    expect(statusOf(await protect({ headers: { 'x-session': 's2', 'x-csrf-token': token } }))).toBe(403);
  });

  it('rotates secrets: the first signs, all verify', () => {
    const a = 'a'.repeat(32);
    const b = 'b'.repeat(32);
    const old = createCsrfTokens('secrets', [a]);
    const rotated = createCsrfTokens('secrets', [b, a]);
    const token = old.issue('id');
    expect(rotated.verify(token, 'id')).toBe(true);
    expect(createCsrfTokens('secrets', [b]).verify(token, 'id')).toBe(false);
    expect(old.verify(rotated.issue('id'), 'id')).toBe(false);
    expect(() => createCsrfTokens('secrets', ['short'])).toThrow(/at least 32 bytes/);
  });

  it('exempts API clients (Authorization, no cookies) only when asked', async () => {
    const strict = setup();
    const loose = setup({ csrf: { exemptAuthorizationHeader: true } });
    const headers = { authorization: 'Bearer abc' };
    expect(statusOf(await strict.protect({ headers }))).toBe(403);
    expect(statusOf(await loose.protect({ headers }))).toBe(200);
    expect(statusOf(await loose.protect({ headers: { ...headers, cookie: 'a=b' } }))).toBe(403);
  });

  it('exempts a route with csrf: false', async () => {
    const { protect } = setup({ routes: [{ path: '/webhooks/**', csrf: false }] });
    expect(statusOf(await protect({ path: '/webhooks/stripe' }))).toBe(200);
    expect(statusOf(await protect({ path: '/form' }))).toBe(403);
  });

  it('rejects bad options', () => {
    expect(() => createBulwark({ csrf: { trustedOrigins: ['https://a.example/path'] } })).toThrow(/expected an origin/);
    expect(() => createBulwark({ csrf: { secrets: ['too short'] } })).toThrow(/32 bytes/);
    expect(() => createBulwark({ csrf: { allowSameSite: 'yes' as never } })).toThrow(/true or false/);
  });
});

describe('IP rules', () => {
  const options: BulwarkOptions = {
    csrf: false,
    ipRules: { deny: ['203.0.113.0/24', '2001:db8:bad::/48'] },
    routes: [{ path: '/admin/**', ipRules: { allow: ['10.0.0.0/8', '::1'] } }],
  };
  const { protect, events } = setup(options);
  const from = (remoteAddress: string, path = '/') => protect({ method: 'GET', path, remoteAddress }).then(statusOf);

  it('global deny list: IPv4 and IPv6 ranges are 403 with an authz_fail event', async () => {
    expect(await from('203.0.113.9')).toBe(403);
    expect(events.at(-1)).toMatchObject({ type: 'authz_fail' });
    expect(await from('2001:db8:bad:1::5')).toBe(403);
    expect(await from('::ffff:203.0.113.9')).toBe(403);
    expect(await from('198.51.100.1')).toBe(200);
  });

  it('route allow list: /admin/** only from 10.0.0.0/8 and ::1', async () => {
    expect(await from('10.1.2.3', '/admin/users')).toBe(200);
    expect(await from('::1', '/admin')).toBe(200);
    expect(await from('192.0.2.10', '/admin/users')).toBe(403);
    expect(await from('192.0.2.10', '/ADMIN/')).toBe(403);
    expect(await from('192.0.2.10', '/public')).toBe(200);
  });

  it('the global deny list still applies on routes with their own rules', async () => {
    const both = setup({ csrf: false, ipRules: { deny: ['10.9.0.0/16'] }, routes: [{ path: '/admin/**', ipRules: { allow: ['10.0.0.0/8'] } }] });
    expect(statusOf(await both.protect({ method: 'GET', path: '/admin', remoteAddress: '10.9.1.1' }))).toBe(403);
  });

  it('an unknown client address fails an allow list', async () => {
    const bulwark = createBulwark({ ipRules: { allow: ['10.0.0.0/8'] } });
    const decision = await bulwark.protect({ method: 'GET', url: 'http://a.example/', headers: new Headers() });
    expect(statusOf(decision)).toBe(403);
  });

  it('consults bans, synchronous or not', async () => {
    const banned = new Set(['192.0.2.66']);
    const sync = setup({ bans: { isBanned: (ip) => banned.has(ip) } });
    const async = setup({ bans: { isBanned: async (ip) => banned.has(ip) } });
    for (const { protect } of [sync, async]) {
      expect(statusOf(await protect({ method: 'GET', remoteAddress: '192.0.2.66' }))).toBe(403);
      expect(statusOf(await protect({ method: 'GET', remoteAddress: '192.0.2.67' }))).toBe(200);
    }
  });

  it('a failing ban store denies with 500, never lets the request through unchecked', async () => {
    const { protect } = setup({ bans: { isBanned: () => Promise.reject(new Error('store down')) } });
    expect(statusOf(await protect({ method: 'GET' }))).toBe(500);
  });

  it('rejects malformed entries at construction', () => {
    expect(() => createBulwark({ ipRules: { allow: ['10.0.0.0/33'] } })).toThrow(/ipRules.allow\[0\]/);
    expect(() => createBulwark({ ipRules: { deny: ['example.com'] } })).toThrow(/not an IP address/);
  });
});
