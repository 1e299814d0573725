/**
 * createBulwark(options) -> Bulwark. Options are validated here, once; `protect()` then runs the
 * guards in a fixed order and stops at the first denial:
 *
 *   URL and Host sanity -> client IP -> request id -> security headers -> HTTPS redirect
 *   (later: request limits -> IP rules -> rate limits -> CSRF -> session/token)
 *
 * Headers accumulate on the decision either way, so denials carry the security headers too.
 */

import { checkBoolean, checkKeys, fail, toggle } from './config/check-options.js';
import { createEventEmitter, type EmitEvent, type EventSinks } from './events/emitter.js';
import type { SecurityEvent } from './events/types.js';
import { EVALUATE, TRACKS_COMPLETION, type BulwarkInternals } from './internal.js';
import { createSecurityHeaders, type HeadersOptions } from './headers/security-headers.js';
import { createClientIpResolver, type ProxyHeader, type TrustProxy } from './http/client-ip.js';
import { isValidHost } from './http/host.js';
import { createHttpsRedirect, type HttpsRedirectOptions } from './http/https-redirect.js';
import { requestIdFrom } from './http/request-id.js';
import { splitRequestTarget, type RequestTarget } from './http/request-target.js';
import { ResponseHeaders } from './http/response-headers.js';
import type { Decision, DenyCode, RequestContext, SecurityRequest } from './http/types.js';

export interface RequestIdOptions {
  /** Keep a well-formed incoming `X-Request-Id` (8-128 characters of `[A-Za-z0-9._:@=+/-]`). Default true. */
  trustIncoming?: boolean;
}

export interface BulwarkOptions extends EventSinks {
  /** Security headers; `false` switches them off. */
  headers?: HeadersOptions | boolean;
  /** Which peers may speak for the client (default: none). See docs/client-ip.md. */
  trustProxy?: TrustProxy;
  /** The forwarding header your proxy sets. Default `x-forwarded-for`. */
  proxyHeader?: ProxyHeader;
  /** Redirect plain HTTP to HTTPS. Off by default (local development); switch it on in production. */
  httpsRedirect?: HttpsRedirectOptions | boolean;
  /** `X-Request-Id` handling; the id is always echoed on the response. */
  requestId?: RequestIdOptions;
  /** One `http_access` event per request (method, path, status, duration, client IP, user agent, request id). Default false. */
  accessLog?: boolean;
}

export interface Bulwark {
  /** Judges one request. Never rejects: every outcome, including internal failure, is a Decision. */
  protect(request: SecurityRequest): Promise<Decision>;
  /** Adapters call this when the response has been sent; writes the access log line when enabled. */
  complete(context: RequestContext, status: number): void;
}

const OPTION_NAMES = [
  'headers', 'trustProxy', 'proxyHeader', 'httpsRedirect', 'requestId', 'accessLog', 'onEvent', 'logger',
] as const;

/** The context as the pipeline fills it in; applications get it read-only. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Shared by every request where no guard failed open; a guard that does replaces it with its own list. */
const NONE_FAILED_OPEN: readonly string[] = Object.freeze([]);

const MESSAGES: Record<DenyCode, string> = {
  bad_request: 'Bad request',
  https_required: 'HTTPS required',
  internal_error: 'Request could not be checked',
};

