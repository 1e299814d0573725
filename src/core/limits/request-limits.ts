/**
 * Limits judged from the request line and headers, before any body is read:
 * URL length and query parameters (414), header count and size (431), method (405),
 * declared body size per content type (413) and the content-type allowlist (415).
 * The byte limit for the body is handed to the adapter, which counts streamed bytes against it.
 */

import { checkInteger, checkKeys, fail } from '../config/check-options.js';
import type { BodyLimit, DenyCode, HeaderLookup } from '../http/types.js';
import { malformedUrlReason } from './malformed-url.js';

const MiB = 1024 * 1024;

export interface BodySizeLimits {
  /** `application/json` and `application/*+json`. Default 1 MiB. */
  json?: number;
  /** `application/x-www-form-urlencoded`. Default 1 MiB. */
  form?: number;
  /** `multipart/form-data`. Default 10 MiB. */
  multipart?: number;
  /** `text/*`. Default 1 MiB. */
  text?: number;
  /** Any other allowed type. Default 1 MiB. */
  other?: number;
}

export interface LimitsOptions {
  /** Path and query, in bytes. Default 2048 (414 above). */
  maxUrlBytes?: number;
  /** Query parameters. Default 100 (414 above). */
  maxQueryParams?: number;
  /** Header lines. Default 100 (431 above). */
  maxHeaders?: number;
  /** Header names and values together, in bytes. Default 16 KiB, as node's own limit (431 above). */
  maxHeaderBytes?: number;
  /** Allowed methods (405 otherwise). Default GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS. */
  methods?: readonly string[];
  /** Body size per content type, in bytes (413 above). */
  maxBodyBytes?: BodySizeLimits;
  /** Media types a request body may have (415 otherwise); `type/*` and `type/*+suffix` wildcards. */
  contentTypes?: readonly string[];
  /** Longest pause while a body is being received, in ms (408 after). Default 30 s. */
  bodyIdleTimeoutMs?: number;
}

export const DEFAULT_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export const DEFAULT_CONTENT_TYPES = [
  'application/json', 'application/*+json', 'application/x-www-form-urlencoded', 'multipart/form-data',
  'text/plain', 'application/csp-report',
] as const;

const OPTION_NAMES = ['maxUrlBytes', 'maxQueryParams', 'maxHeaders', 'maxHeaderBytes', 'methods', 'maxBodyBytes', 'contentTypes', 'bodyIdleTimeoutMs'] as const;
const BODY_KINDS = ['json', 'form', 'multipart', 'text', 'other'] as const;
type BodyKind = (typeof BODY_KINDS)[number];

export type LimitsVerdict =
  | { denied: true; code: DenyCode; reason: string; allow?: string }
  | { denied: false; /** Limits for the body when the request has one. */ bodyLimit: BodyLimit | undefined };

export interface RequestLimits {
  /** Positional rather than one input object: this runs on every request. The header figures come from `measureHeaders`. */
  check(method: string, path: string, search: string, headers: HeaderLookup, headerCount: number, headerBytes: number): LimitsVerdict;
}

const NO_BODY: LimitsVerdict = Object.freeze({ denied: false, bodyLimit: undefined });

function mediaType(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

function bodyKind(type: string): BodyKind {
  if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))) return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (type === 'multipart/form-data') return 'multipart';
  if (type.startsWith('text/')) return 'text';
  return 'other';
}

/** `text/plain`, `text/*`, `application/*+json`. */
function typeMatcher(path: string, pattern: unknown): (type: string) => boolean {
  if (typeof pattern !== 'string' || !/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+*-]+$/i.test(pattern)) {
    fail(path, `expected media types such as "application/json" or "text/*", got ${JSON.stringify(pattern)}`);
  }
  const lower = pattern.toLowerCase();
  const star = lower.indexOf('*');
  if (star === -1) return (type) => type === lower;
  const prefix = lower.slice(0, star);
  const suffix = lower.slice(star + 1);
  return (type) => type.length > prefix.length + suffix.length && type.startsWith(prefix) && type.endsWith(suffix);
}

function countQueryParams(search: string, max: number): number {
  if (search.length <= 1) return 0;
  let count = 1;
  for (let at = search.indexOf('&'); at !== -1 && count <= max; at = search.indexOf('&', at + 1)) count++;
  return count;
}

/** Content-Length as a number; NaN when it is not one plain decimal of up to 15 digits (a list, a sign, junk). */
function declaredLength(value: string | null): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (text.length === 0 || text.length > 15) return Number.NaN;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return Number.NaN;
  }
  return Number(text);
}

