/** Optional redirect of plain-HTTP requests to HTTPS (308 keeps the method and body). Meant for production. */

import { checkInteger, checkKeys, checkOneOf } from '../config/check-options.js';

export interface HttpsRedirectOptions {
  /** HTTPS port to send clients to. Default 443 (left out of the URL). */
  port?: number;
  /** Default 308. */
  status?: 301 | 302 | 307 | 308;
}

export interface HttpsRedirect {
  readonly status: number;
  /** The `Location` for an insecure request to `host` (already validated) and the request's path and query. */
  location(host: string, target: { path: string; search: string }): string;
}

function hostname(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

export function createHttpsRedirect(option: HttpsRedirectOptions | boolean | undefined): HttpsRedirect | undefined {
  if (option === undefined || option === false) return undefined;
  const options = option === true ? {} : option;
  checkKeys('httpsRedirect', options, ['port', 'status']);
  const port = checkInteger('httpsRedirect.port', options.port, 1, 65535) ?? 443;
  const statusText = checkOneOf('httpsRedirect.status', options.status === undefined ? undefined : String(options.status), [
    '301', '302', '307', '308',
  ]);
  const suffix = port === 443 ? '' : `:${port}`;
  return {
    status: Number(statusText ?? '308'),
    location(host, { path, search }) {
      // Set on a fixed origin, never resolved against it: a path such as `//evil.example/` must stay a path.
      // The URL setters percent-encode characters that may not appear in a Location header.
      const url = new URL(`https://${hostname(host)}${suffix}/`);
      url.pathname = path;
      url.search = search;
      return url.href;
    },
  };
}
