/** Shared helpers for the core unit tests. */
import { createSecurityHeaders, type HeadersOptions } from '../../src/core/headers/security-headers.js';
import { ResponseHeaders } from '../../src/core/http/response-headers.js';

/** Applies security headers for one response; returns them as a plain object, with the nonce. */
export function render(options?: HeadersOptions, secure = false): { headers: Record<string, string>; nonce: string | undefined } {
  const target = new ResponseHeaders();
  const nonce = createSecurityHeaders(options).apply(target, secure);
  return { headers: Object.fromEntries(target), nonce };
}

/** Builds Web Headers from pairs, skipping names or values that Headers itself refuses. */
export function safeHeaders(pairs: Iterable<readonly [string, string]>): Headers {
  const headers = new Headers();
  for (const [name, value] of pairs) {
    try {
      headers.append(name, value);
    } catch {
      // Never reaches a server: an HTTP parser would have refused it first.
    }
  }
  return headers;
}
