/**
 * Translation between Web `Request`/`Response` and the core, shared by the Fetch and Next.js adapters.
 */

import { denyBody, type AllowDecision, type Bulwark, type Decision, type DenyDecision, type RequestContext, type SecurityRequest } from '../core/index.js';
import { LimitExceededError, TimeBudgetExceededError } from '../core/errors.js';
import { limitBody } from '../core/limits/body-limit.js';
import type { ResponseHeaders } from '../core/http/response-headers.js';

export function fromWebRequest(request: Request, remoteAddress: string | undefined): SecurityRequest {
  const input: SecurityRequest = {
    method: request.method,
    url: request.url,
    headers: request.headers,
    remoteAddress,
    secure: request.url.startsWith('https:'),
  };
  return withBody(input, request);
}

/** Lets guards read a copy of the body (the CSRF form-field check); the handler still gets all of it. */
export function withBody(input: SecurityRequest, request: Request): SecurityRequest {
  if (request.body !== null) input.body = () => request.clone().body ?? new ReadableStream({ start: (c) => c.close() });
  return input;
}

/**
 * The request the handler sees: its body counted against the decision's limit, so reading past it
 * fails (413) instead of buffering an unbounded upload.
 */
function limitedRequest(request: Request, decision: AllowDecision): Request {
  if (decision.bodyLimit === undefined || request.body === null) return request;
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  const body = limitBody(request.body, {
    maxBytes: decision.bodyLimit.maxBytes,
    expectedLength: Number.isSafeInteger(declared) ? declared : undefined,
    idleTimeoutMs: decision.bodyLimit.idleTimeoutMs,
  });
  return new Request(request, { body, duplex: 'half' } as RequestInit);
}

/** A handler that failed while reading a body past its limit gets the status that says so, not a 500. */
function bodyFailureResponse(error: unknown, decision: AllowDecision): Response | undefined {
  let status: number;
  if (error instanceof LimitExceededError && error.limit === 'maxBytes') status = 413;
  else if (error instanceof TimeBudgetExceededError) status = 408;
  else return undefined;
  const headers = new Headers([...decision.headers]);
  headers.set('content-type', 'text/plain; charset=utf-8');
  headers.set('connection', 'close');
  return new Response(status === 413 ? 'Payload too large\n' : 'Request body timed out\n', { status, headers });
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

/** Cookies and headers the session queued while the handler ran (login, logout, rotation). */
function withSessionHeaders(response: Response, context: RequestContext): Response {
  const pending = context.session?.takeHeaders() ?? [];
  if (pending.length === 0) return response;
  const apply = (headers: Headers): void => {
    for (const { name, value, mode } of pending) {
      if (mode === 'append') headers.append(name, value);
      else headers.set(name, value);
    }
  };
  try {
    apply(response.headers);
    return response;
  } catch {
    // Immutable headers (Response.redirect(), fetch() responses) refuse the first change: copy once.
    const copy = new Response(response.body, { status: response.status, statusText: response.statusText, headers: response.headers });
    apply(copy.headers);
    return copy;
  }
}

/** Runs `handle` behind `protect()`: denied requests never reach it. `input` is `request` as the core sees it. */
export async function runProtected(
  bulwark: Bulwark,
  request: Request,
  input: SecurityRequest,
  handle: (request: Request, context: RequestContext) => Response | Promise<Response>,
): Promise<Response> {
  const decision = await bulwark.protect(input);
  if (!decision.allowed) {
    bulwark.complete(decision.context, decision.status);
    return deniedResponse(request, decision);
  }
  let response: Response;
  try {
    response = withSessionHeaders(withDecisionHeaders(await handle(limitedRequest(request, decision), decision.context), decision), decision.context);
  } catch (error) {
    const refused = bodyFailureResponse(error, decision);
    if (refused === undefined) throw error;
    response = refused;
  }
  bulwark.complete(decision.context, response.status);
  return response;
}
