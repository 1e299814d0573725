/**
 * URLs from users: WHATWG parsing, a scheme allow-list (http and https by default), dangerous
 * schemes refused however they are written, no credentials, and (by default) no host that points
 * inside judging by the text: IP literals in any encoding and local names. DNS is `assertPublicUrl`'s job.
 */

import { checkBoolean, checkInteger, checkKeys, fail } from '../config/check-options.js';
import { classifyHostText } from './internal-address.js';
import { invalid, valid, type ValidationIssue, type ValidationResult } from './result.js';

export interface UrlOptions {
  /** Allowed schemes, without the colon. Default `['http', 'https']`. `javascript` and `vbscript` can never be allowed. */
  schemes?: readonly string[];
  /** Accept `user:password@` in the URL. Default false: credentials in links leak and fool readers. */
  allowCredentials?: boolean;
  /** Accept hosts that point inside by their text (127.0.0.1, 0x7f000001, [::1], localhost, *.internal). Default false. */
  allowInternalHosts?: boolean;
  /** Maximum length in UTF-16 units. Default 2048. */
  maxLength?: number;
}

export type UrlIssueCode = 'type' | 'too_long' | 'control_character' | 'syntax' | 'dangerous_scheme' | 'scheme' | 'credentials' | 'internal_host';
export type UrlResult = ValidationResult<string, ValidationIssue<UrlIssueCode>>;

export interface UrlRules {
  readonly schemes: ReadonlySet<string>;
  readonly allowCredentials: boolean;
  readonly allowInternalHosts: boolean;
  readonly maxLength: number;
}

const NEVER_ALLOWED = new Set(['javascript', 'vbscript']);
const DANGEROUS = ['javascript:', 'vbscript:', 'data:', 'file:'];
const SCHEME_NAME = /^[a-z][a-z0-9+.-]*$/;
const SPECIAL_SCHEMES = new Set(['http', 'https', 'ws', 'wss', 'ftp', 'file']);

function fails(code: UrlIssueCode, message: string): UrlResult {
  return invalid(code, message);
}

export function compileUrlRules(options: UrlOptions = {}, path = 'url'): UrlRules {
  checkKeys(path, options, ['schemes', 'allowCredentials', 'allowInternalHosts', 'maxLength']);
  let schemes = ['http', 'https'];
  if (options.schemes !== undefined) {
    if (!Array.isArray(options.schemes) || options.schemes.length === 0) fail(`${path}.schemes`, 'expected a non-empty array such as ["https"]');
    schemes = options.schemes.map((scheme: unknown, i) => {
      const name = typeof scheme === 'string' ? scheme.toLowerCase().replace(/:$/, '') : '';
      if (!SCHEME_NAME.test(name)) fail(`${path}.schemes[${i}]`, 'expected a scheme name such as "https"');
      if (NEVER_ALLOWED.has(name)) fail(`${path}.schemes[${i}]`, `"${name}" runs script and cannot be allowed`);
      return name;
    });
  }
  return Object.freeze({
    schemes: new Set(schemes),
    allowCredentials: checkBoolean(`${path}.allowCredentials`, options.allowCredentials) ?? false,
    allowInternalHosts: checkBoolean(`${path}.allowInternalHosts`, options.allowInternalHosts) ?? false,
    maxLength: checkInteger(`${path}.maxLength`, options.maxLength, 1, 1_000_000) ?? 2048,
  });
}

const PLAIN_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const NAMED_ENTITIES: Readonly<Record<string, string>> = { colon: ':', tab: '\t', newline: '\n', sol: '/', lpar: '(', rpar: ')', period: '.' };

/**
 * What a browser or a lenient parser could read as the start of the URL: HTML entities and percent
 * escapes decoded (three rounds), whitespace, controls and invisible characters dropped, lower case.
 * Only the first 512 characters matter for the scheme.
 */
export function decodedPrefix(text: string): string {
  const plain = PLAIN_SCHEME.exec(text);
  if (plain) return plain[0].toLowerCase(); // nothing to decode before the colon
  let out = text.slice(0, 512);
  for (let round = 0; round < 3; round++) {
    const before = out;
    out = out.replace(/&#(x?)([0-9a-f]+);?/gi, (_, hex: string, digits: string) => {
      const run = hex ? digits : (/^[0-9]*/.exec(digits)?.[0] ?? '');
      const significant = run.replace(/^0+/, '') || '0';
      const n = significant.length > 8 ? Infinity : parseInt(significant, hex ? 16 : 10);
      const char = run.length > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '';
      return char + digits.slice(run.length);
    });
    out = out.replace(/&([a-z]{2,8});/gi, (match, name: string) => NAMED_ENTITIES[name.toLowerCase()] ?? match);
    out = out.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (out === before) break;
  }
  return out.replace(/[\s\p{Cc}\p{Cf}]/gu, '').toLowerCase();
}

