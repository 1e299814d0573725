/**
 * createBulwark(options) -> Bulwark. Options are validated here, once; `protect()` then runs the
 * guards in a fixed order and stops at the first denial:
 *
 *   URL and Host sanity -> client IP -> request id -> security headers -> HTTPS redirect
 *   -> request limits -> IP rules and bans -> CSRF   (later: rate limits before CSRF, sessions after)
 *
 * Headers accumulate on the decision either way, so denials carry the security headers too.
 */

import { checkBoolean, checkKeys, fail, toggle } from './config/check-options.js';
import type { CsrfOptions } from './csrf/csrf.js';
import { createEventEmitter, type EmitEvent, type EventSinks } from './events/emitter.js';
import { EVALUATE, TRACKS_COMPLETION, type BulwarkInternals } from './internal.js';
import type { BanList, IpRulesOptions } from './ip-rules/ip-rules.js';
import type { LimitsOptions } from './limits/request-limits.js';
import { createSecurityHeaders, type HeadersOptions } from './headers/security-headers.js';
import { createClientIpResolver, type ProxyHeader, type TrustProxy } from './http/client-ip.js';
import { createHttpsRedirect, type HttpsRedirectOptions } from './http/https-redirect.js';
import { requestIdFrom } from './http/request-id.js';
import { splitRequestTarget } from './http/request-target.js';
import { ResponseHeaders } from './http/response-headers.js';
import type { Decision, RequestContext, SecurityRequest } from './http/types.js';
import { PipelineContext } from './pipeline/context.js';
import { createGuards } from './pipeline/guards.js';
import { headerReader } from './pipeline/request-headers.js';
import { createRoutePolicies, type RouteOptions } from './routes/route-policies.js';
import type { SessionGuard } from './sessions/guard.js';
import { createInjectionGuard, type InjectionGuardOptions } from './detect/guard.js';
import { createRateLimitGuard, type RateLimitGuardOptions } from './rate-limit/guard.js';

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
  /** URL, header, method and body limits (414, 431, 405, 413, 415, 400). On by default; see docs/limits.md. */
  limits?: LimitsOptions | boolean;
  /** Global allow and deny lists of addresses and CIDR ranges (403). See docs/ip-rules.md. */
  ipRules?: IpRulesOptions;
  /** Temporary bans, consulted for every request (403). The rate-limit module provides one. */
  bans?: BanList;
  /** CSRF protection for state-changing requests (403). On by default; see docs/csrf.md. */
  csrf?: CsrfOptions | boolean;
  /**
   * Scan query strings for SQL, XSS, command, path, NoSQL and LDAP injection (docs/detect.md). Off by
   * default; `true` blocks at the `standard` level with 400; `mode: 'report'` only emits events.
   */
  injection?: InjectionGuardOptions | boolean;
  /** Rate limits per route, key and tier (429 with `Retry-After` and `RateLimit` headers). Off by default; `true` is 60/min with a 10/s burst per address. See docs/rate-limit.md. */
  rateLimit?: RateLimitGuardOptions | boolean;
  /** Server-side sessions from `createSessionGuard()`: loaded before CSRF, on `context.session`, and CSRF tokens bind to them. */
  sessions?: SessionGuard;
  /** Per-route overrides, first match wins: `[{ path: '/upload', limits: { maxBodyBytes: { multipart: 50 * 1024 * 1024 } } }]`. */
  routes?: readonly RouteOptions[];
}

export interface Bulwark {
  /** Judges one request. Never rejects: every outcome, including internal failure, is a Decision. */
  protect(request: SecurityRequest): Promise<Decision>;
  /** Adapters call this when the response has been sent; writes the access log line when enabled. */
  complete(context: RequestContext, status: number): void;
}

const OPTION_NAMES = [
  'headers', 'trustProxy', 'proxyHeader', 'httpsRedirect', 'requestId', 'accessLog', 'onEvent', 'logger',
  'limits', 'ipRules', 'bans', 'csrf', 'routes', 'sessions', 'rateLimit', 'injection',
] as const;

/** Shared by every request where no guard failed open; a guard that does replaces it with its own list. */

