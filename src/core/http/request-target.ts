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

function endOf(text: string, from: number, stops: string): number {
  for (let i = from; i < text.length; i++) if (stops.includes(text[i]!)) return i;
  return text.length;
}

/** Undefined when the URL is not absolute http(s) or its host is malformed. */
export function splitRequestTarget(url: string): RequestTarget | undefined {
  const schemeEnd = url.indexOf('://');
  const scheme = url.slice(0, schemeEnd).toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return undefined;
  const hostStart = schemeEnd + 3;
  const hostEnd = endOf(url, hostStart, '/?#');
  const host = url.slice(hostStart, hostEnd);
  if (!isValidHost(host)) return undefined;
  const pathEnd = endOf(url, hostEnd, '?#');
  const searchEnd = endOf(url, pathEnd, '#');
  const defaultPort = scheme === 'http' ? ':80' : ':443';
  return {
    host: (host.endsWith(defaultPort) ? host.slice(0, -defaultPort.length) : host).toLowerCase(),
    path: pathEnd > hostEnd ? url.slice(hostEnd, pathEnd) : '/',
    search: url.slice(pathEnd, searchEnd),
  };
}