const CONTROL_OR_INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

function hasControlOrInvisible(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
    if (code > 0x7f) return CONTROL_OR_INVISIBLE.test(text);
  }
  return false;
}

/** The authority as written (scheme and slashes skipped, up to the first / ? #), for parser-differential checks. */
function rawAuthority(text: string, scheme: string): string {
  let rest = text.slice(text.indexOf(':') + 1);
  let i = 0;
  while (i < rest.length && (rest[i] === '/' || (SPECIAL_SCHEMES.has(scheme) && rest[i] === '\\'))) i++;
  if (i === 0 && !SPECIAL_SCHEMES.has(scheme)) return '';
  rest = rest.slice(i);
  const end = rest.search(/[/?#]/);
  return end === -1 ? rest : rest.slice(0, end);
}

function rawHost(authority: string): string {
  let host = authority.slice(authority.lastIndexOf('@') + 1);
  const backslash = host.indexOf('\\');
  if (backslash !== -1) host = host.slice(0, backslash);
  if (!host.startsWith('[')) {
    const colon = host.indexOf(':');
    if (colon !== -1) host = host.slice(0, colon);
  }
  try {
    return decodeURIComponent(host);
  } catch {
    return host;
  }
}

/**
 * Why the host of a parsed URL points inside, judged by text only: the WHATWG host, and the host as
 * written in `text` (which another parser may read differently), or undefined.
 */
export function internalHostReason(url: URL, text: string): string | undefined {
  if (url.host === '') return undefined;
  const reason = classifyHostText(url.hostname);
  if (reason) return reason;
  const written = writtenHost(url, text);
  return written === url.hostname ? undefined : classifyHostText(written);
}

/** The host exactly as written in the URL text (percent-decoded), which may differ from the WHATWG host. */
export function writtenHost(url: URL, text: string): string {
  return rawHost(rawAuthority(text.trim(), url.protocol.slice(0, -1)));
}

/** Compiled-rules form of `validateUrl`; returns the parsed URL for callers that need it. */
export function parseUrl(value: unknown, rules: UrlRules): { result: UrlResult; url?: URL } {
  if (typeof value !== 'string') return { result: fails('type', `expected a string, got ${value === null ? 'null' : typeof value}`) };
  if (value.length > rules.maxLength) return { result: fails('too_long', `longer than ${rules.maxLength} characters`) };
  const text = value.trim();
  const prefix = decodedPrefix(text);
  const dangerous = DANGEROUS.find((scheme) => prefix.startsWith(scheme) && !rules.schemes.has(scheme.slice(0, -1)));
  if (dangerous) return { result: fails('dangerous_scheme', `the ${dangerous} scheme is not allowed`) };
  // The WHATWG parser silently drops tabs and newlines and trims controls; other parsers do not.
  if (hasControlOrInvisible(text)) return { result: fails('control_character', 'contains a control or invisible character') };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { result: fails('syntax', 'not an absolute URL') };
  }
  const scheme = url.protocol.slice(0, -1);
  if (!rules.schemes.has(scheme)) return { result: fails('scheme', `the ${scheme}: scheme is not allowed (allowed: ${[...rules.schemes].join(', ')})`) };
  const authority = rawAuthority(text, scheme);
  if (!rules.allowCredentials && (url.username !== '' || url.password !== '' || authority.includes('@'))) {
    return { result: fails('credentials', 'credentials (user:password@) are not allowed in the URL') };
  }
  if (authority.includes('\\')) return { result: fails('syntax', 'a backslash in the authority (parsers disagree on where the host ends)') };
  if (SPECIAL_SCHEMES.has(scheme) && scheme !== 'file' && url.hostname === '') return { result: fails('syntax', 'the URL has no host') };
  if (!rules.allowInternalHosts) {
    const reason = internalHostReason(url, text);
    if (reason) return { result: fails('internal_host', `the host is ${reason}`) };
  }
  return { result: valid(url.href), url };
}

/** Validates a URL from user input and returns its normalized (WHATWG) form. */
export function validateUrl(value: unknown, options?: UrlOptions): UrlResult {
  return parseUrl(value, compileUrlRules(options)).result;
}