export function createBulwark(options: BulwarkOptions = {}): Bulwark {
  checkKeys('createBulwark', options, OPTION_NAMES);
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') fail('onEvent', 'expected a function');
  const emit: EmitEvent = createEventEmitter(options);
  const resolveClient = createClientIpResolver({ trustProxy: options.trustProxy, proxyHeader: options.proxyHeader });
  const headersToggle = toggle('headers', options.headers);
  const securityHeaders = headersToggle.enabled ? createSecurityHeaders(headersToggle.options) : undefined;
  const requestIdOptions = options.requestId ?? {};
  checkKeys('requestId', requestIdOptions, ['trustIncoming']);
  const trustIncomingId = checkBoolean('requestId.trustIncoming', requestIdOptions.trustIncoming) ?? true;
  const accessLog = checkBoolean('accessLog', options.accessLog) ?? false;
  if (options.bans !== undefined && typeof options.bans?.isBanned !== 'function') fail('bans', 'expected { isBanned(clientIp) }');

  const limits = toggle('limits', options.limits);
  const csrf = toggle<CsrfOptions>('csrf', options.csrf);
  // One secret for every route's CSRF checks, so a token issued on one page verifies on any form target.
  // Off unless asked for: the right limits depend on the application (docs/rate-limit.md says why).
  const rateLimit = options.rateLimit === undefined || options.rateLimit === false ? { enabled: false, options: undefined } : toggle<RateLimitGuardOptions>('rateLimit', options.rateLimit);
  const rateLimitGuard = rateLimit.enabled ? createRateLimitGuard(rateLimit.options, emit) : undefined;
  const sessions = options.sessions;
  if (sessions !== undefined && typeof sessions?.load !== 'function') fail('sessions', 'expected a session guard from createSessionGuard()');
  const csrfOptions: CsrfOptions = {
    secrets: [crypto.getRandomValues(new Uint8Array(32))],
    // With sessions, tokens bind to the session (its binding outlives the rotating cookie).
    ...(sessions ? { sessionId: (request: SecurityRequest) => sessions.csrfBinding(request) } : {}),
    ...csrf.options,
  };

  const policyFor = createRoutePolicies(
    { limits: limits.options, limitsEnabled: limits.enabled, ipRules: options.ipRules, csrf: csrfOptions, csrfEnabled: csrf.enabled },
    options.routes,
  );
  const guards = createGuards({
    emit,
    resolveClient,
    securityHeaders,
    httpsRedirect: createHttpsRedirect(options.httpsRedirect),
    bans: options.bans,
    rateLimit: rateLimitGuard,
    injection: options.injection === undefined || options.injection === false ? undefined : createInjectionGuard(options.injection === true ? {} : options.injection),
    sessions,
  });

  const loosened = [
    ...(securityHeaders ? securityHeaders.loosened : ['security headers are off']),
    ...(limits.enabled ? [] : ['request limits are off']),
    ...(csrf.enabled ? [] : ['CSRF protection is off']),
    ...(rateLimitGuard?.loosened ?? []),
  ];
  for (const note of loosened) {
    emit({ type: 'sys_monitor_disabled', level: 'WARN', description: `bulwark: ${note}` });
  }

  /** Synchronous while every guard is; a guard that needs I/O makes this return a promise. */
  function evaluateRequest(request: SecurityRequest) {
    const headers = new ResponseHeaders();
    const target = splitRequestTarget(request.url);
    // The route's policy first: whether the limits will iterate the headers decides how they are read.
    const policy = target === undefined ? undefined : policyFor(request.method, target.path);
    const reader = headerReader(request.headers, policy?.limits !== undefined);
    const requestId = requestIdFrom(reader.get('x-request-id'), trustIncomingId);
    headers.setTrusted('x-request-id', requestId);
    const context = new PipelineContext(requestId, request.secure === true, target?.host ?? '', request.method, target?.path ?? '/', reader.get('user-agent') ?? undefined);
    return guards.run(request, target === undefined || policy === undefined ? undefined : { target, policy, reader }, context, headers);
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
        requestId: context.requestId,
        clientIp: context.clientIp,
        method: context.method,
        path: context.path,
        details: { status, durationMs: Math.round((performance.now() - context.startedAt) * 100) / 100, userAgent: context.userAgent },
      });
    },
  };
  return bulwark;
}
