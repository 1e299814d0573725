import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { createSecurityHeaders, type HeadersOptions } from '../../src/core/headers/security-headers.js';
import { render } from './helpers.js';

const PERMISSIONS =
  'accelerometer=(), browsing-topics=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), ' +
  'idle-detection=(), magnetometer=(), microphone=(), midi=(), payment=(), screen-wake-lock=(), serial=(), usb=(), ' +
  'xr-spatial-tracking=()';

const COMMON = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'permissions-policy': PERMISSIONS,
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

describe('html preset (default)', () => {
  it('sends exactly this header set on an insecure request', () => {
    const { headers, nonce } = render();
    expect(nonce).toBeDefined();
    const n = `'nonce-${nonce}'`;
    expect(headers).toEqual({
      ...COMMON,
      'content-security-policy':
        `default-src 'self'; script-src 'self' ${n}; style-src 'self' ${n}; img-src 'self' data:; object-src 'none'; ` +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; upgrade-insecure-requests",
    });
  });

  it('CSP allows no inline code without the nonce', () => {
    const csp = render().headers['content-security-policy']!;
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|\*/);
  });

  it('does not send COEP unless asked', () => {
    expect(render().headers).not.toHaveProperty('cross-origin-embedder-policy');
    expect(render({ crossOriginEmbedderPolicy: true }).headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(render({ crossOriginEmbedderPolicy: 'credentialless' }).headers['cross-origin-embedder-policy']).toBe('credentialless');
  });

  it('removes X-Powered-By and Server by default', () => {
    expect(createSecurityHeaders().removeHeaders).toEqual(['x-powered-by', 'server']);
    expect(createSecurityHeaders({ removeHeaders: ['X-Runtime'] }).removeHeaders).toEqual(['x-runtime']);
    expect(createSecurityHeaders({ removeHeaders: false }).removeHeaders).toEqual([]);
    expect(() => createSecurityHeaders({ removeHeaders: 'server' as unknown as string[] })).toThrow(ConfigurationError);
  });
});