export function createRequestLimits(options: LimitsOptions = {}, path = 'limits'): RequestLimits {
  checkKeys(path, options, OPTION_NAMES);
  const maxUrlBytes = checkInteger(`${path}.maxUrlBytes`, options.maxUrlBytes, 16, 1_000_000) ?? 2048;
  const maxQueryParams = checkInteger(`${path}.maxQueryParams`, options.maxQueryParams, 0, 100_000) ?? 100;
  const maxHeaders = checkInteger(`${path}.maxHeaders`, options.maxHeaders, 1, 10_000) ?? 100;
  const maxHeaderBytes = checkInteger(`${path}.maxHeaderBytes`, options.maxHeaderBytes, 256, 1_048_576) ?? 16 * 1024;

  const methodList = options.methods ?? DEFAULT_METHODS;
  if (!Array.isArray(methodList) || methodList.length === 0 || methodList.some((m) => typeof m !== 'string' || !/^[A-Za-z]+$/.test(m))) {
    fail(`${path}.methods`, 'expected a non-empty list of method names such as ["GET", "POST"]');
  }
  const methods = new Set(methodList.map((m) => m.toUpperCase()));
  const allow = [...methods].join(', ');

  const sizes = options.maxBodyBytes ?? {};
  checkKeys(`${path}.maxBodyBytes`, sizes, BODY_KINDS);
  const defaults: Record<BodyKind, number> = { json: MiB, form: MiB, multipart: 10 * MiB, text: MiB, other: MiB };
  const maxBody = Object.fromEntries(
    BODY_KINDS.map((kind) => [kind, checkInteger(`${path}.maxBodyBytes.${kind}`, sizes[kind], 0, Number.MAX_SAFE_INTEGER) ?? defaults[kind]]),
  ) as Record<BodyKind, number>;

  const idleTimeoutMs = checkInteger(`${path}.bodyIdleTimeoutMs`, options.bodyIdleTimeoutMs, 1, 2 ** 31 - 1) ?? 30_000;
  const typeList = options.contentTypes ?? DEFAULT_CONTENT_TYPES;
  if (!Array.isArray(typeList)) fail(`${path}.contentTypes`, 'expected a list of media types');
  const typeMatchers = typeList.map((t, i) => typeMatcher(`${path}.contentTypes[${i}]`, t));
  const exactTypes = new Set(typeList.filter((t) => !t.includes('*')).map((t) => t.toLowerCase()));
  const typeAllowed = (type: string): boolean => exactTypes.has(type) || typeMatchers.some((allowed) => allowed(type));
  // One frozen verdict per body kind: an allowed request with a body shares it.
  const withBody = Object.fromEntries(
    BODY_KINDS.map((kind) => [kind, Object.freeze({ denied: false, bodyLimit: Object.freeze({ maxBytes: maxBody[kind], idleTimeoutMs }) })]),
  ) as Record<BodyKind, LimitsVerdict>;

  return {
    check(method, urlPath, search, headers, headerCount, headerBytes) {
      if (headerCount > maxHeaders) return { denied: true, code: 'headers_too_large', reason: `${headerCount} header lines (limit ${maxHeaders})` };
      if (headerBytes > maxHeaderBytes) return { denied: true, code: 'headers_too_large', reason: `${headerBytes} header bytes (limit ${maxHeaderBytes})` };
      if (urlPath.length + search.length > maxUrlBytes) return { denied: true, code: 'uri_too_long', reason: `URL over ${maxUrlBytes} bytes` };
      if (countQueryParams(search, maxQueryParams) > maxQueryParams) return { denied: true, code: 'uri_too_long', reason: `more than ${maxQueryParams} query parameters` };
      const malformed = malformedUrlReason(urlPath, search);
      if (malformed !== undefined) return { denied: true, code: 'bad_request', reason: `malformed URL (${malformed})` };
      if (!methods.has(method)) return { denied: true, code: 'method_not_allowed', reason: `method ${method.slice(0, 20)} not allowed`, allow };

      const length = declaredLength(headers.get('content-length'));
      const chunked = headers.has('transfer-encoding');
      if (Number.isNaN(length)) return { denied: true, code: 'bad_request', reason: 'invalid Content-Length' };
      if (chunked && length !== undefined) return { denied: true, code: 'bad_request', reason: 'both Content-Length and Transfer-Encoding' };
      if (!chunked && !length) return NO_BODY;

      const contentType = headers.get('content-type');
      const type = contentType === null ? '' : mediaType(contentType);
      if (!typeAllowed(type)) {
        return { denied: true, code: 'unsupported_media_type', reason: `content type ${type === '' ? '(none)' : JSON.stringify(type.slice(0, 100))} not allowed` };
      }
      const kind = bodyKind(type);
      const limit = maxBody[kind];
      if (length !== undefined && length > limit) return { denied: true, code: 'payload_too_large', reason: `declared body of ${length} bytes (limit ${limit})` };
      return withBody[kind];
    },
  };
}
