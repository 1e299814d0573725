/**
 * Splits an absolute `http(s)` URL into host, path and query without a full WHATWG parse, which cost
 * more than all of the security headers per request (bench/headers.bench.ts, whole middleware).
 * The host is checked with `isValidHost`, which also refuses userinfo (`user@host`).
 */

import { isValidHost } from './host.js';

export interface RequestTarget {
  /** Lower-cased `host[:port]`, without the scheme's default port (as URL parsers give it). */
  readonly host: string;
  /** Path as received, `/` when empty. */
  readonly path: string;
  /** `?query` or empty. */
  readonly search: string;
}

/** `found` (an `indexOf` result) when the character was found before `end`, else `end`. */
function before(end: number, found: number): number {
  return found !== -1 && found < end ? found : end;
}

/** Undefined when the URL is not absolute http(s) or its host is malformed. */
export function splitRequestTarget(url: string): RequestTarget | undefined {
  const schemeEnd = url.indexOf('://');
  const scheme = url.slice(0, schemeEnd).toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return undefined;
  const hostStart = schemeEnd + 3;
  // Native scans, not a per-character loop: this runs on every request.
  const fragment = before(url.length, url.indexOf('#', hostStart));
  const query = before(fragment, url.indexOf('?', hostStart));
  const hostEnd = before(query, url.indexOf('/', hostStart));
  const host = url.slice(hostStart, hostEnd);
  if (!isValidHost(host)) return undefined;
  const defaultPort = scheme === 'http' ? ':80' : ':443';
  return {
    host: (host.endsWith(defaultPort) ? host.slice(0, -defaultPort.length) : host).toLowerCase(),
    path: query > hostEnd ? url.slice(hostEnd, query) : '/',
    search: url.slice(query, fragment),
  };
}
