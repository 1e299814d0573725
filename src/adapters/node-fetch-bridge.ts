/**
 * Serves a Fetch handler from node:http: `http.createServer(toNodeListener(protect(bulwark, handler)))`.
 * The handler's second argument carries the socket peer, which the Fetch adapter reads by default.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { originForm } from './node-http.js';

export interface NodeRequestInfo {
  remoteAddress: string | undefined;
  secure: boolean;
}

function toRequest(req: IncomingMessage, secure: boolean): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (name.startsWith(':')) continue;
    headers.append(name, req.rawHeaders[i + 1]!);
  }
  const host = req.headers.host ?? 'localhost';
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const init: RequestInit & { duplex?: 'half' } = { method: req.method ?? 'GET', headers };
  if (hasBody) {
    init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
    init.duplex = 'half';
  }
  return new Request(`${secure ? 'https' : 'http'}://${host}${originForm(req.url ?? '/')}`, init);
}

async function writeResponse(response: Response, res: ServerResponse, head: boolean): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  if (head || response.body === null) {
    res.end();
    return;
  }
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}

const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

export function toNodeListener(
  handler: (request: Request, info: NodeRequestInfo) => Response | Promise<Response>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const secure = (req.socket as Partial<TLSSocket>).encrypted === true;
    const respond = async (): Promise<void> => {
      if (FORBIDDEN_METHODS.has(req.method ?? '')) {
        // The Fetch API cannot represent these; bulwark's default method allowlist refuses them too.
        res.statusCode = 405;
        res.setHeader('allow', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
        res.end('Method not allowed\n');
        return;
      }
      let request: Request;
      try {
        request = toRequest(req, secure);
      } catch {
        // Headers or a Host that the Fetch API refuses: answer as a server would, without reaching the handler.
        res.statusCode = 400;
        res.end('Bad request\n');
        return;
      }
      const response = await handler(request, { remoteAddress: req.socket.remoteAddress, secure });
      await writeResponse(response, res, req.method === 'HEAD');
    };
    respond().catch(() => {
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  };
}
