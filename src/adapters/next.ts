/**
 * Next.js adapter.
 * - `protect(bulwark)`: the function for `proxy.ts` (Next.js 16; `middleware.ts` before it).
 *   The context travels to the app as request headers; the CSP goes on the request too, which is how
 *   Next.js finds the nonce for its own scripts. Read it back with `readContext(await headers())`.
 *   Pages that read it render per request, so each response gets its own nonce.
 * - `protectRoute(bulwark, handler)`: wraps an App Router route handler, like the Fetch adapter.
 *
 * Client IP: `next start` hides the socket. It sets `X-Forwarded-For` to the peer only when the request
 * has none, and keeps a client's own verbatim, so the peer is unknown here and `context.clientIp` stays
 * undefined. Behind N reverse proxies that append to (or overwrite) `X-Forwarded-For`, with Next's port
 * reachable only through them, write `createBulwark({ trustProxy: N })`.
 */

import { NextResponse, type NextRequest } from 'next/server.js';
import type { Bulwark, RequestContext, SecurityRequest } from '../core/index.js';
import { deniedResponse, mergeDecisionHeaders, runProtected, withBody } from './web.js';

export interface NextAdapterOptions {
  /** The client's socket address, where your server knows it (a custom server). Default: unknown. */
  clientAddress?: (request: Request) => string | undefined;
}

/** Request headers that carry the context from the proxy to pages and route handlers. */
export const CONTEXT_HEADERS = {
  requestId: 'x-bulwark-request-id',
  nonce: 'x-nonce',
  clientIp: 'x-bulwark-client-ip',
  csrfToken: 'x-bulwark-csrf-token',
} as const;

/** Next.js takes the nonce for its scripts from these request headers, so a client must not supply them. */
const CSP_HEADERS = ['content-security-policy', 'content-security-policy-report-only'] as const;
const SCRUBBED_HEADERS = [...Object.values(CONTEXT_HEADERS), ...CSP_HEADERS];

/**
 * Next.js builds `request.url` from its own hostname and port, with the scheme taken from a client's
 * `X-Forwarded-Proto`. The host the client asked for is the `Host` header; TLS is only believed when a
 * trusted proxy says so (`next start` serves plain HTTP).
 */
function fromNextRequest(request: Request, remoteAddress: string | undefined): SecurityRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    url: `http://${request.headers.get('host') ?? url.host}${url.pathname}${url.search}`,
    headers: request.headers,
    remoteAddress,
    secure: false,
  };
}

export function protect(bulwark: Bulwark, options: NextAdapterOptions = {}): (request: NextRequest) => Promise<NextResponse | Response> {
  return async function bulwarkProxy(request) {
    const decision = await bulwark.protect(fromNextRequest(request, options.clientAddress?.(request)));
    if (!decision.allowed) {
      bulwark.complete(decision.context, decision.status);
      return deniedResponse(request, decision);
    }
    const { context } = decision;
    const forwarded = new Headers(request.headers);
    for (const name of SCRUBBED_HEADERS) forwarded.delete(name);
    forwarded.set(CONTEXT_HEADERS.requestId, context.requestId);
    if (context.nonce !== undefined) forwarded.set(CONTEXT_HEADERS.nonce, context.nonce);
    if (context.clientIp !== undefined) forwarded.set(CONTEXT_HEADERS.clientIp, context.clientIp);
    if (context.csrfToken !== undefined) forwarded.set(CONTEXT_HEADERS.csrfToken, context.csrfToken);
    for (const name of CSP_HEADERS) {
      const csp = decision.headers.get(name);
      if (csp !== null) forwarded.set(name, csp);
    }
    const response = NextResponse.next({ request: { headers: forwarded } });
    mergeDecisionHeaders(response.headers, decision);
    bulwark.complete(context, response.status);
    return response;
  };
}

/** What a page or route handler can read back: `readContext(await headers())`. Trust it only on paths the proxy matches. */
export function readContext(headers: Headers): Pick<RequestContext, 'requestId' | 'nonce' | 'clientIp' | 'csrfToken'> | undefined {
  const requestId = headers.get(CONTEXT_HEADERS.requestId);
  if (requestId === null) return undefined;
  return {
    requestId,
    nonce: headers.get(CONTEXT_HEADERS.nonce) ?? undefined,
    clientIp: headers.get(CONTEXT_HEADERS.clientIp) ?? undefined,
    csrfToken: headers.get(CONTEXT_HEADERS.csrfToken) ?? undefined,
  };
}

export function protectRoute<Rest extends unknown[]>(
  bulwark: Bulwark,
  handler: (request: Request, context: RequestContext, ...rest: Rest) => Response | Promise<Response>,
  options: NextAdapterOptions = {},
): (request: Request, ...rest: Rest) => Promise<Response> {
  return (request, ...rest) =>
    runProtected(bulwark, request, withBody(fromNextRequest(request, options.clientAddress?.(request)), request), (limited, context) =>
      handler(limited, context, ...rest),
    );
}
