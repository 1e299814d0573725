/**
 * CSRF protection for state-changing requests, in the order browsers make possible:
 *
 *   1. `Sec-Fetch-Site` (all current browsers): same-origin and none pass, same-site only when
 *      allowed, cross-site only from a trusted origin.
 *   2. Without it, `Origin` (then `Referer` on HTTPS) must be this site's origin or a trusted one.
 *   3. Without either, a signed token from the `X-CSRF-Token` header or the `_csrf` form field,
 *      bound to the session id or to a random id in a `__Host-` cookie.
 *
 * Safe methods (GET, HEAD, OPTIONS) change nothing and are not checked; they get the token and, on
 * page loads, the cookie that binds it.
 */

import { checkBoolean, checkKeys, fail } from '../config/check-options.js';
import { parseCookies, serializeCookie } from '../http/cookies.js';
import type { HeaderLookup, SecurityRequest } from '../http/types.js';
import { createCsrfTokens, randomBindingId } from './tokens.js';

export interface CsrfOptions {
  /** Origins allowed to post cross-site, for example `['https://app.example.com']`. */
  trustedOrigins?: readonly string[];
  /** Let same-site (other subdomain) requests through. Default false: a subdomain takeover would otherwise be enough. */
  allowSameSite?: boolean;
  /**
   * HMAC secrets for tokens, at least 32 bytes each; the first signs, all verify (rotation).
   * Default: one random secret per process, so tokens do not survive a restart or cross processes.
   */
  secrets?: readonly (string | Uint8Array)[];
  /** Binds tokens to your session instead of the CSRF cookie. */
  sessionId?: (request: SecurityRequest) => string | undefined;
  /**
   * Let requests through that carry an `Authorization` header and no cookies (API clients): a browser
   * cannot add that header cross-site without CORS. Default false: see docs/csrf.md for the risk.
   */
  exemptAuthorizationHeader?: boolean;
}

export type CsrfVerdict = { allowed: true } | { allowed: false; reason: string };

/** For state-changing requests: `signalVerdict` first; when it has none, only a token can decide. */
export interface Csrf {
  /**
   * The verdict of the `Authorization` exemption and the browser's signals (`Sec-Fetch-Site`, `Origin`,
   * `Referer` on HTTPS), or undefined when there are none. `host` is this site's host as the client addressed it.
   */
  signalVerdict(headers: HeaderLookup, secure: boolean, host: string): CsrfVerdict | undefined;
  /** With no signal: true when the only remaining proof is the `_csrf` field of a form body, which the adapter must read. */
  wantsFormToken(headers: HeaderLookup): boolean;
  /** With no signal: the `X-CSRF-Token` header, else the form field, checked against the session or cookie binding. */
  verifyToken(request: SecurityRequest, headers: HeaderLookup, formToken: string | undefined): CsrfVerdict;
  /** Safe methods: signs the token for templates when called (undefined: nothing binds one yet), and the cookie to set on a page load without a binding. */
  token(request: SecurityRequest, headers: HeaderLookup): { issueToken: (() => string) | undefined; setCookie: string | undefined };
}

export const CSRF_COOKIE = '__Host-bulwark-csrf';
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';
export const CSRF_VARY = 'Sec-Fetch-Site, Origin';
const BINDING_ID = /^[A-Za-z0-9_-]{22}$/;
const COOKIE_ATTRIBUTES = { secure: true, httpOnly: true, sameSite: 'Lax', path: '/' } as const;

function normalizeOrigin(path: string, origin: unknown): string {
  const text = typeof origin === 'string' ? origin.replace(/\/$/, '').toLowerCase() : '';
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== text) {
    fail(path, `expected an origin such as "https://app.example.com" (scheme, host, optional port; no path), got ${JSON.stringify(origin)}`);
  }
  return url.origin;
}

