/**
 * Security events, named after the OWASP Application Logging Vocabulary
 * (https://cheatsheetseries.owasp.org/cheatsheets/Logging_Vocabulary_Cheat_Sheet.html).
 * Later features add their names here (authn_*, session_*, excess_rate_limit_exceeded, ...).
 */

export type SecurityEventType =
  /** A guard was switched off or loosened at construction. */
  | 'sys_monitor_disabled'
  /** A request was malformed in a way a guard had to reject or repair (bad URL, forged forwarding header). */
  | 'input_validation_fail'
  /** A guard threw; the request was denied rather than let through unchecked. */
  | 'sys_crash'
  /** A request was redirected to HTTPS. */
  | 'sys_https_redirect'
  /** One line per request when `accessLog` is on. */
  | 'http_access'
  /** A state-changing request failed the CSRF checks (cross-site, wrong origin, missing or bad token). */
  | 'malicious_csrf'
  /** A request was refused by an IP rule or a ban. */
  | 'authz_fail'
  /** Tokens: issued, revoked, a consumed refresh token presented again, a binding mismatch, a store outage let through. */
  | 'authn_token_created'
  | 'authn_token_revoked'
  | 'authn_token_reuse'
  | 'authn_token_binding_mismatch'
  | 'authn_token_store_fail_open'
  /** Sessions: created at login, id rotated, expired, ended on purpose. */
  | 'session_created'
  | 'session_renewed'
  | 'session_expired'
  | 'session_revoked'
  /** A sign-in attempt failed; an account (or an address and account pair) was locked after too many. */
  | 'authn_login_fail'
  | 'authn_login_lock'
  /** A rate limit refused a request (one event per key and limit per blocked period). */
  | 'excess_rate_limit_exceeded'
  /** Abuse detection saw an automated client. */
  | 'malicious_attack_tool'
  /** A store came back after an outage. */
  | 'store_recovered'
  /** A store (Redis) did not answer; the feature followed its `onStoreError` policy. */
  | 'store_unavailable';

export type SecurityEventLevel = 'INFO' | 'WARN' | 'CRITICAL';

export interface SecurityEvent {
  readonly type: SecurityEventType;
  readonly level: SecurityEventLevel;
  /** ISO 8601 time. */
  readonly time: string;
  readonly description: string;
  readonly requestId?: string | undefined;
  readonly clientIp?: string | undefined;
  readonly method?: string | undefined;
  /** Path without query string. */
  readonly path?: string | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/** Any pino-compatible logger: `logger.info(object, message)` and friends. */
export interface PinoLikeLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}