describe('Strict-Transport-Security', () => {
  it('is sent only on secure requests: two years with includeSubDomains', () => {
    expect(render(undefined, false).headers).not.toHaveProperty('strict-transport-security');
    expect(render(undefined, true).headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
  });

  it('preload is opt-in and validated', () => {
    expect(render({ strictTransportSecurity: { preload: true } }, true).headers['strict-transport-security']).toBe(
      'max-age=63072000; includeSubDomains; preload',
    );
    expect(() => createSecurityHeaders({ strictTransportSecurity: { preload: true, includeSubDomains: false } })).toThrow(
      /preload requires includeSubDomains/,
    );
    expect(() => createSecurityHeaders({ strictTransportSecurity: { preload: true, maxAge: 86_400 } })).toThrow(/31536000/);
  });

  it('accepts a custom maxAge and can be switched off', () => {
    expect(render({ strictTransportSecurity: { maxAge: 300, includeSubDomains: false } }, true).headers['strict-transport-security']).toBe(
      'max-age=300',
    );
    expect(render({ strictTransportSecurity: false }, true).headers).not.toHaveProperty('strict-transport-security');
  });

  it.each([{ maxAge: -1 }, { maxAge: 1.5 }, { maxAge: '1' }, { preload: 'yes' }])('rejects %j', (option) => {
    expect(() => createSecurityHeaders({ strictTransportSecurity: option as never })).toThrow(ConfigurationError);
  });

  it('suggests the right spelling of a mistyped option', () => {
    expect(() => createSecurityHeaders({ strictTransportSecurity: { maxage: 1 } as never })).toThrow(
      'headers.strictTransportSecurity: unknown option "maxage"; did you mean "maxAge"?',
    );
    expect(() => createSecurityHeaders({ xFrameOption: 'DENY' } as never)).toThrow('did you mean "xFrameOptions"');
  });
});

describe('api preset', () => {
  it('locks everything down and disables caching, with no nonce', () => {
    const { headers, nonce } = render({ preset: 'api' }, true);
    expect(nonce).toBeUndefined();
    expect(headers).toEqual({
      ...COMMON,
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'cache-control': 'no-store',
      'strict-transport-security': 'max-age=63072000; includeSubDomains',
    });
  });

  it('cache-control can be changed or dropped', () => {
    expect(render({ preset: 'api', cacheControl: 'private, no-cache' }).headers['cache-control']).toBe('private, no-cache');
    expect(render({ preset: 'api', cacheControl: false }).headers).not.toHaveProperty('cache-control');
    expect(() => createSecurityHeaders({ cacheControl: 'no-store\r\nX-Evil: 1' })).toThrow(ConfigurationError);
  });

  it('rejects an unknown preset with a suggestion', () => {
    expect(() => createSecurityHeaders({ preset: 'API' as never })).not.toThrow();
    expect(() => createSecurityHeaders({ preset: 'htm' as never })).toThrow('did you mean "html"');
  });
});

describe('per-header overrides', () => {
  const dropped: [keyof HeadersOptions, string][] = [
    ['contentSecurityPolicy', 'content-security-policy'],
    ['xContentTypeOptions', 'x-content-type-options'],
    ['xFrameOptions', 'x-frame-options'],
    ['referrerPolicy', 'referrer-policy'],
    ['permissionsPolicy', 'permissions-policy'],
    ['crossOriginOpenerPolicy', 'cross-origin-opener-policy'],
    ['crossOriginResourcePolicy', 'cross-origin-resource-policy'],
    ['xPermittedCrossDomainPolicies', 'x-permitted-cross-domain-policies'],
    ['xDnsPrefetchControl', 'x-dns-prefetch-control'],
    ['originAgentCluster', 'origin-agent-cluster'],
    ['xXssProtection', 'x-xss-protection'],
  ];

  it.each(dropped)('%s: false drops %s and nothing else', (option, header) => {
    const all = render().headers;
    const { headers } = render({ [option]: false });
    expect(headers).not.toHaveProperty(header);
    expect(Object.keys(headers).sort()).toEqual(Object.keys(all).filter((h) => h !== header).sort());
  });

  it('accepts values and normalizes their case', () => {
    const { headers } = render({
      xFrameOptions: 'sameorigin' as 'SAMEORIGIN',
      referrerPolicy: ['no-referrer', 'strict-origin-when-cross-origin'],
      crossOriginOpenerPolicy: 'same-origin-allow-popups',
      crossOriginResourcePolicy: 'cross-origin',
      xPermittedCrossDomainPolicies: 'master-only',
      xDnsPrefetchControl: 'on',
    });
    expect(headers).toMatchObject({
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer,strict-origin-when-cross-origin',
      'cross-origin-opener-policy': 'same-origin-allow-popups',
      'cross-origin-resource-policy': 'cross-origin',
      'x-permitted-cross-domain-policies': 'master-only',
      'x-dns-prefetch-control': 'on',
    });
  });

  it('merges Permissions-Policy entries over the default list', () => {
    const value = render({
      permissionsPolicy: { camera: ['self'], geolocation: false, fullscreen: ["'self'", 'https://video.example'], usb: '*' },
    }).headers['permissions-policy']!;
    expect(value).toContain('camera=(self)');
    expect(value).not.toContain('geolocation');
    expect(value).toContain('fullscreen=(self "https://video.example")');
    expect(value).toContain('usb=*');
    expect(value).toContain('microphone=()');
  });

  it.each([
    [{ xFrameOptions: 'ALLOW-FROM x' }, /headers.xFrameOptions/],
    [{ referrerPolicy: 'unsafe_url' }, /did you mean "unsafe-url"/],
    [{ referrerPolicy: [] }, /non-empty list/],
    [{ permissionsPolicy: { Camera: [] } }, /not a feature name/],
    [{ permissionsPolicy: { camera: ['javascript:alert(1)'] } }, /not 'self' or an http\(s\) origin/],
    [{ crossOriginOpenerPolicy: 42 }, /headers.crossOriginOpenerPolicy/],
    [{ headers: {} }, /unknown option "headers"/],
  ])('rejects %j', (options, message) => {
    expect(() => createSecurityHeaders(options as HeadersOptions)).toThrow(message);
  });

  it('rejects a non-object', () => {
    expect(() => createSecurityHeaders([] as never)).toThrow(ConfigurationError);
  });
});
