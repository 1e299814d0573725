/** The batched nonce path: the same policies and nonces as joining the nonce into each policy per response. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NONCE, type CspDirectives } from '../../src/core/headers/csp-directives.js';
import { writeNonce } from '../../src/core/headers/nonce.js';
import { createSecurityHeaders, type HeadersOptions } from '../../src/core/headers/security-headers.js';
import { ResponseHeaders } from '../../src/core/http/response-headers.js';

const NONCE_RE = /^[A-Za-z0-9+/]{22}==$/;

function responses(options: HeadersOptions, count: number): { nonce: string | undefined; headers: ResponseHeaders }[] {
  const security = createSecurityHeaders(options);
  return Array.from({ length: count }, () => {
    const headers = new ResponseHeaders();
    return { nonce: security.apply(headers, true), headers };
  });
}

describe('writeNonce', () => {
  it('writes standard base64 of the 16 bytes (without the final ==)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 40 }), fc.nat(24), fc.nat(8), (bytes, start, at) => {
        fc.pre(start + 16 <= bytes.length);
        const out = new Uint8Array(at + 22);
        writeNonce(bytes, start, new DataView(out.buffer), at);
        const expected = Buffer.from(bytes.subarray(start, start + 16)).toString('base64');
        expect(Buffer.from(out.subarray(at)).toString('latin1')).toBe(expected.slice(0, 22));
        expect(out.subarray(0, at).every((b) => b === 0)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('per-response policies', () => {
  it('join each response its own nonce in every place, across many batches', () => {
    const all = responses({}, 100);
    const parts = all[0]!.headers.get('content-security-policy')!.split(`'nonce-${all[0]!.nonce!}'`);
    expect(parts).toHaveLength(3);
    for (const { nonce, headers } of all) {
      expect(nonce).toMatch(NONCE_RE);
      expect(headers.get('content-security-policy')).toBe(parts.join(`'nonce-${nonce}'`));
    }
    expect(new Set(all.map((r) => r.nonce)).size).toBe(100);
  });

  it('give an enforced and a report-only policy the same nonce', () => {
    const directives: CspDirectives = { scriptSrc: ["'self'", NONCE, "'strict-dynamic'"] };
    for (const { nonce, headers } of responses({ contentSecurityPolicy: { directives, reportOnly: { directives } } }, 40)) {
      const n = `'nonce-${nonce!}'`;
      expect(headers.get('content-security-policy')).toContain(`script-src 'self' ${n} 'strict-dynamic'`);
      expect(headers.get('content-security-policy-report-only')).toContain(`script-src 'self' ${n} 'strict-dynamic'`);
    }
  });

  it('keep a policy without a nonce fixed beside one with a nonce', () => {
    const options: HeadersOptions = {
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'self'"] }, reportOnly: { useDefaults: false, directives: { scriptSrc: [NONCE] } } },
    };
    for (const { nonce, headers } of responses(options, 20)) {
      expect(headers.get('content-security-policy')).toBe("default-src 'self'");
      expect(headers.get('content-security-policy-report-only')).toBe(`script-src 'nonce-${nonce!}'`);
    }
  });

  it('keep characters outside ASCII in the policy text as they are', () => {
    const options: HeadersOptions = { contentSecurityPolicy: { useDefaults: false, directives: { imgSrc: ['https://bücher.example'], scriptSrc: [NONCE, 'https://ß.example'] } } };
    for (const { nonce, headers } of responses(options, 20)) {
      expect(headers.get('content-security-policy')).toBe(`img-src https://bücher.example; script-src 'nonce-${nonce!}' https://ß.example`);
    }
  });

  it('return no nonce and a fixed policy when the policy has no nonce', () => {
    for (const { nonce, headers } of responses({ preset: 'api' }, 3)) {
      expect(nonce).toBeUndefined();
      expect(headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });
});
