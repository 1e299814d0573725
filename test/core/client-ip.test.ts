import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { createClientIpResolver, type ClientIpOptions, type TrustProxy } from '../../src/core/http/client-ip.js';
import { normalizeIp, parseIp } from '../../src/core/http/ip.js';
import { safeHeaders } from './helpers.js';

const HOST = 'app.example';

function resolve(options: ClientIpOptions, remoteAddress: string | undefined, headers: Record<string, string> = {}, secure = false) {
  return createClientIpResolver(options)({ remoteAddress, secure, headers: new Headers(headers), host: HOST });
}

const XFF = (value: string): Record<string, string> => ({ 'x-forwarded-for': value });

describe('trustProxy forms', () => {
  it('false (default): the socket peer is the client; forwarding headers ignored', () => {
    for (const options of [{}, { trustProxy: false as const }]) {
      const r = resolve(options, '10.0.0.1', { ...XFF('6.6.6.6'), 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' });
      expect(r).toEqual({ ip: '10.0.0.1', address: parseIp('10.0.0.1'), secure: false, host: 'app.example', malformedForwarding: false });
    }
  });

  it('a hop count trusts that many proxies from the right', () => {
    const headers = XFF('1.1.1.1, 2.2.2.2, 3.3.3.3');
    expect(resolve({ trustProxy: 0 }, '9.9.9.9', headers).ip).toBe('9.9.9.9');
    expect(resolve({ trustProxy: 1 }, '9.9.9.9', headers).ip).toBe('3.3.3.3');
    expect(resolve({ trustProxy: 2 }, '9.9.9.9', headers).ip).toBe('2.2.2.2');
    expect(resolve({ trustProxy: 3 }, '9.9.9.9', headers).ip).toBe('1.1.1.1');
    expect(resolve({ trustProxy: 10 }, '9.9.9.9', headers).ip).toBe('1.1.1.1');
  });

  it('addresses and CIDRs, as a list or one comma-separated string', () => {
    const headers = XFF('1.1.1.1, 203.0.113.7, 10.0.0.2');
    const expected = '203.0.113.7';
    for (const trustProxy of [['10.0.0.0/8'], '10.0.0.0/8', '10.0.0.1, 10.0.0.2', ['10.0.0.1', '10.0.0.2']] as TrustProxy[]) {
      expect(resolve({ trustProxy }, '10.0.0.1', headers).ip).toBe(expected);
    }
    // The peer itself is not trusted: headers are ignored.
    expect(resolve({ trustProxy: ['10.0.0.0/8'] }, '192.0.2.1', headers).ip).toBe('192.0.2.1');
  });

  it('keywords: loopback, linklocal, uniquelocal', () => {
    expect(resolve({ trustProxy: 'loopback' }, '127.0.0.1', XFF('5.5.5.5')).ip).toBe('5.5.5.5');
    expect(resolve({ trustProxy: 'loopback' }, '::1', XFF('5.5.5.5')).ip).toBe('5.5.5.5');
    expect(resolve({ trustProxy: 'loopback' }, '10.0.0.1', XFF('5.5.5.5')).ip).toBe('10.0.0.1');
    expect(resolve({ trustProxy: ['linklocal'] }, 'fe80::1%eth0', XFF('5.5.5.5')).ip).toBe('5.5.5.5');
    expect(resolve({ trustProxy: 'loopback, uniquelocal' }, '172.20.0.3', XFF('5.5.5.5, 192.168.1.1')).ip).toBe('5.5.5.5');
  });

  it('a function sees the normalized address and the hop index', () => {
    const calls: [string, number][] = [];
    const trustProxy = (address: string, hop: number): boolean => {
      calls.push([address, hop]);
      return address.startsWith('10.');
    };
    expect(resolve({ trustProxy }, '::ffff:10.0.0.1', XFF('7.7.7.7, 10.9.9.9')).ip).toBe('7.7.7.7');
    // The leftmost entry is the answer once the hop to its right is trusted; it is never asked about.
    expect(new Set(calls.map((c) => c.join(' ')))).toEqual(new Set(['10.0.0.1 0', '10.9.9.9 1']));
  });

  it('true throws a ConfigurationError that says what to write', () => {
    expect(() => createClientIpResolver({ trustProxy: true as unknown as TrustProxy })).toThrow(ConfigurationError);
    expect(() => createClientIpResolver({ trustProxy: true as unknown as TrustProxy })).toThrow(/trustProxy: 1/);
  });

  it.each([[-1], [1.5], [['10.0.0.0/33']], ['loopbak'], [['']]])('rejects trustProxy %j', (trustProxy) => {
    expect(() => createClientIpResolver({ trustProxy: trustProxy as TrustProxy })).toThrow(ConfigurationError);
  });

  it('rejects an unknown proxyHeader', () => {
    expect(() => createClientIpResolver({ proxyHeader: 'x-client-ip' as never })).toThrow(/'x-forwarded-for', 'forwarded' or 'x-real-ip'/);
  });
});

describe('X-Forwarded-For', () => {
  const trust = { trustProxy: ['10.0.0.0/8'] };

  it('walks right to left and stops at the first untrusted hop', () => {
    // 6.6.6.6 is forged by the client; 203.0.113.7 is the first address no trusted proxy vouches past.
    expect(resolve(trust, '10.0.0.1', XFF('6.6.6.6, 203.0.113.7, 10.1.1.1, 10.2.2.2')).ip).toBe('203.0.113.7');
  });

  it('uses the leftmost entry when every hop is trusted', () => {
    expect(resolve(trust, '10.0.0.1', XFF('10.3.3.3, 10.2.2.2')).ip).toBe('10.3.3.3');
  });

  it('ignores a forged header from an untrusted peer', () => {
    const r = resolve(trust, '198.51.100.9', { ...XFF('10.0.0.5'), 'x-forwarded-proto': 'https' });
    expect(r).toMatchObject({ ip: '198.51.100.9', secure: false, malformedForwarding: false });
  });

  it('flags malformed entries and uses the nearest valid hop', () => {
    expect(resolve(trust, '10.0.0.1', XFF('1.1.1.1, garbage, 10.2.2.2'))).toMatchObject({ ip: '10.2.2.2', malformedForwarding: true });
    expect(resolve(trust, '10.0.0.1', XFF('1.1.1.1, '))).toMatchObject({ ip: '10.0.0.1', malformedForwarding: true });
    expect(resolve(trust, '10.0.0.1', XFF(Array(65).fill('1.1.1.1').join(',')))).toMatchObject({
      ip: '10.0.0.1',
      malformedForwarding: true,
    });
    // Past the first untrusted hop nothing is read, so junk there is not reported.
    expect(resolve(trust, '10.0.0.1', XFF('junk, 8.8.8.8'))).toMatchObject({ ip: '8.8.8.8', malformedForwarding: false });
  });

  it('normalizes entries (IPv6 canonical, IPv4-mapped unwrapped, brackets)', () => {
    expect(resolve(trust, '10.0.0.1', XFF('2001:DB8:0::1')).ip).toBe('2001:db8::1');
    expect(resolve(trust, '10.0.0.1', XFF('::ffff:192.0.2.1')).ip).toBe('192.0.2.1');
    expect(resolve(trust, '10.0.0.1', XFF('[2001:db8::2]')).ip).toBe('2001:db8::2');
  });

  it('takes X-Forwarded-Proto and X-Forwarded-Host only from trusted peers, rightmost value', () => {
    const headers = { ...XFF('1.1.1.1'), 'x-forwarded-proto': 'http, HTTPS', 'x-forwarded-host': 'evil.example, shop.example:8443' };
    expect(resolve(trust, '10.0.0.1', headers)).toMatchObject({ secure: true, host: 'shop.example:8443' });
    expect(resolve(trust, '192.0.2.1', headers)).toMatchObject({ secure: false, host: 'app.example' });
    // A trusted proxy saying http overrides a TLS hop; an unknown value keeps the socket's.
    expect(resolve(trust, '10.0.0.1', { 'x-forwarded-proto': 'http' }, true).secure).toBe(false);
    expect(resolve(trust, '10.0.0.1', { 'x-forwarded-proto': 'gopher' }, true).secure).toBe(true);
  });

  it.each(['a/b', 'user@host', 'exa mple', 'host:99999', '[::1', ''])('ignores an invalid forwarded host %j', (host) => {
    expect(resolve(trust, '10.0.0.1', { 'x-forwarded-host': host }).host).toBe('app.example');
  });

  it('unwraps an IPv4-mapped peer before matching trust', () => {
    expect(resolve(trust, '::ffff:10.0.0.1', XFF('203.0.113.7')).ip).toBe('203.0.113.7');
    expect(resolve({}, '::ffff:127.0.0.1').ip).toBe('127.0.0.1');
  });

  it('an unknown or unparseable peer gives no ip', () => {
    expect(resolve(trust, undefined, XFF('1.1.1.1'))).toMatchObject({ ip: undefined, host: 'app.example' });
    expect(resolve(trust, 'not-an-ip', XFF('1.1.1.1')).ip).toBeUndefined();
  });
});

describe('Forwarded header mode', () => {
  const opts: ClientIpOptions = { trustProxy: ['10.0.0.0/8'], proxyHeader: 'forwarded' };

  it('walks elements right to left and takes proto/host from the client element', () => {
    const header = 'for=6.6.6.6;proto=http;host=forged.example, for="[2001:db8:cafe::17]:4711";proto=https;host=shop.example, for=10.1.1.1;proto=http';
    expect(resolve(opts, '10.0.0.1', { forwarded: header })).toMatchObject({
      ip: '2001:db8:cafe::17',
      secure: true,
      host: 'shop.example',
      malformedForwarding: false,
    });
  });

  it('ignores X-Forwarded-For in this mode, and Forwarded from untrusted peers', () => {
    expect(resolve(opts, '10.0.0.1', XFF('1.1.1.1')).ip).toBe('10.0.0.1');
    expect(resolve(opts, '192.0.2.1', { forwarded: 'for=1.1.1.1;proto=https' })).toMatchObject({ ip: '192.0.2.1', secure: false });
  });

  it('stops at obfuscated, unknown or missing nodes and flags them', () => {
    for (const header of ['for=1.1.1.1, for=_hidden', 'for=unknown', 'for=1.1.1.1, proto=https']) {
      expect(resolve(opts, '10.0.0.1', { forwarded: header })).toMatchObject({ ip: '10.0.0.1', malformedForwarding: true });
    }
  });

  it('flags an unparseable header and keeps the peer', () => {
    expect(resolve(opts, '10.0.0.1', { forwarded: 'for=1.1.1.1;for=2.2.2.2' })).toMatchObject({
      ip: '10.0.0.1',
      secure: false,
      host: 'app.example',
      malformedForwarding: true,
    });
  });

  it('ignores an invalid host in the element', () => {
    expect(resolve(opts, '10.0.0.1', { forwarded: 'for=1.1.1.1;host="a b"' })).toMatchObject({ ip: '1.1.1.1', host: 'app.example' });
  });
});

describe('X-Real-IP mode', () => {
  const opts: ClientIpOptions = { trustProxy: 'loopback', proxyHeader: 'x-real-ip' };

  it('takes the address from a trusted peer only', () => {
    expect(resolve(opts, '127.0.0.1', { 'x-real-ip': '203.0.113.5', ...XFF('1.1.1.1') }).ip).toBe('203.0.113.5');
    expect(resolve(opts, '192.0.2.1', { 'x-real-ip': '203.0.113.5' }).ip).toBe('192.0.2.1');
    expect(resolve(opts, '127.0.0.1', { 'x-forwarded-proto': 'https' }).secure).toBe(true);
  });

  it('flags a malformed value and keeps the peer', () => {
    expect(resolve(opts, '127.0.0.1', { 'x-real-ip': '1.2.3' })).toMatchObject({ ip: '127.0.0.1', malformedForwarding: true });
  });
});

describe('properties', () => {
  const ipish = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.ipV4Extended(),
    fc.constantFrom('unknown', '_hidden', '[::1]:80', '10.0.0.1', ''),
    fc.string({ maxLength: 20 }),
  );
  const list = fc.tuple(fc.array(ipish, { maxLength: 8 }), fc.constantFrom(',', ', ', ' ,')).map(([items, sep]) => items.join(sep));
  const headerValue = fc.oneof(list, fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 30 }));
  const headers = fc.record(
    { 'x-forwarded-for': headerValue, forwarded: headerValue, 'x-real-ip': headerValue, 'x-forwarded-proto': headerValue, 'x-forwarded-host': headerValue },
    { requiredKeys: [] },
  );
  const trustProxy = fc.constantFrom<TrustProxy>(false, 0, 1, 3, 'loopback', ['0.0.0.0/0', '::/0'], 'uniquelocal', () => true);

  it('never throws; the ip is undefined or a normalized address', () => {
    fc.assert(
      fc.property(trustProxy, fc.constantFrom('x-forwarded-for', 'forwarded', 'x-real-ip') as fc.Arbitrary<'forwarded'>, ipish, headers, fc.boolean(), (trust, proxyHeader, peer, record, secure) => {
        const r = createClientIpResolver({ trustProxy: trust, proxyHeader })({ remoteAddress: peer, secure, headers: safeHeaders(Object.entries(record)), host: HOST });
        if (r.ip !== undefined) expect(normalizeIp(r.ip)).toBe(r.ip);
        expect(typeof r.secure).toBe('boolean');
        expect(r.host.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('with trustProxy false the ip is the normalized peer, whatever the headers', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), ipish), headers, fc.boolean(), (peer, record, secure) => {
        const r = createClientIpResolver({ trustProxy: false })({ remoteAddress: peer, secure, headers: safeHeaders(Object.entries(record)), host: HOST });
        expect(r).toEqual({ ip: normalizeIp(peer), address: parseIp(peer), secure, host: 'app.example', malformedForwarding: false });
      }),
      { numRuns: 1000 },
    );
  });
});
