/**
 * The guards, in order, for one request. Each either lets the request on or ends it with a denial;
 * headers gathered so far (security headers first) go out with denials too. Everything is
 * synchronous until a guard needs I/O (a ban lookup, a form body): from there on it is a promise.
 */

import { CSRF_VARY, isSafeMethod, type Csrf } from '../csrf/csrf.js';
import { readFormToken } from '../csrf/form-token.js';
import { TimeBudgetExceededError } from '../errors.js';
import type { EmitEvent } from '../events/emitter.js';
import type { SecurityEvent } from '../events/types.js';
import type { SecurityHeaders } from '../headers/security-headers.js';
import type { ClientIpResolver } from '../http/client-ip.js';
import { DENIALS } from '../http/denials.js';
import { isValidHost } from '../http/host.js';
import type { HttpsRedirect } from '../http/https-redirect.js';
import type { RequestTarget } from '../http/request-target.js';
import type { ResponseHeaders } from '../http/response-headers.js';
import type { BodyLimit, Decision, DenyCode, RequestContext, SecurityRequest } from '../http/types.js';
import type { IpAddress } from '../http/ip.js';
import type { BanList } from '../ip-rules/ip-rules.js';
import { measureHeaders } from '../limits/header-size.js';
import type { Policy } from '../routes/route-policies.js';
import type { RateLimitGuard, RateLimitVerdict } from '../rate-limit/guard.js';
import type { SessionGuard } from '../sessions/guard.js';
import type { InjectionGuard, ScanOutcome } from '../detect/guard.js';
import type { PipelineContext } from './context.js';
import type { HeaderReader } from './request-headers.js';

export interface GuardParts {
  emit: EmitEvent;
  resolveClient: ClientIpResolver;
  securityHeaders: SecurityHeaders | undefined;
  httpsRedirect: HttpsRedirect | undefined;
  bans: BanList | undefined;
  rateLimit: RateLimitGuard | undefined;
  injection: InjectionGuard | undefined;
  sessions: SessionGuard | undefined;
}

/** One request's state as it passes the guards. */
interface Passage {
  request: SecurityRequest;
  /** The client address parsed, for IP rules. */
  address: IpAddress | undefined;
  target: RequestTarget;
  /** The request headers as the guards read them (see request-headers.ts). */
  reader: HeaderReader;
  context: PipelineContext;
  headers: ResponseHeaders;
  policy: Policy;
  bodyLimit: BodyLimit | undefined;
}

/** Without a body limit (limits off), guards that read a body (CSRF form field, injection scan) still read no more than this. */
const GUARD_BODY_LIMIT: BodyLimit = Object.freeze({ maxBytes: 1024 * 1024, idleTimeoutMs: 30_000 });

function guardBodyLimit(p: Passage): BodyLimit {
  return p.bodyLimit ?? GUARD_BODY_LIMIT;
}

const UNSCANNABLE: Readonly<Record<Exclude<ScanOutcome, object>, string>> = {
  'over-limits': 'over the inspection limits',
  unreadable: 'could not be parsed for inspection',
  'too-large': 'over its size limit',
  stalled: 'stalled while being read for inspection',
};

/** What `protect()` worked out before the guards: the parsed target, the route's policy, how to read the headers. */
export interface Route {
  target: RequestTarget;
  policy: Policy;
  reader: HeaderReader;
}

