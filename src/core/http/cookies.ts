/**
 * Cookie header parsing and Set-Cookie serialization (RFC 6265bis), with safe defaults:
 * HttpOnly, Secure, SameSite=Lax, Path=/. Loosening one is explicit.
 */

import { InvalidInputError } from '../errors.js';

/** Bounds work on hostile headers: browsers send at most a few hundred cookies. */
export const MAX_COOKIES = 256;

const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
const ATTRIBUTE_VALUE = /^[\x20-\x3A\x3C-\x7E]*$/;

function safeDecode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Parses a `Cookie` header. The first occurrence of a name wins (browsers send the most specific
 * path first); malformed pairs are skipped; values are percent-decoded when that is valid.
 */
export function parseCookies(header: string | null | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  const pairs = header.split(';', MAX_COOKIES);
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const name = pair.slice(0, eq).trim();
    if (!COOKIE_NAME.test(name) || cookies.has(name)) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    cookies.set(name, safeDecode(value));
  }
  return cookies;
}

export interface CookieOptions {
  /** Default true. */
  httpOnly?: boolean;
  /** Default true. Browsers accept Secure cookies on http://localhost. */
  secure?: boolean;
  /** Default 'Lax'. 'None' requires secure. */
  sameSite?: 'Strict' | 'Lax' | 'None';
  /** Default '/'. */
  path?: string;
  domain?: string;
  /** Seconds. */
  maxAge?: number;
  expires?: Date;
  partitioned?: boolean;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new InvalidInputError(message);
}

/** Builds a `Set-Cookie` value. The value is percent-encoded; names and attributes are validated. */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  const { httpOnly = true, secure = true, sameSite = 'Lax', path = '/', domain, maxAge, expires, partitioned } = options;
  check(COOKIE_NAME.test(name), 'serializeCookie: the cookie name must be an RFC 6265 token');
  let encoded = '\0';
  try {
    encoded = encodeURIComponent(value);
  } catch {
    // A URIError (lone surrogate) becomes the InvalidInputError below.
  }
  check(COOKIE_VALUE.test(encoded), 'serializeCookie: the cookie value cannot be encoded');
  check(ATTRIBUTE_VALUE.test(path), 'serializeCookie: path must be printable ASCII without ";"');
  check(['Strict', 'Lax', 'None'].includes(sameSite), "serializeCookie: sameSite must be 'Strict', 'Lax' or 'None'");
  check(sameSite !== 'None' || secure, "serializeCookie: sameSite 'None' requires secure: true");
  if (name.startsWith('__Host-')) {
    check(secure && path === '/' && domain === undefined, 'serializeCookie: __Host- cookies need secure, path "/" and no domain');
  } else if (name.startsWith('__Secure-')) {
    check(secure, 'serializeCookie: __Secure- cookies need secure: true');
  }
  const parts = [`${name}=${encoded}`, `Path=${path}`];
  if (domain !== undefined) {
    check(/^[A-Za-z0-9.-]{1,253}$/.test(domain), 'serializeCookie: domain must be a host name');
    parts.push(`Domain=${domain}`);
  }
  if (maxAge !== undefined) {
    check(Number.isInteger(maxAge), 'serializeCookie: maxAge must be an integer number of seconds');
    parts.push(`Max-Age=${maxAge}`);
  }
  if (expires !== undefined) {
    check(!Number.isNaN(expires.getTime()), 'serializeCookie: expires must be a valid Date');
    parts.push(`Expires=${expires.toUTCString()}`);
  }
  if (httpOnly) parts.push('HttpOnly');
  if (secure) parts.push('Secure');
  parts.push(`SameSite=${sameSite}`);
  if (partitioned) parts.push('Partitioned');
  return parts.join('; ');
}
