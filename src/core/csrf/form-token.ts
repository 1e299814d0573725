/**
 * The `_csrf` field of an `application/x-www-form-urlencoded` body, for the rare request that has no
 * browser signal and no token header. Reads at most `maxBytes`; the adapter keeps the body readable
 * for the application afterwards.
 */

import { LimitExceededError } from '../errors.js';
import { CSRF_FIELD } from './csrf.js';

async function* chunksOf(source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  if (Symbol.asyncIterator in source) {
    yield* source;
    return;
  }
  const reader = source.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) yield next.value;
  } finally {
    reader.releaseLock();
  }
}

export async function readFormToken(source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>, maxBytes: number): Promise<string | undefined> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunksOf(source)) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new LimitExceededError(`form body over ${maxBytes} bytes`, 'maxBytes');
    parts.push(chunk);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.byteLength;
  }
  return new URLSearchParams(new TextDecoder().decode(body)).get(CSRF_FIELD) ?? undefined;
}
