/**
 * Who a rule counts: the client's address (IPv6 grouped by /56 by default, IPv4-mapped counted as
 * IPv4), a user id, an API key, a session, or a function of the request. Secrets (API keys,
 * session ids) are hashed before they become store keys, so Redis never holds them.
 */

import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { fail } from '../config/check-options.js';
import { parseCookies } from '../http/cookies.js';
import type { RequestContext, SecurityRequest } from '../http/types.js';

/** Returns the key for this request, or undefined when it has none (the rule then counts by address). */
export type KeyFunction = (request: SecurityRequest, context: RequestContext) => string | undefined;

export type RuleKey = 'ip' | 'user' | 'api-key' | 'session' | KeyFunction;

export interface KeySources {
  /** Header that carries API keys. Default `x-api-key`; `authorization` takes the credentials after the scheme. */
  apiKeyHeader?: string;
  /** Cookie that carries the session id (required by rules with `key: 'session'`). */
  sessionCookie?: string;
  /** Reads the user id (required by rules with `key: 'user'`), e.g. from a verified token the app decoded earlier. */
  user?: KeyFunction;
}

export interface KeyInput {
  readonly request: SecurityRequest;
  readonly context: RequestContext;
}

export type KeyReader = (input: KeyInput) => string | undefined;

/** Longer user or custom keys are hashed, so a key never passes the store's key length. */
const MAX_PLAIN_KEY = 128;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** SHA-256 of the UTF-16 code units (UTF-8 would turn every lone surrogate into U+FFFD, and collide), 132 bits. */
export function hashKey(value: string): string {
  return createHash('sha256').update(Buffer.from(value, 'utf16le')).digest('base64url').slice(0, 22);
}

const plainOrHashed = (value: string): string => (value.length <= MAX_PLAIN_KEY ? value : `#${hashKey(value)}`);

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function checkKeySources(path: string, sources: KeySources): Required<Pick<KeySources, 'apiKeyHeader'>> & KeySources {
  const apiKeyHeader = sources.apiKeyHeader ?? 'x-api-key';
  if (typeof apiKeyHeader !== 'string' || !HEADER_NAME.test(apiKeyHeader)) fail(`${path}.apiKeyHeader`, 'expected a header name such as "x-api-key"');
  if (sources.sessionCookie !== undefined && (typeof sources.sessionCookie !== 'string' || !COOKIE_NAME.test(sources.sessionCookie))) {
    fail(`${path}.sessionCookie`, 'expected a cookie name');
  }
  if (sources.user !== undefined && typeof sources.user !== 'function') fail(`${path}.user`, 'expected (request, context) => string | undefined');
  return { ...sources, apiKeyHeader: apiKeyHeader.toLowerCase() };
}

/** Compiles a rule's `key` into a reader. Address keys come from the guard (computed once per request). */
export function keyReader(path: string, key: RuleKey, sources: ReturnType<typeof checkKeySources>): KeyReader | 'ip' {
  if (key === 'ip') return 'ip';
  if (typeof key === 'function') {
    return ({ request, context }) => {
      const value = nonEmpty(key(request, context));
      return value === undefined ? undefined : `fn:${plainOrHashed(value)}`;
    };
  }
  if (key === 'user') {
    const user = sources.user;
    if (user === undefined) fail(`${path}.key`, "'user' needs keys.user: (request, context) => the user id");
    return ({ request, context }) => {
      const value = nonEmpty(user(request, context));
      return value === undefined ? undefined : `user:${plainOrHashed(value)}`;
    };
  }
  if (key === 'api-key') {
    const header = sources.apiKeyHeader;
    const scheme = header === 'authorization';
    return ({ request }) => {
      let value = request.headers.get(header)?.trim();
      if (value !== undefined && scheme) value = value.slice(value.indexOf(' ') + 1).trim();
      return value === undefined || value.length === 0 ? undefined : `key:${hashKey(value)}`;
    };
  }
  if (key === 'session') {
    const cookie = sources.sessionCookie;
    if (cookie === undefined) fail(`${path}.key`, "'session' needs keys.sessionCookie: the name of your session cookie");
    return ({ request }) => {
      const value = parseCookies(request.headers.get('cookie')).get(cookie);
      return value === undefined || value.length === 0 ? undefined : `session:${hashKey(value)}`;
    };
  }
  return fail(`${path}.key`, "expected 'ip', 'user', 'api-key', 'session' or a function (request, context) => string | undefined");
}