export function createBulwark(options: BulwarkOptions = {}): Bulwark {
  checkKeys('createBulwark', options, OPTION_NAMES);
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') fail('onEvent', 'expected a function');
  const emit: EmitEvent = createEventEmitter(options);
  const resolveClient = createClientIpResolver({ trustProxy: options.trustProxy, proxyHeader: options.proxyHeader });
  const headersToggle = toggle('headers', options.headers);
  const securityHeaders = headersToggle.enabled ? createSecurityHeaders(headersToggle.options) : undefined;
  const httpsRedirect = createHttpsRedirect(options.httpsRedirect);
  const requestIdOptions = options.requestId ?? {};
  checkKeys('requestId', requestIdOptions, ['trustIncoming']);
  const trustIncomingId = checkBoolean('requestId.trustIncoming', requestIdOptions.trustIncoming) ?? true;
  const accessLog = checkBoolean('accessLog', options.accessLog) ?? false;
  const removeHeaders = securityHeaders?.removeHeaders ?? [];

  const loosened = securityHeaders ? securityHeaders.loosened : ['security headers are off'];
  for (const note of loosened) {
    emit({ type: 'sys_monitor_disabled', level: 'WARN', description: `bulwark: ${note}` });
  }

  function eventBase(context: RequestContext): Pick<SecurityEvent, 'requestId' | 'clientIp' | 'method' | 'path'> {
    return { requestId: context.requestId, clientIp: context.clientIp, method: context.method, path: context.path };
  }

  function decide(context: RequestContext, headers: ResponseHeaders, denial?: { status: number; code: DenyCode }): Decision {
    if (!denial) return { allowed: true, headers, removeHeaders, context };
    return { allowed: false, status: denial.status, code: denial.code, message: MESSAGES[denial.code], headers, removeHeaders, context };
  }

  function badRequest(context: RequestContext, headers: ResponseHeaders, description: string): Decision {
    emit({ type: 'input_validation_fail', level: 'WARN', description, ...eventBase(context) });
    return decide(context, headers, { status: 400, code: 'bad_request' });
  }

  function run(request: SecurityRequest, target: RequestTarget | undefined, context: Mutable<RequestContext>, headers: ResponseHeaders): Decision {
    const client = resolveClient({
      remoteAddress: request.remoteAddress,
      secure: request.secure,
      headers: request.headers,
      host: context.host,
    });
    context.clientIp = client.ip;
    context.secure = client.secure;
    context.host = client.host;
    // Denials carry the security headers too.
    if (securityHeaders) context.nonce = securityHeaders.apply(headers, client.secure);

    if (target === undefined) return badRequest(context, headers, 'unparseable request URL or malformed host');
    const hostHeader = request.headers.get('host');
    if (hostHeader !== null && !isValidHost(hostHeader)) return badRequest(context, headers, 'malformed Host header');
    if (client.malformedForwarding) {
      emit({ type: 'input_validation_fail', level: 'WARN', description: 'malformed forwarding header from a trusted proxy', ...eventBase(context) });
    }
    if (httpsRedirect && !client.secure) {
      headers.setTrusted('location', httpsRedirect.location(client.host, target));
      emit({ type: 'sys_https_redirect', level: 'INFO', description: 'redirected to HTTPS', ...eventBase(context) });
      return decide(context, headers, { status: httpsRedirect.status, code: 'https_required' });
    }
    return decide(context, headers);
  }

  /** Synchronous while every guard is; a guard that needs I/O makes this return a promise. */
  function evaluateRequest(request: SecurityRequest): Decision {
    const headers = new ResponseHeaders();
    const requestId = requestIdFrom(request.headers.get('x-request-id'), trustIncomingId);
    headers.setTrusted('x-request-id', requestId);
    const target = splitRequestTarget(request.url);
    const context: Mutable<RequestContext> = {
      requestId,
      clientIp: undefined,
      secure: request.secure === true,
      host: target?.host ?? '',
      nonce: undefined,
      failedOpen: NONE_FAILED_OPEN,
      startedAt: performance.now(),
      method: request.method,
      path: target?.path ?? '/',
      userAgent: request.headers.get('user-agent') ?? undefined,
    };
    try {
      return run(request, target, context, headers);
    } catch (error) {
      emit({ type: 'sys_crash', level: 'CRITICAL', description: 'a guard failed; request denied', ...eventBase(context), details: { error } });
      return decide(context, headers, { status: 500, code: 'internal_error' });
    }
  }

  const bulwark: Bulwark & BulwarkInternals = {
    async protect(request) {
      return evaluateRequest(request);
    },
    [EVALUATE]: evaluateRequest,
    [TRACKS_COMPLETION]: accessLog,
    complete(context, status) {
      if (!accessLog) return;
      emit({
        type: 'http_access',
        level: 'INFO',
        description: `${context.method} ${context.path} ${status}`,
        ...eventBase(context),
        details: { status, durationMs: Math.round((performance.now() - context.startedAt) * 100) / 100, userAgent: context.userAgent },
      });
    },
  };
  return bulwark;
}