function originOf(referer: string): string | undefined {
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/** A top-level navigation, which may receive the binding cookie: `Sec-Fetch-Mode: navigate`, or without it, a GET that accepts HTML. */
function isPageLoad(method: string, headers: HeaderLookup): boolean {
  if (method !== 'GET') return false;
  const mode = headers.get('sec-fetch-mode');
  if (mode !== null) return mode === 'navigate';
  return headers.get('accept')?.includes('text/html') === true;
}

const ALLOWED: CsrfVerdict = Object.freeze({ allowed: true });
const NO_TOKEN = Object.freeze({ issueToken: undefined, setCookie: undefined });

export function createCsrf(options: CsrfOptions = {}, path = 'csrf'): Csrf {
  checkKeys(path, options, ['trustedOrigins', 'allowSameSite', 'secrets', 'sessionId', 'exemptAuthorizationHeader']);
  const trustedList = options.trustedOrigins ?? [];
  if (!Array.isArray(trustedList)) fail(`${path}.trustedOrigins`, 'expected a list of origins');
  const trusted = new Set(trustedList.map((origin, i) => normalizeOrigin(`${path}.trustedOrigins[${i}]`, origin)));
  const allowSameSite = checkBoolean(`${path}.allowSameSite`, options.allowSameSite) ?? false;
  const exemptAuthorization = checkBoolean(`${path}.exemptAuthorizationHeader`, options.exemptAuthorizationHeader) ?? false;
  if (options.sessionId !== undefined && typeof options.sessionId !== 'function') fail(`${path}.sessionId`, 'expected a function (request) => string | undefined');
  if (options.secrets !== undefined && !Array.isArray(options.secrets)) fail(`${path}.secrets`, 'expected a list of secrets (first signs, all verify)');
  const tokens = createCsrfTokens(`${path}.secrets`, options.secrets ?? [crypto.getRandomValues(new Uint8Array(32))]);

  function cookieBinding(headers: HeaderLookup): string | undefined {
    const cookie = headers.get('cookie');
    if (cookie === null || !cookie.includes(CSRF_COOKIE)) return undefined;
    const value = parseCookies(cookie).get(CSRF_COOKIE);
    return value !== undefined && BINDING_ID.test(value) ? value : undefined;
  }

  function binding(request: SecurityRequest, headers: HeaderLookup): string | undefined {
    const session = options.sessionId?.(request);
    return session ? `session:${session}` : cookieBinding(headers);
  }

  function originAllowed(origin: string, secure: boolean, host: string): boolean {
    const lower = origin.toLowerCase();
    return lower === `${secure ? 'https' : 'http'}://${host}` || trusted.has(lower);
  }

  return {
    signalVerdict(headers, secure, host) {
      if (exemptAuthorization && headers.has('authorization') && !headers.has('cookie')) return ALLOWED;
      const site = headers.get('sec-fetch-site');
      if (site !== null) {
        if (site === 'same-origin' || site === 'none') return ALLOWED;
        if (site === 'same-site' && allowSameSite) return ALLOWED;
        const origin = headers.get('origin');
        if (origin !== null && trusted.has(origin.toLowerCase())) return ALLOWED;
        return { allowed: false, reason: `Sec-Fetch-Site: ${site.slice(0, 20)} from an untrusted origin` };
      }
      const origin = headers.get('origin');
      if (origin !== null) {
        return originAllowed(origin, secure, host) ? ALLOWED : { allowed: false, reason: 'Origin is not this site or a trusted origin' };
      }
      const referer = secure ? headers.get('referer') : null;
      if (referer !== null) {
        const refererOrigin = originOf(referer);
        return refererOrigin !== undefined && originAllowed(refererOrigin, secure, host)
          ? ALLOWED
          : { allowed: false, reason: 'Referer is not this site or a trusted origin' };
      }
      return undefined;
    },

    wantsFormToken(headers) {
      if (headers.has(CSRF_HEADER)) return false;
      const type = headers.get('content-type');
      return type !== null && type.toLowerCase().startsWith('application/x-www-form-urlencoded');
    },

    verifyToken(request, headers, formToken) {
      const token = headers.get(CSRF_HEADER) ?? formToken;
      if (token === null || token === undefined) return { allowed: false, reason: 'no Sec-Fetch-Site, Origin or CSRF token' };
      const bound = binding(request, headers);
      if (bound === undefined) return { allowed: false, reason: 'CSRF token without its cookie or session' };
      return tokens.verify(token, bound) ? ALLOWED : { allowed: false, reason: 'invalid CSRF token' };
    },

    token(request, headers) {
      const bound = binding(request, headers);
      if (bound !== undefined) return { issueToken: () => tokens.issue(bound), setCookie: undefined };
      if (!isPageLoad(request.method, headers)) return NO_TOKEN;
      const id = randomBindingId();
      const setCookie = serializeCookie(CSRF_COOKIE, id, COOKIE_ATTRIBUTES);
      return { issueToken: () => tokens.issue(id), setCookie };
    },
  };
}
