/**
 * Translation between Web `Request`/`Response` and the core, shared by the Fetch and Next.js adapters.
 */

import { denyBody, type Bulwark, type Decision, type DenyDecision, type RequestContext, type SecurityRequest } from '../core/index.js';
import type { ResponseHeaders } from '../core/http/response-headers.js';

export function fromWebRequest(request: Request, remoteAddress: string | undefined): SecurityRequest {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    remoteAddress,
    secure: request.url.startsWith('https:'),
  };
}

export function deniedResponse(request: Request, decision: DenyDecision): Response {
  const { contentType, body } = denyBody(decision, request.headers.get('accept'));
  const headers = new Headers([...decision.headers]);
  headers.set('content-type', contentType);
  return new Response(request.method === 'HEAD' ? null : body, { status: decision.status, headers });
}

/** Headers the handler set itself win (it chose them for this response); `Vary` is merged; removed headers go. */
export function mergeDecisionHeaders(target: Headers, decision: Decision): void {
  (decision.headers as ResponseHeaders).forEachRaw((name, value) => {
    if (name === 'set-cookie') {
      for (const cookie of value) target.append(name, cookie);
    } else if (name === 'vary' && target.has('vary')) {
      target.set('vary', `${target.get('vary')!}, ${String(value)}`);
    } else if (!target.has(name)) {
      target.set(name, String(value));
    }
  });
  for (const name of decision.removeHeaders) target.delete(name);
}

/** Applies the decision's headers to a handler's response, copying it first if its headers are immutable. */
export function withDecisionHeaders(response: Response, decision: Decision): Response {
  try {
    mergeDecisionHeaders(response.headers, decision);
    return response;
  } catch {
    // Response.redirect() and fetch() responses have immutable headers.
    const copy = new Response(response.body, { status: response.status, statusText: response.statusText, headers: response.headers });
    mergeDecisionHeaders(copy.headers, decision);
    return copy;
  }
}

/** Runs `handle` behind `protect()`: denied requests never reach it. `input` is `request` as the core sees it. */
export async function runProtected(
  bulwark: Bulwark,
  request: Request,
  input: SecurityRequest,
  handle: (context: RequestContext) => Response | Promise<Response>,
): Promise<Response> {
  const decision = await bulwark.protect(input);
  if (!decision.allowed) {
    bulwark.complete(decision.context, decision.status);
    return deniedResponse(request, decision);
  }
  const response = withDecisionHeaders(await handle(decision.context), decision);
  bulwark.complete(decision.context, response.status);
  return response;
}
