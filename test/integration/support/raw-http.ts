/**
 * Raw HTTP/1.1 over a TCP socket, to send bytes that fetch and node:http would refuse to write
 * (duplicate Host lines, odd request targets, invalid percent-encoding, oversized headers).
 */

import net from 'node:net';

export interface RawResponse {
  /** Status code, or undefined when the server closed the connection without a response. */
  status: number | undefined;
  /** Lower-case header names; repeated headers keep every value. */
  headers: Record<string, string[]>;
  body: string;
}

/** Builds a request with `Connection: close` so the server ends the socket after answering. */
export function rawRequest(target: string, headers: readonly (readonly [string, string])[], method = 'GET', version = 'HTTP/1.1'): Buffer {
  const lines = [`${method} ${target} ${version}`, ...headers.map(([name, value]) => `${name}: ${value}`), 'Connection: close', '', ''];
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd === -1) break;
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

export function parseResponse(data: Buffer): RawResponse {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd === -1) return { status: undefined, headers: {}, body: '' };
  const [statusLine = '', ...lines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  const headers: Record<string, string[]> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    (headers[name] ??= []).push(line.slice(colon + 1).trim());
  }
  const rest = data.subarray(headEnd + 4);
  const body = headers['transfer-encoding']?.includes('chunked') ? dechunk(rest) : rest;
  return { status: status === undefined ? undefined : Number(status), headers, body: body.toString('utf8') };
}

/** Sends `payload` to 127.0.0.1:`port` and reads until the server closes the connection. */
export function sendRaw(port: number, payload: Buffer | string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    // A safety net against a server that never answers; the test then fails on the missing status.
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may reset the connection after an early error response; what arrived still counts.
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
    socket.on('close', () => resolve(parseResponse(Buffer.concat(chunks))));
    socket.write(typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload);
  });
}
