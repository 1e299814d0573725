/**
 * A whole small body as bytes, for guards that must look inside one (the CSRF form field, the
 * injection guard's body scan). Stops at `maxBytes` with a `LimitExceededError`, and at a pause
 * longer than `idleTimeoutMs` with a `TimeBudgetExceededError`, so a guard never waits on a
 * stalled client for ever.
 */

import { LimitExceededError, TimeBudgetExceededError } from '../errors.js';

export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

async function* chunksOf(source: ByteSource): AsyncIterable<Uint8Array> {
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

async function nextWithin<T>(iterator: AsyncIterator<T>, idleTimeoutMs: number): Promise<IteratorResult<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeBudgetExceededError(`no body bytes for ${idleTimeoutMs} ms`)), idleTimeoutMs);
  });
  try {
    return await Promise.race([iterator.next(), stalled]);
  } finally {
    clearTimeout(timer);
  }
}

export async function readBytes(source: ByteSource, maxBytes: number, idleTimeoutMs: number): Promise<Uint8Array> {
  const iterator = chunksOf(source)[Symbol.asyncIterator]();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (let next = await nextWithin(iterator, idleTimeoutMs); !next.done; next = await nextWithin(iterator, idleTimeoutMs)) {
      size += next.value.byteLength;
      if (size > maxBytes) throw new LimitExceededError(`body over ${maxBytes} bytes`, 'maxBytes');
      parts.push(next.value);
    }
  } catch (error) {
    void iterator.return?.().catch(() => {});
    throw error;
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.byteLength;
  }
  return body;
}
