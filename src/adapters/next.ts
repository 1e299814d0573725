/**
 * Next.js adapter.
 * - `protect(bulwark)`: the function for `proxy.ts` (Next.js 16; `middleware.ts` before it).
 *   The context travels to the app as request headers; the CSP goes on the request too, which is how
 *   Next.js finds the nonce for its own scripts. Read it back with `readContext(await headers())`.
 * - `protectRoute(bulwark, handler)`: wraps an App Router route handler, like the Fetch adapter.
 */

import { NextResponse, type NextRequest } from 'next/server.js';
import type { Bulwark, RequestContext } from '../core/index.js';
import { deniedResponse, fromWebRequest, mergeDecisionHeaders, runProtected } from './web.js';

export interface NextAdapterOptions {
  /** The client's socket address. Next.js does not expose it; the default reads nothing, so configure `trustProxy`. */
  clientAddress?: (request: Request) => string | undefined;
}

/** Request headers that carry the context from the proxy to pages and route handlers. */
export const CONTEXT_HEADERS = {
  requestId: 'x-bulwark-request-id',
  nonce: 'x-nonce',
  clientIp: 'x-bulwark-client-ip',
} as const;

const CONTEXT_HEADER_NAMES = Object.values(CONTEXT_HEADERS);

export function protect(bulwark: Bulwark, options: NextAdapterOptions = {}): (request: NextRequest) => Promise<NextResponse | Response> {
  return async function bulwarkProxy(request) {
    const decision = await bulwark.protect(fromWebRequest(request, options.clientAddress?.(request)));
    if (!decision.allowed) {
      bulwark.complete(decision.context, decision.status);
      return deniedResponse(request, decision);
    }
    const { context } = decision;
    const forwarded = new Headers(request.headers);
    // A client must not be able to supply these itself.
    for (const name of CONTEXT_HEADER_NAMES) forwarded.delete(name);
    forwarded.set(CONTEXT_HEADERS.requestId, context.requestId);
    if (context.nonce !== undefined) forwarded.set(CONTEXT_HEADERS.nonce, context.nonce);
    if (context.clientIp !== undefined) forwarded.set(CONTEXT_HEADERS.clientIp, context.clientIp);
    const csp = decision.headers.get('content-security-policy');
    if (csp !== null) forwarded.set('content-security-policy', csp);
    const response = NextResponse.next({ request: { headers: forwarded } });
    mergeDecisionHeaders(response.headers, decision);
    bulwark.complete(context, response.status);
    return response;
  };
}

/** What a page or route handler can read back: `readContext(await headers())`. */
export function readContext(headers: Headers): Pick<RequestContext, 'requestId' | 'nonce' | 'clientIp'> | undefined {
  const requestId = headers.get(CONTEXT_HEADERS.requestId);
  if (requestId === null) return undefined;
  return {
    requestId,
    nonce: headers.get(CONTEXT_HEADERS.nonce) ?? undefined,
    clientIp: headers.get(CONTEXT_HEADERS.clientIp) ?? undefined,
  };
}

export function protectRoute<Rest extends unknown[]>(
  bulwark: Bulwark,
  handler: (request: Request, context: RequestContext, ...rest: Rest) => Response | Promise<Response>,
  options: NextAdapterOptions = {},
): (request: Request, ...rest: Rest) => Promise<Response> {
  return (request, ...rest) =>
    runProtected(bulwark, request, options.clientAddress?.(request), (context) => handler(request, context, ...rest));
}
