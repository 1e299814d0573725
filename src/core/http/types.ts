/** The request and decision shapes that adapters translate to and from. */

import type { SessionHandle } from '../sessions/handle.js';

/** Request headers read by lower-case name only, as the guards read them (`Headers` answers the same). */
export interface HeaderLookup {
  get(name: string): string | null;
  has(name: string): boolean;
}

/** What an adapter hands to `protect()`: enough of the request to judge it, in Web-standard types. */
export interface SecurityRequest {
  method: string;
  /** Absolute URL as this server received it (scheme per this hop, host from `Host`). */
  url: string;
  /** Web Headers; adapters may wrap native headers lazily. */
  headers: Headers;
  /** The socket peer. Proxies are resolved by the client-IP module, never by adapters. */
  remoteAddress?: string | undefined;
  /** Arrived over TLS at this hop. */
  secure?: boolean | undefined;
  /**
   * Read only by guards that need the body (the CSRF form-field check). Reads at most `maxBytes`;
   * the adapter keeps the body readable for the application afterwards.
   */
  body?: (maxBytes: number) => ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;
}

/** Why a request was stopped. Stable strings: safe to switch on and to log. */
export type DenyCode =
  | 'bad_request'
  | 'https_required'
  | 'internal_error'
  | 'uri_too_long'
  | 'headers_too_large'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'request_timeout'
  | 'unsupported_media_type'
  | 'ip_forbidden'
  | 'csrf_failed'
  | 'injection_detected'
  | 'rate_limited'
  | 'session_required'
  | 'step_up_required'
  | 'session_unavailable';

export interface BodyLimit {
  readonly maxBytes: number;
  /** Longest wait for the next chunk of the body, in ms. */
  readonly idleTimeoutMs: number;
}

/** What the application needs next, on `res.locals.bulwark`, `ctx.state.bulwark`, request headers, or the Fetch handler's second argument. */
export interface RequestContext {
  /** Incoming well-formed `X-Request-Id`, or a fresh UUID. Echoed on the response. */
  readonly requestId: string;
  /** Resolved client address (normalized; proxies resolved per `trustProxy`), if known. */
  readonly clientIp: string | undefined;
  /** The request reached the edge over TLS. */
  readonly secure: boolean;
  /** Host the client asked for. */
  readonly host: string;
  /** Per-request CSP nonce (base64, 128 bits) when the policy uses one; put it on inline `<script nonce>` and `<style nonce>`. */
  readonly nonce: string | undefined;
  /** CSRF token for forms (`_csrf` field) and SPAs (`X-CSRF-Token` header); undefined when CSRF protection is off or no cookie binds it yet (see docs/csrf.md). */
  readonly csrfToken: string | undefined;
  /** The request's session when `createBulwark({ sessions })` is set: `session.active`, `login()`, `logout()`, ... (docs/sessions.md). */
  readonly session: SessionHandle | undefined;
  /** Guards that could not decide and let the request through per their failure policy. */
  readonly failedOpen: readonly string[];
  /** `performance.now()` when protection began; the access log measures from here. */
  readonly startedAt: number;
  readonly method: string;
  /** Path without the query string (queries often carry tokens). */
  readonly path: string;
  readonly userAgent: string | undefined;
}

export interface AllowDecision {
  readonly allowed: true;
  /** Headers to set on the response. The application may still override one explicitly. */
  readonly headers: Headers;
  /** Response headers to remove before they are sent (e.g. `X-Powered-By`). */
  readonly removeHeaders: readonly string[];
  /** Limits for the request body: adapters count streamed bytes (413 past `maxBytes`) and time out a stalled body (408). */
  readonly bodyLimit: BodyLimit | undefined;
  readonly context: RequestContext;
}

export interface DenyDecision {
  readonly allowed: false;
  readonly status: number;
  readonly code: DenyCode;
  /** Short, generic, safe to show the client. Details go to the event log. */
  readonly message: string;
  readonly headers: Headers;
  readonly removeHeaders: readonly string[];
  readonly bodyLimit?: undefined;
  readonly context: RequestContext;
}

export type Decision = AllowDecision | DenyDecision;
