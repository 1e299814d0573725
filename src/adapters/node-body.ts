/**
 * Request bodies on node:http, for the Express and Koa adapters.
 *
 * `limitNodeBody` counts bytes as node's parser hands them to the request stream, before any
 * application code buffers them: past the limit the chunk is dropped, the client gets 413 and the
 * connection is closed, so memory never holds more than the limit. A body that stalls longer than
 * the idle timeout gets 408 the same way.
 *
 * `peekNodeBody` reads a small body for the CSRF form-field check and puts it back, so the
 * application's body parser still sees all of it.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { LimitExceededError } from '../core/errors.js';
import type { BodyLimit } from '../core/http/types.js';

function refuse(res: ServerResponse, req: IncomingMessage, status: 408 | 413, message: string): void {
  if (!res.headersSent) {
    res.statusCode = status;
    res.setHeader('connection', 'close');
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end(`${message}\n`);
  }
  // The rest of the body is unread: this connection cannot carry another request.
  res.once('finish', () => req.socket.destroy());
  if (res.writableFinished) req.socket.destroy();
}

export function limitNodeBody(req: IncomingMessage, res: ServerResponse, { maxBytes, idleTimeoutMs }: BodyLimit): void {
  if (req.complete) return;
  let received = 0;
  let stopped = false;
  const stop = (status: 408 | 413, message: string): void => {
    stopped = true;
    clearTimeout(idle);
    refuse(res, req, status, message);
    // A reader gets the error; node raises it only when someone listens, so an idle request cannot crash the process.
    // `status` and `expose` make Express and Koa treat it as the client's error (no 500, no stack in the log).
    const error = Object.assign(new LimitExceededError(message, status === 413 ? 'maxBytes' : 'idleTimeoutMs'), { status, expose: true });
    req.destroy(error);
  };
  const idle = setTimeout(() => stop(408, 'Request body timed out'), idleTimeoutMs);
  idle.unref();

  const push = req.push;
  req.push = function countingPush(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (stopped) return false;
    if (chunk === null) {
      clearTimeout(idle);
      return push.call(this, chunk, encoding);
    }
    received += (chunk as Uint8Array).byteLength;
    if (received > maxBytes) {
      stop(413, 'Payload too large');
      return false;
    }
    idle.refresh();
    return push.call(this, chunk, encoding);
  };
  req.once('close', () => clearTimeout(idle));
}

/**
 * Reads the whole body (at most `maxBytes`) and puts it back on the stream before it can end, so
 * whoever reads next gets every byte. Relies on node emitting 'end' only once the buffer is empty.
 */
export function peekNodeBody(req: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  if (req.readableEnded) return Promise.resolve(new Uint8Array(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: Error): void => {
      req.off('readable', onReadable);
      req.off('error', finish);
      req.off('end', onEnd);
      const body = Buffer.concat(chunks);
      if (body.length > 0 && !req.destroyed) req.unshift(body);
      if (error) reject(error);
      else resolve(body);
    };
    const onReadable = (): void => {
      for (let chunk = req.read() as Buffer | null; chunk !== null; chunk = req.read() as Buffer | null) {
        chunks.push(chunk);
        size += chunk.length;
        if (size > maxBytes) return finish(new LimitExceededError(`body over ${maxBytes} bytes`, 'maxBytes'));
      }
      // `complete`: the parser has the whole message; put the bytes back in this same tick, before 'end'.
      if (req.complete) finish();
    };
    // An empty body can end without a 'readable' event.
    const onEnd = (): void => finish();
    req.on('readable', onReadable);
    req.once('error', finish);
    req.once('end', onEnd);
  });
}
