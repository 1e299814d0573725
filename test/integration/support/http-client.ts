/** A small HTTP(S) client over node:http: unlike fetch, it may set `Host` and read every header. */

import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

export interface SimpleResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  /** CA (or self-signed certificate) to trust for https URLs. */
  ca?: string;
  /** Request body; sent with Content-Length unless a `transfer-encoding` header is given. */
  body?: string | Buffer;
}

export function request(url: string, init: RequestInit = {}): Promise<SimpleResponse> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const options: https.RequestOptions = {
    method: init.method ?? 'GET',
    headers: init.headers ?? {},
    agent: false,
    ...(secure ? { ca: init.ca, servername: 'localhost' } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(target, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A header as one string (`undefined` when absent). */
export function header(response: { headers: IncomingHttpHeaders }, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The nonce in a CSP header value, if any. */
export function cspNonce(csp: string | undefined): string | undefined {
  return csp === undefined ? undefined : /'nonce-([A-Za-z0-9+/=_-]+)'/.exec(csp)?.[1];
}
