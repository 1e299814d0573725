/**
 * Web Fetch adapter: `protect(bulwark, handler)` -> `(request, ...rest) => Promise<Response>`, for
 * Bun, Deno, Cloudflare Workers, Hono-style servers and node:http (through `toNodeListener`).
 * The handler receives the request context as its second argument.
 */

import type { Bulwark, RequestContext } from '../core/index.js';
import { fromWebRequest, runProtected } from './web.js';

export type FetchHandler<Rest extends unknown[] = []> = (
  request: Request,
  context: RequestContext,
  ...rest: Rest
) => Response | Promise<Response>;

export interface FetchAdapterOptions<Rest extends unknown[] = []> {
  /**
   * The socket peer's address. The default understands `toNodeListener`'s `{ remoteAddress }`,
   * Deno's `info.remoteAddr` and Bun's `server.requestIP(request)`.
   */
  clientAddress?: (request: Request, ...rest: Rest) => string | undefined;
}

interface RuntimeInfo {
  remoteAddress?: unknown;
  remoteAddr?: { hostname?: unknown };
  requestIP?: (request: Request) => { address?: unknown } | null;
}

function defaultClientAddress(request: Request, ...rest: unknown[]): string | undefined {
  const info = rest[0] as RuntimeInfo | undefined;
  if (info === null || typeof info !== 'object') return undefined;
  const candidate =
    info.remoteAddress ?? info.remoteAddr?.hostname ?? (typeof info.requestIP === 'function' ? info.requestIP(request)?.address : undefined);
  return typeof candidate === 'string' ? candidate : undefined;
}

export function protect<Rest extends unknown[] = []>(
  bulwark: Bulwark,
  handler: FetchHandler<Rest>,
  options: FetchAdapterOptions<Rest> = {},
): (request: Request, ...rest: Rest) => Promise<Response> {
  const clientAddress = options.clientAddress ?? (defaultClientAddress as (request: Request, ...rest: Rest) => string | undefined);
  return (request, ...rest) =>
    runProtected(bulwark, request, fromWebRequest(request, clientAddress(request, ...rest)), (limited, context) =>
      handler(limited, context, ...rest),
    );
}

export { toNodeListener, type NodeRequestInfo } from './node-fetch-bridge.js';
