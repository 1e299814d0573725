import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidInputError } from '../../src/core/errors.js';
import { NONCE, type CspDirectives } from '../../src/core/headers/csp-directives.js';
import { cspHash } from '../../src/core/headers/csp-hash.js';
import { createNonce } from '../../src/core/headers/nonce.js';
import { createSecurityHeaders, type HeadersOptions } from '../../src/core/headers/security-headers.js';
import { ResponseHeaders } from '../../src/core/http/response-headers.js';
import { render } from './helpers.js';

const csp = (options: HeadersOptions['contentSecurityPolicy']): string => render({ contentSecurityPolicy: options }).headers['content-security-policy']!;
const directives = (policy: string): Map<string, string> =>
  new Map(policy.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1).join(' ')]));

describe('CSP directives', () => {
  it('merges camelCase and kebab-case names over the preset, keeping the preset order', () => {
    const policy = directives(csp({ directives: { imgSrc: ["'self'", 'https://img.example'], 'connect-src': ["'self'"] } }));
    expect(policy.get('img-src')).toBe("'self' https://img.example");
    expect(policy.get('connect-src')).toBe("'self'");
    expect([...policy.keys()].indexOf('img-src')).toBe(3);
    expect(policy.get('object-src')).toBe("'none'");
  });

  it('accepts a space-separated string and true for value-less directives', () => {
    const policy = directives(csp({ useDefaults: false, directives: { defaultSrc: "'self'  https://a.example", upgradeInsecureRequests: true } }));
    expect([...policy]).toEqual([['default-src', "'self' https://a.example"], ['upgrade-insecure-requests', '']]);
  });

  it('removes a directive set to false or null', () => {
    const policy = directives(csp({ directives: { upgradeInsecureRequests: false, 'img-src': null } }));
    expect(policy.has('upgrade-insecure-requests')).toBe(false);
    expect(policy.has('img-src')).toBe(false);
    expect(policy.has('default-src')).toBe(true);
  });

  it('keeps the nonce where NONCE is placed', () => {
    const { headers, nonce } = render({ contentSecurityPolicy: { useDefaults: false, directives: { scriptSrc: [NONCE, "'strict-dynamic'"] } } });
    expect(headers['content-security-policy']).toBe(`script-src 'nonce-${nonce}' 'strict-dynamic'`);
  });

  it('sends no nonce when the policy has no NONCE', () => {
    const { headers, nonce } = render({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'"], styleSrc: ["'self'"] } } });
    expect(nonce).toBeUndefined();
    expect(headers['content-security-policy']).not.toContain('nonce');
  });

  it('says how to quote an unquoted keyword', () => {
    expect(() => csp({ directives: { scriptSrc: ['self'] } })).toThrow(`keywords are quoted in CSP: write "'self'"`);
    expect(() => csp({ directives: { defaultSrc: 'none' } })).toThrow(`write "'none'"`);
    expect(() => csp({ directives: { scriptSrc: ['unsafe-inline'] } })).toThrow(ConfigurationError);
  });

  it('suggests the directive meant by a typo (JavaScript callers; TypeScript rejects it at compile time)', () => {
    const typo = { scirptSrc: ["'self'"] } as unknown as CspDirectives;
    expect(() => csp({ directives: typo })).toThrow('unknown directive "scirptSrc"; did you mean "script-src"?');
  });

  it.each([
    [{ directives: { scriptSrc: ["'self'; object-src *"] } }, /not a CSP source/],
    [{ directives: { scriptSrc: ['https://a.example,https://b.example'] } }, /not a CSP source/],
    [{ directives: { scriptSrc: ["'self'\r\nX-Evil: 1"] } }, /not a CSP source/],
    [{ directives: { scriptSrc: [''] } }, /not a CSP source/],
    [{ directives: { scriptSrc: [42] } }, /not a CSP source/],
    [{ directives: { scriptSrc: 42 } }, /expected a list of sources/],
    [{ directives: { upgradeInsecureRequests: ['x'] } }, /takes no sources: write true/],
    [{ directives: [] }, /expected an object of directives/],
    [{ directive: {} }, /did you mean "directives"/],
    [{ reportOnly: { directives: {}, extra: 1 } }, /unknown option "extra"/],
  ])('rejects %j', (options, message) => {
    expect(() => csp(options as never)).toThrow(message);
  });
});

describe('report-only policy and reporting', () => {
  it('sends a report-only policy beside the enforced one, with the same nonce', () => {
    const { headers, nonce } = render({ contentSecurityPolicy: { reportOnly: { directives: { requireTrustedTypesFor: ["'script'"] } } } });
    const enforced = headers['content-security-policy']!;
    const trial = headers['content-security-policy-report-only']!;
    expect(trial).toBe(`${enforced}; require-trusted-types-for 'script'`);
    expect(trial).toContain(`'nonce-${nonce}'`);
  });

  it('a report-only policy may start empty', () => {
    const { headers } = render({ contentSecurityPolicy: { reportOnly: { useDefaults: false, directives: { defaultSrc: ["'none'"] } } } });
    expect(headers['content-security-policy-report-only']).toBe("default-src 'none'");
  });

  it('reportTo needs a reportingEndpoints entry', () => {
    expect(() => createSecurityHeaders({ contentSecurityPolicy: { reportTo: 'csp' } })).toThrow(
      'headers.contentSecurityPolicy.reportTo: add "csp" to headers.reportingEndpoints first',
    );
    expect(() => createSecurityHeaders({ reportingEndpoints: { csp: '/r' }, contentSecurityPolicy: { reportTo: 'csp; x' } })).toThrow(
      ConfigurationError,
    );
  });

  it('adds report-to to both policies and sends Reporting-Endpoints', () => {
    const { headers } = render({
      reportingEndpoints: { csp: 'https://reports.example/csp', default: '/reports' },
      contentSecurityPolicy: { reportTo: 'csp', reportOnly: { directives: {} } },
    });
    expect(headers['reporting-endpoints']).toBe('csp="https://reports.example/csp", default="/reports"');
    expect(headers['content-security-policy']).toMatch(/; report-to csp$/);
    expect(headers['content-security-policy-report-only']).toMatch(/; report-to csp$/);
  });

  it.each([{ CSP: '/r' }, { csp: 'http://insecure.example/r' }, { csp: 'https://a.example/"x' }, { csp: 'https://a .example' }, { csp: 1 }])(
    'rejects reportingEndpoints %j',
    (endpoints) => {
      expect(() => createSecurityHeaders({ reportingEndpoints: endpoints as never })).toThrow(/headers.reportingEndpoints/);
    },
  );
});

describe('nonces', () => {
  it('are 128-bit canonical base64 and the same on script-src and style-src', () => {
    const { headers, nonce } = render();
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    const bytes = Buffer.from(nonce!, 'base64');
    expect(bytes).toHaveLength(16);
    expect(bytes.toString('base64')).toBe(nonce);
    expect(headers['content-security-policy']!.split(`'nonce-${nonce}'`)).toHaveLength(3);
  });

  it('differ on every request (10,000 all unique) and look random', () => {
    const headers = createSecurityHeaders();
    const seen = new Set<string>();
    const ones = new Array<number>(128).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const target = new ResponseHeaders();
      const nonce = headers.apply(target, false)!;
      expect(target.get('content-security-policy')).toContain(`'nonce-${nonce}'`);
      seen.add(nonce);
      Buffer.from(nonce, 'base64').forEach((byte, b) => {
        for (let bit = 0; bit < 8; bit++) ones[b * 8 + bit]! += (byte >> bit) & 1;
      });
    }
    expect(seen.size).toBe(10_000);
    // Every bit position is set about half the time (a stuck or zeroed bit would be 0 or 10,000).
    for (const count of ones) expect(count).toBeGreaterThan(4_000);
    for (const count of ones) expect(count).toBeLessThan(6_000);
  });

  it('createNonce keeps producing fresh values across block refills', () => {
    const nonces = Array.from({ length: 1_000 }, createNonce);
    expect(new Set(nonces).size).toBe(1_000);
    expect(nonces).not.toContain('AAAAAAAAAAAAAAAAAAAAAA==');
  });
});

describe('cspHash', () => {
  it('matches a hash computed independently with node:crypto', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary' }), fc.constantFrom('sha256', 'sha384', 'sha512' as const), async (source, algorithm) => {
        const expected = `'${algorithm}-${createHash(algorithm).update(source, 'utf8').digest('base64')}'`;
        expect(await cspHash(source, algorithm)).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('defaults to sha256 and hashes the exact text', async () => {
    expect(await cspHash("alert('Hello, world.');")).toBe("'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='");
    expect(await cspHash('x ')).not.toBe(await cspHash('x'));
  });

  it('rejects bad input with InvalidInputError', async () => {
    await expect(cspHash(1 as never)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(cspHash('x', 'md5' as never)).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('loosened', () => {
  it('is empty for the defaults', () => {
    expect(createSecurityHeaders().loosened).toEqual([]);
    expect(createSecurityHeaders({ preset: 'api' }).loosened).toEqual([]);
  });

  it('lists unsafe sources and switched-off protections', () => {
    const { loosened } = createSecurityHeaders({
      contentSecurityPolicy: { directives: { scriptSrc: ["'self'", "'unsafe-inline'", "'unsafe-eval'", 'data:'], imgSrc: ['*'] } },
      strictTransportSecurity: false,
    });
    expect(loosened).toEqual([
      "CSP allows script-src 'unsafe-inline'",
      "CSP allows script-src 'unsafe-eval'",
      'CSP allows script-src data:',
      'CSP allows img-src *',
      'Strict-Transport-Security is off',
    ]);
    expect(createSecurityHeaders({ contentSecurityPolicy: false, xFrameOptions: false }).loosened).toEqual([
      'Content-Security-Policy is off',
      'framing protection is off',
    ]);
  });
});
