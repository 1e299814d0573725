/**
 * Request body size limits: a pure check of the declared framing (`Content-Length` /
 * `Transfer-Encoding`) before reading, and byte counters that wrap a body stream or async iterable
 * and stop it the moment the count passes the limit, so memory never holds more than the limit
 * plus the one chunk that crossed it. As hono's body-limit: `Content-Length` is trusted only
 * without `Transfer-Encoding`; otherwise the stream is counted.
 */

import { checkInteger, checkKeys, fail } from '../config/check-options.js';
import { InvalidInputError, LimitExceededError } from '../errors.js';
import { bodyTimer } from './body-timer.js';

/** Web `Headers`, or a Node-style object with lower-case names (`IncomingMessage#headers`). */
export type HeaderSource = Headers | { readonly [name: string]: string | readonly string[] | undefined };

/** One header's value; repeated Node-style values are joined with `, ` as `Headers#get` does. */
export function headerValue(headers: HeaderSource | undefined, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  if (typeof headers.get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.join(', ');
  return undefined;
}

export type DeclaredLength =
  | {
      readonly ok: true;
      /** Bytes the body must have; undefined when not declared (chunked, HTTP/2, or no body framing). */
      readonly length: number | undefined;
      /** `Transfer-Encoding` was present (and ended with `chunked`): count the stream. */
      readonly chunked: boolean;
    }
  | {
      readonly ok: false;
      /** Stable reason; every one of them is a 400. */
      readonly reason: 'conflicting_framing' | 'invalid_content_length' | 'invalid_transfer_encoding';
      readonly message: string;
    };

const DIGITS = /^[0-9]+$/;

function invalid(reason: Extract<DeclaredLength, { ok: false }>['reason'], message: string): DeclaredLength {
  return { ok: false, reason, message };
}

/**
 * Reads the body framing a request declares. Refuses the request-smuggling shapes: both
 * `Transfer-Encoding` and `Content-Length`, a `Transfer-Encoding` whose last coding is not
 * `chunked`, and a `Content-Length` that is not digits or repeats with different values
 * (`5, 5` is accepted as 5, per RFC 9110 §8.6).
 */
export function checkDeclaredLength(headers: HeaderSource | undefined): DeclaredLength {
  const transferEncoding = headerValue(headers, 'transfer-encoding');
  const contentLength = headerValue(headers, 'content-length');
  if (transferEncoding !== undefined) {
    if (contentLength !== undefined) return invalid('conflicting_framing', 'both Transfer-Encoding and Content-Length are present');
    const codings = transferEncoding.split(',');
    if (codings[codings.length - 1]!.trim().toLowerCase() !== 'chunked') {
      return invalid('invalid_transfer_encoding', 'Transfer-Encoding must end with "chunked"');
    }
    return { ok: true, length: undefined, chunked: true };
  }
  if (contentLength === undefined) return { ok: true, length: undefined, chunked: false };
  let length: number | undefined;
  for (const part of contentLength.split(',')) {
    const digits = part.trim();
    if (!DIGITS.test(digits)) return invalid('invalid_content_length', 'Content-Length is not a non-negative integer');
    const value = Number(digits);
    if (length !== undefined && value !== length) return invalid('invalid_content_length', 'Content-Length is repeated with different values');
    length = value;
  }
  return { ok: true, length, chunked: false };
}

export interface BodyLimitOptions {
  /** Bytes allowed; one more fails with `LimitExceededError` (limit `maxBytes`). */
  maxBytes: number;
  /** The declared `Content-Length`: ending short of it or going past it fails with `InvalidInputError`. */
  expectedLength?: number | undefined;
  /** Longest wait for the next chunk while the consumer is reading, in ms; then `TimeBudgetExceededError`. Off by default. */
  idleTimeoutMs?: number | undefined;
  /** Longest time for the whole body, in ms, from the first read; `TimeBudgetExceededError` after. Off by default. */
  timeoutMs?: number | undefined;
}

interface Limits {
  maxBytes: number;
  expectedLength: number | undefined;
  idleTimeoutMs: number | undefined;
  timeoutMs: number | undefined;
}

const OPTION_NAMES = ['maxBytes', 'expectedLength', 'idleTimeoutMs', 'timeoutMs'] as const;
const MAX_TIMER = 2 ** 31 - 1;

/** Validates body-limit options (ConfigurationError on a bad value). Cheap enough to run per request. */
export function normalizeBodyLimit(options: BodyLimitOptions, path = 'bodyLimit'): Readonly<Limits> {
  checkKeys(path, options, OPTION_NAMES);
  const maxBytes = checkInteger(`${path}.maxBytes`, options.maxBytes, 0, Number.MAX_SAFE_INTEGER);
  if (maxBytes === undefined) fail(`${path}.maxBytes`, 'required: the number of bytes allowed');
  return {
    maxBytes,
    expectedLength: checkInteger(`${path}.expectedLength`, options.expectedLength, 0, Number.MAX_SAFE_INTEGER),
    idleTimeoutMs: checkInteger(`${path}.idleTimeoutMs`, options.idleTimeoutMs, 1, MAX_TIMER),
    timeoutMs: checkInteger(`${path}.timeoutMs`, options.timeoutMs, 1, MAX_TIMER),
  };
}

/** Counts bytes; `add` and `end` throw the documented errors. */
function byteCounter(limits: Readonly<Limits>): { add(chunk: unknown): void; end(): void } {
  const { maxBytes, expectedLength } = limits;
  // Refusing here, before any read, keeps callers that skipped the Content-Length check safe.
  const ceiling = expectedLength === undefined ? maxBytes : Math.min(maxBytes, expectedLength);
  let received = 0;
  return {
    add(chunk) {
      if (!(chunk instanceof Uint8Array)) throw new InvalidInputError('body chunks must be Uint8Array');
      received += chunk.byteLength;
      if (received > ceiling) {
        if (received > maxBytes) throw new LimitExceededError(`request body larger than ${maxBytes} bytes`, 'maxBytes');
        throw new InvalidInputError(`request body longer than its Content-Length (${expectedLength} bytes)`);
      }
    },
    end() {
      if (expectedLength !== undefined && received !== expectedLength) {
        throw new InvalidInputError(`request body ended after ${received} of ${expectedLength} declared bytes`);
      }
    },
  };
}

function tooLarge(limits: Readonly<Limits>): LimitExceededError | undefined {
  if (limits.expectedLength === undefined || limits.expectedLength <= limits.maxBytes) return undefined;
  return new LimitExceededError(`request body larger than ${limits.maxBytes} bytes`, 'maxBytes');
}

const ignore = (): void => {};

/**
 * Wraps a body stream in one that counts bytes and errors with `LimitExceededError('maxBytes')` the
 * moment the count passes `maxBytes`, with `InvalidInputError` when the body is longer or shorter
 * than `expectedLength`, and with `TimeBudgetExceededError` on a stalled or slow body. On any of
 * these the source is cancelled. It pulls only on demand (one source chunk per read).
 */
export function limitBody(source: ReadableStream<Uint8Array>, options: BodyLimitOptions): ReadableStream<Uint8Array> {
  const limits = normalizeBodyLimit(options);
  const early = tooLarge(limits);
  const reader = source.getReader();
  const counter = byteCounter(limits);
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const fail = (error: unknown): void => {
    timer?.stop();
    controller.error(error);
    reader.cancel(error).catch(ignore);
  };
  // On expiry the source is cancelled, which settles the pending read; pull then sees `timer.error`.
  const timer = bodyTimer(limits, fail);
  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      // Counting inline in pull: a second layer of promises per chunk costs more than the count itself.
      async pull() {
        try {
          if (early) throw early;
          timer?.started();
          if (timer?.error) return;
          const result = await reader.read();
          timer?.ended();
          if (timer?.error) return;
          if (result.done) {
            timer?.stop();
            counter.end();
            controller.close();
            return;
          }
          counter.add(result.value);
          controller.enqueue(result.value);
        } catch (error) {
          if (!timer?.error) fail(error);
        }
      },
      cancel(reason) {
        timer?.stop();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The same counter for an async iterable body (Node's `IncomingMessage` is one). Stops the source
 * (its `return()`, which destroys a Node stream) on any error or when the consumer stops early. On a
 * timeout a source with `destroy()` (a Node stream) is destroyed, since `return()` would wait for the
 * pending read; any other source is left to finish that read on its own.
 */
export function limitBodyIterable(source: AsyncIterable<Uint8Array>, options: BodyLimitOptions): AsyncIterable<Uint8Array> {
  const limits = normalizeBodyLimit(options);
  return { [Symbol.asyncIterator]: () => countChunks(source, limits) };
}

async function* countChunks(source: AsyncIterable<Uint8Array>, limits: Readonly<Limits>): AsyncGenerator<Uint8Array, void, undefined> {
  const early = tooLarge(limits);
  if (early) throw early;
  const counter = byteCounter(limits);
  const destroy = (source as { destroy?: unknown }).destroy;
  const destroyable = typeof destroy === 'function';
  const timer = bodyTimer(limits, (error) => {
    if (destroyable) (destroy as (error: Error) => void).call(source, error);
  });
  if (!timer) {
    // for-await calls the source's return() when the body throws or the consumer stops.
    for await (const chunk of source) {
      counter.add(chunk);
      yield chunk;
    }
    counter.end();
    return;
  }
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      timer.started();
      let result: IteratorResult<Uint8Array>;
      try {
        // A destroyed Node stream rejects its pending read; other sources need the race.
        result = await (destroyable ? iterator.next() : Promise.race([iterator.next(), timer.expired]));
      } finally {
        timer.ended();
      }
      if (timer.error) throw timer.error;
      if (result.done) break;
      counter.add(result.value);
      yield result.value;
    }
    finished = true;
  } catch (error) {
    throw timer.error ?? error;
  } finally {
    timer.stop();
    if (!finished) Promise.resolve(iterator.return?.()).catch(ignore);
  }
  counter.end();
}