export function createGuards({ emit, resolveClient, securityHeaders, httpsRedirect, bans, rateLimit, injection, sessions }: GuardParts) {
  const removeHeaders = securityHeaders?.removeHeaders ?? [];

  function eventBase(context: RequestContext): Pick<SecurityEvent, 'requestId' | 'clientIp' | 'method' | 'path'> {
    return { requestId: context.requestId, clientIp: context.clientIp, method: context.method, path: context.path };
  }

  function allow(context: RequestContext, headers: ResponseHeaders, bodyLimit: BodyLimit | undefined): Decision {
    return { allowed: true, headers, removeHeaders, bodyLimit, context };
  }

  /** A denial without an event, for guards that report their own. */
  function refuse(context: RequestContext, headers: ResponseHeaders, code: DenyCode, status?: number): Decision {
    return { allowed: false, status: status ?? DENIALS[code].status, code, message: DENIALS[code].message, headers, removeHeaders, context };
  }

  function deny(context: RequestContext, headers: ResponseHeaders, code: DenyCode, description: string, status?: number): Decision {
    const denial = DENIALS[code];
    emit({ type: denial.event, level: denial.level, description, ...eventBase(context) });
    return refuse(context, headers, code, status);
  }

  function crashed(context: RequestContext, headers: ResponseHeaders, error: unknown): Decision {
    emit({ type: 'sys_crash', level: 'CRITICAL', description: 'a guard failed; request denied', ...eventBase(context), details: { error } });
    return { allowed: false, status: 500, code: 'internal_error', message: DENIALS.internal_error.message, headers, removeHeaders, context };
  }

  function checkCsrfToken(p: Passage, csrf: Csrf, formToken: string | undefined): Decision | Promise<Decision> {
    const verdict = csrf.verifyToken(p.request, p.reader, formToken);
    if (!verdict.allowed) return deny(p.context, p.headers, 'csrf_failed', verdict.reason);
    return bodyInjectionGuard(p);
  }

  function csrfGuard(p: Passage): Decision | Promise<Decision> {
    const csrf = p.policy.csrf;
    if (csrf === undefined) return bodyInjectionGuard(p);
    const { request, reader, context } = p;
    p.headers.setTrusted('vary', CSRF_VARY);
    if (isSafeMethod(request.method)) {
      const { issueToken, setCookie } = csrf.token(request, reader);
      if (issueToken !== undefined) context.offerCsrfToken(issueToken);
      if (setCookie !== undefined) p.headers.append('set-cookie', setCookie);
      return bodyInjectionGuard(p);
    }
    const verdict = csrf.signalVerdict(reader, context.secure, context.host);
    if (verdict !== undefined) return verdict.allowed ? bodyInjectionGuard(p) : deny(context, p.headers, 'csrf_failed', verdict.reason);
    const body = request.body;
    if (body === undefined || !csrf.wantsFormToken(reader)) return checkCsrfToken(p, csrf, undefined);
    const { maxBytes, idleTimeoutMs } = guardBodyLimit(p);
    return readFormToken(body(maxBytes), maxBytes, idleTimeoutMs).then(
      (formToken) => checkCsrfToken(p, csrf, formToken),
      (error: unknown) =>
        error instanceof TimeBudgetExceededError
          ? deny(context, p.headers, 'request_timeout', 'form body stalled while looking for the CSRF token')
          : deny(context, p.headers, 'payload_too_large', 'form body over its limit while looking for the CSRF token'),
    );
  }

  function afterRateLimit(p: Passage, verdict: RateLimitVerdict): Decision | Promise<Decision> {
    if (verdict.failedOpen) p.context.addFailedOpen(verdict.failedOpen);
    // The limiter already emitted excess_rate_limit_exceeded (once per key and period): no second event here.
    if (!verdict.allowed) return refuse(p.context, p.headers, 'rate_limited');
    return sessionGuard(p);
  }

  /** The guard sets its headers on the response itself, trusted: it builds them from lower-case names, validated limit names and numbers. */
  function rateLimitGuard(p: Passage): Decision | Promise<Decision> {
    if (rateLimit === undefined) return sessionGuard(p);
    const verdict = rateLimit.enforce(p.request, p.context, p.headers);
    return verdict instanceof Promise ? verdict.then((v) => afterRateLimit(p, v)) : afterRateLimit(p, verdict);
  }

  /** Loads the session (always a promise), queues its cookies on the response, then CSRF, which may bind to it. */
  function sessionGuard(p: Passage): Decision | Promise<Decision> {
    if (sessions === undefined) return csrfGuard(p);
    const { context, headers } = p;
    return sessions.load(p.request, { clientIp: context.clientIp, path: context.path, requestId: context.requestId }).then((loaded) => {
      context.session = loaded.session;
      for (const { name, value, mode } of loaded.session.takeHeaders()) {
        if (mode === 'append') headers.append(name, value);
        else headers.set(name, value);
      }
      if (loaded.failedOpen) context.addFailedOpen(['sessions']);
      if (loaded.denied) return deny(context, headers, loaded.denied.code, loaded.denied.message, loaded.denied.status);
      return csrfGuard(p);
    });
  }

  function ipGuard(p: Passage): Decision | Promise<Decision> {
    const ipRules = p.policy.ipRules;
    for (let i = 0; i < ipRules.length; i++) {
      const verdict = ipRules[i]!.check(p.address);
      if (!verdict.allowed) return deny(p.context, p.headers, 'ip_forbidden', verdict.reason);
    }
    const ip = p.context.clientIp;
    if (bans === undefined || ip === undefined) return rateLimitGuard(p);
    const banned = bans.isBanned(ip);
    const next = (isBanned: boolean): Decision | Promise<Decision> => (isBanned ? deny(p.context, p.headers, 'ip_forbidden', 'client address is banned') : rateLimitGuard(p));
    return banned instanceof Promise ? banned.then(next) : next(banned);
  }

  function limitsGuard(p: Passage): Decision | Promise<Decision> {
    const limits = p.policy.limits;
    if (limits !== undefined) {
      const reader = p.reader;
      const { count, bytes } = reader.measure === undefined ? measureHeaders(p.request.headers) : reader.measure();
      const verdict = limits.check(p.request.method, p.target.path, p.target.search, reader, count, bytes);
      if (verdict.denied) {
        if (verdict.allow !== undefined) p.headers.setTrusted('allow', verdict.allow);
        return deny(p.context, p.headers, verdict.code, verdict.reason);
      }
      p.bodyLimit = verdict.bodyLimit;
    }
    return injection === undefined ? ipGuard(p) : injectionGuard(p, injection);
  }

  /** What the injection guard's scan means for the request: on to `next`, or a 400 (413, 408 for a body it could not read). */
  function injectionVerdict(p: Passage, guard: InjectionGuard, where: 'query string' | 'body', outcome: ScanOutcome, next: () => Decision | Promise<Decision>): Decision | Promise<Decision> {
    if (typeof outcome === 'string') {
      const reason = `${where} ${UNSCANNABLE[outcome]}`;
      if (guard.mode === 'report') {
        emit({ type: 'input_validation_fail', level: 'WARN', description: `${reason} (report only)`, ...eventBase(p.context) });
        return next();
      }
      return deny(p.context, p.headers, outcome === 'too-large' ? 'payload_too_large' : outcome === 'stalled' ? 'request_timeout' : 'injection_detected', reason);
    }
    if (outcome.safe) return next();
    // Kinds and parameter paths only: the evidence is attacker text and stays out of the log.
    const details = { kinds: [...new Set(outcome.findings.map((f) => f.kind))], paths: outcome.findings.slice(0, 10).map((f) => f.path), mode: guard.mode };
    if (guard.mode === 'report') {
      emit({ type: 'input_validation_fail', level: 'WARN', description: `possible injection in the ${where} (report only)`, ...eventBase(p.context), details });
      return next();
    }
    emit({ type: 'input_validation_fail', level: 'WARN', description: `injection in the ${where}`, ...eventBase(p.context), details });
    return refuse(p.context, p.headers, 'injection_detected');
  }

  function injectionGuard(p: Passage, guard: InjectionGuard): Decision | Promise<Decision> {
    return injectionVerdict(p, guard, 'query string', guard.scan(p.request.url, p.target.search), () => ipGuard(p));
  }

  /** Last: a body is read only for requests every other guard let through. */
  function bodyInjectionGuard(p: Passage): Decision | Promise<Decision> {
    if (injection === undefined) return allow(p.context, p.headers, p.bodyLimit);
    const done = (): Decision => allow(p.context, p.headers, p.bodyLimit);
    const { maxBytes, idleTimeoutMs } = guardBodyLimit(p);
    const scanned = injection.scanBody(p.request, maxBytes, idleTimeoutMs);
    return scanned === undefined ? done() : scanned.then((outcome) => injectionVerdict(p, injection, 'body', outcome, done));
  }

  function guard(request: SecurityRequest, route: Route | undefined, context: PipelineContext, headers: ResponseHeaders) {
    const client = resolveClient({ remoteAddress: request.remoteAddress, secure: request.secure, headers: request.headers, host: context.host });
    context.clientIp = client.ip;
    context.secure = client.secure;
    context.host = client.host;
    if (securityHeaders) context.nonce = securityHeaders.apply(headers, client.secure);

    if (route === undefined) return deny(context, headers, 'bad_request', 'unparseable request URL or malformed host');
    const { target, policy, reader } = route;
    const hostHeader = reader.get('host');
    if (hostHeader !== null && !isValidHost(hostHeader)) return deny(context, headers, 'bad_request', 'malformed Host header');
    if (client.malformedForwarding) {
      emit({ type: 'input_validation_fail', level: 'WARN', description: 'malformed forwarding header from a trusted proxy', ...eventBase(context) });
    }
    if (httpsRedirect && !client.secure) {
      headers.setTrusted('location', httpsRedirect.location(client.host, target));
      return deny(context, headers, 'https_required', 'redirected to HTTPS', httpsRedirect.status);
    }
    return limitsGuard({ request, address: client.address, target, reader, context, headers, policy, bodyLimit: undefined });
  }

  return {
    /** Runs every guard; a guard that throws (a bug, an exhausted resource) denies with 500, never lets the request through. */
    run(request: SecurityRequest, route: Route | undefined, context: PipelineContext, headers: ResponseHeaders): Decision | Promise<Decision> {
      try {
        const decision = guard(request, route, context, headers);
        return decision instanceof Promise ? decision.catch((error: unknown) => crashed(context, headers, error)) : decision;
      } catch (error) {
        return crashed(context, headers, error);
      }
    },
  };
}
