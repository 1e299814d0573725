import { PassThrough, Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidInputError, LimitExceededError, TimeBudgetExceededError } from '../../src/core/errors.js';
import { checkDeclaredLength, limitBody, limitBodyIterable } from '../../src/core/limits/body-limit.js';

/** A pull-based source that records how many bytes were pulled from it and whether it was cancelled. */
function source(chunks: Iterable<Uint8Array>): { stream: ReadableStream<Uint8Array>; pulled: () => number; cancelled: () => unknown } {
  const iterator = chunks[Symbol.iterator]();
  let pulled = 0;
  let cancelReason: unknown;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = iterator.next();
        if (next.done) return controller.close();
        pulled += next.value.byteLength;
        controller.enqueue(next.value);
      },
      cancel(reason) {
        cancelReason = reason ?? 'cancelled';
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled, cancelled: () => cancelReason };
}

function* sized(sizes: readonly number[]): Generator<Uint8Array> {
  for (const size of sizes) yield new Uint8Array(size).fill(0x61);
}

/** Lazily yields `total` bytes in `chunkSize` pieces, never holding more than one piece. */
function* lazyBytes(total: number, chunkSize: number): Generator<Uint8Array> {
  for (let sent = 0; sent < total; sent += chunkSize) yield new Uint8Array(Math.min(chunkSize, total - sent));
}

async function drain(stream: ReadableStream<Uint8Array>, onChunk?: (chunk: Uint8Array) => void): Promise<number> {
  const reader = stream.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    onChunk?.(value);
    bytes += value.byteLength;
  }
}

async function drainIterable(iterable: AsyncIterable<Uint8Array>): Promise<number> {
  let bytes = 0;
  for await (const chunk of iterable) bytes += chunk.byteLength;
  return bytes;
}

const never = (): ReadableStream<Uint8Array> => new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) }, { highWaterMark: 0 });

describe('checkDeclaredLength', () => {
  it('reads a plain Content-Length from Headers and Node-style objects', () => {
    expect(checkDeclaredLength(new Headers({ 'content-length': '42' }))).toEqual({ ok: true, length: 42, chunked: false });
    expect(checkDeclaredLength({ 'content-length': '0' })).toEqual({ ok: true, length: 0, chunked: false });
  });

  it('reports an undeclared length when neither header is present', () => {
    expect(checkDeclaredLength(new Headers())).toEqual({ ok: true, length: undefined, chunked: false });
    expect(checkDeclaredLength({})).toEqual({ ok: true, length: undefined, chunked: false });
    expect(checkDeclaredLength(undefined)).toEqual({ ok: true, length: undefined, chunked: false });
  });

  it('treats Transfer-Encoding ending in chunked as a counted stream', () => {
    expect(checkDeclaredLength({ 'transfer-encoding': 'chunked' })).toEqual({ ok: true, length: undefined, chunked: true });
    expect(checkDeclaredLength({ 'transfer-encoding': 'gzip, Chunked' })).toEqual({ ok: true, length: undefined, chunked: true });
  });

  it('refuses both framing headers (request smuggling)', () => {
    const result = checkDeclaredLength(new Headers({ 'transfer-encoding': 'chunked', 'content-length': '5' }));
    expect(result).toMatchObject({ ok: false, reason: 'conflicting_framing' });
  });

  it('refuses a Transfer-Encoding whose last coding is not chunked', () => {
    for (const value of ['gzip', 'chunked, gzip', '', 'chunkedx', 'identity']) {
      expect(checkDeclaredLength({ 'transfer-encoding': value })).toMatchObject({ ok: false, reason: 'invalid_transfer_encoding' });
    }
  });

  it('accepts a repeated identical Content-Length and refuses differing ones', () => {
    const same = new Headers();
    same.append('content-length', '5');
    same.append('content-length', '5');
    expect(checkDeclaredLength(same)).toEqual({ ok: true, length: 5, chunked: false });
    expect(checkDeclaredLength({ 'content-length': ['7', '7'] })).toEqual({ ok: true, length: 7, chunked: false });
    const differing = new Headers();
    differing.append('content-length', '5');
    differing.append('content-length', '6');
    expect(checkDeclaredLength(differing)).toMatchObject({ ok: false, reason: 'invalid_content_length' });
  });

  it('refuses Content-Length values that are not plain digits', () => {
    for (const value of ['', ' ', '-1', '+5', '1.0', '0x10', '5 5', '1e3', '5,', ',5', 'Infinity', '٣']) {
      expect(checkDeclaredLength({ 'content-length': value }), value).toMatchObject({ ok: false, reason: 'invalid_content_length' });
    }
  });

  it('property: ok exactly when every comma-separated part is the same digit string value', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('0', '1', '9', ',', ' ', '-', 'a', '\t') }), (value) => {
        const result = checkDeclaredLength({ 'content-length': value });
        const parts = value.split(',').map((p) => p.trim());
        const valid = parts.every((p) => /^[0-9]+$/.test(p)) && new Set(parts.map(Number)).size === 1;
        expect(result.ok).toBe(valid);
        if (result.ok) expect(result.length).toBe(Number(parts[0]));
      }),
    );
  });
});

describe('limitBody (ReadableStream)', () => {
  const maxBytes = 100;

  it.each([
    [maxBytes - 1, true],
    [maxBytes, true],
    [maxBytes + 1, false],
  ])('a %i-byte body against a %s-byte limit', async (size, passes) => {
    const { stream, cancelled } = source(sized([size - 10, 10]));
    const read = drain(limitBody(stream, { maxBytes }));
    if (passes) {
      await expect(read).resolves.toBe(size);
      expect(cancelled()).toBeUndefined();
    } else {
      await expect(read).rejects.toMatchObject({ name: 'LimitExceededError', limit: 'maxBytes' });
      expect(cancelled()).toBeInstanceOf(LimitExceededError);
    }
  });

  it('stops pulling a lazily generated 200 MB body soon after a 1 MB limit', async () => {
    const chunk = 64 * 1024;
    const { stream, pulled, cancelled } = source(lazyBytes(200 * 1024 * 1024, chunk));
    await expect(drain(limitBody(stream, { maxBytes: 1024 * 1024 }))).rejects.toBeInstanceOf(LimitExceededError);
    console.log(`limitBody: pulled ${pulled()} bytes of a 200 MB body against a 1 MiB limit`);
    expect(pulled()).toBeLessThanOrEqual(1024 * 1024 + chunk);
    expect(cancelled()).toBeInstanceOf(LimitExceededError);
  });

  it('refuses a declared length over the limit without reading', async () => {
    const { stream, pulled, cancelled } = source(sized([10]));
    await expect(drain(limitBody(stream, { maxBytes: 5, expectedLength: 10 }))).rejects.toMatchObject({ limit: 'maxBytes' });
    expect(pulled()).toBe(0);
    expect(cancelled()).toBeInstanceOf(LimitExceededError);
  });

  it('rejects bodies that end short of or run past the declared length', async () => {
    const short = source(sized([3, 3]));
    await expect(drain(limitBody(short.stream, { maxBytes, expectedLength: 7 }))).rejects.toBeInstanceOf(InvalidInputError);
    const long = source(sized([4, 4]));
    await expect(drain(limitBody(long.stream, { maxBytes, expectedLength: 7 }))).rejects.toBeInstanceOf(InvalidInputError);
    expect(long.cancelled()).toBeInstanceOf(InvalidInputError);
    const exact = source(sized([4, 3]));
    await expect(drain(limitBody(exact.stream, { maxBytes, expectedLength: 7 }))).resolves.toBe(7);
  });

  it('errors on chunks that are not bytes', async () => {
    const stream = new ReadableStream({ start: (c) => c.enqueue('text' as unknown as Uint8Array) });
    await expect(drain(limitBody(stream as ReadableStream<Uint8Array>, { maxBytes }))).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('passes the source stream’s own error through', async () => {
    const failure = new Error('connection reset');
    const stream = new ReadableStream<Uint8Array>({ pull: (c) => c.error(failure) });
    await expect(drain(limitBody(stream, { maxBytes }))).rejects.toBe(failure);
  });

  it('cancels the source when the consumer cancels', async () => {
    const { stream, cancelled } = source(sized([1, 1, 1]));
    await limitBody(stream, { maxBytes }).cancel('done');
    expect(cancelled()).toBe('done');
  });

  it('errors a stalled body after idleTimeoutMs and cancels it', async () => {
    let cancelReason: unknown;
    const stalled = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}), cancel: (reason) => void (cancelReason = reason) }, { highWaterMark: 0 });
    await expect(drain(limitBody(stalled, { maxBytes, idleTimeoutMs: 20 }))).rejects.toBeInstanceOf(TimeBudgetExceededError);
    expect(cancelReason).toBeInstanceOf(TimeBudgetExceededError);
    await expect(drain(limitBody(never(), { maxBytes, timeoutMs: 20 }))).rejects.toThrow(/within 20 ms/);
  });

  it('does not count the consumer’s own pauses as idle time', async () => {
    const { stream } = source(sized([3, 3, 3]));
    const reader = limitBody(stream, { maxBytes, idleTimeoutMs: 20 }).getReader();
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(bytes).toBe(9);
  });

  it('errors a body that keeps trickling past timeoutMs', async () => {
    let cancelled = false;
    const trickle = new ReadableStream<Uint8Array>(
      {
        pull: (c) =>
          new Promise<void>((resolve) =>
            setTimeout(() => {
              if (!cancelled) c.enqueue(new Uint8Array(1));
              resolve();
            }, 5),
          ),
        cancel: () => void (cancelled = true),
      },
      { highWaterMark: 0 },
    );
    await expect(drain(limitBody(trickle, { maxBytes: 1_000_000, idleTimeoutMs: 1_000, timeoutMs: 60 }))).rejects.toThrow(/within 60 ms/);
    expect(cancelled).toBe(true);
  });

  it('refuses bad options with ConfigurationError', () => {
    const stream = (): ReadableStream<Uint8Array> => source([]).stream;
    expect(() => limitBody(stream(), { maxBytes: -1 })).toThrow(ConfigurationError);
    expect(() => limitBody(stream(), { maxBytes: 1.5 })).toThrow(ConfigurationError);
    expect(() => limitBody(stream(), {} as { maxBytes: number })).toThrow(/maxBytes: required/);
    expect(() => limitBody(stream(), { maxBytes: 1, idleTimeoutMs: 0 })).toThrow(ConfigurationError);
    expect(() => limitBody(stream(), { maxbytes: 1 } as unknown as { maxBytes: number })).toThrow(/did you mean "maxBytes"/);
  });

  it('property: delivers every byte within the limit, never more than the limit, and errors only past it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(300), { maxLength: 12 }), fc.nat(1200), async (sizes, max) => {
        const total = sizes.reduce((a, b) => a + b, 0);
        const { stream, pulled } = source(sized(sizes));
        let delivered = 0;
        let error: unknown;
        try {
          await drain(limitBody(stream, { maxBytes: max }), (chunk) => (delivered += chunk.byteLength));
        } catch (caught) {
          error = caught;
        }
        expect(delivered).toBeLessThanOrEqual(max);
        if (total <= max) expect([delivered, error]).toEqual([total, undefined]);
        else {
          expect(error).toBeInstanceOf(LimitExceededError);
          expect(pulled() - Math.max(...sizes)).toBeLessThanOrEqual(max);
        }
      }),
    );
  });
});

describe('limitBodyIterable', () => {
  async function* generate(chunks: Iterable<Uint8Array>, state: { pulled: number; returned: boolean }): AsyncGenerator<Uint8Array> {
    try {
      for (const chunk of chunks) {
        state.pulled += chunk.byteLength;
        yield chunk;
      }
    } finally {
      state.returned = true;
    }
  }

  it.each([
    [99, true],
    [100, true],
    [101, false],
  ])('a %i-byte body against a 100-byte limit', async (size, passes) => {
    const state = { pulled: 0, returned: false };
    const read = drainIterable(limitBodyIterable(generate(sized([size - 1, 1]), state), { maxBytes: 100 }));
    if (passes) await expect(read).resolves.toBe(size);
    else await expect(read).rejects.toMatchObject({ name: 'LimitExceededError', limit: 'maxBytes' });
    expect(state.returned).toBe(true);
  });

  it('stops iterating a lazily generated 200 MB body soon after a 1 MB limit', async () => {
    const state = { pulled: 0, returned: false };
    await expect(drainIterable(limitBodyIterable(generate(lazyBytes(200 * 1024 * 1024, 64 * 1024), state), { maxBytes: 1024 * 1024 }))).rejects.toBeInstanceOf(
      LimitExceededError,
    );
    console.log(`limitBodyIterable: pulled ${state.pulled} bytes of a 200 MB body against a 1 MiB limit`);
    expect(state.pulled).toBeLessThanOrEqual(1024 * 1024 + 64 * 1024);
    expect(state.returned).toBe(true);
  });

  it('destroys a Node stream that passes the limit', async () => {
    const readable = Readable.from(lazyBytes(10 * 1024 * 1024, 16 * 1024), { objectMode: false });
    await expect(drainIterable(limitBodyIterable(readable, { maxBytes: 64 * 1024 }))).rejects.toBeInstanceOf(LimitExceededError);
    expect(readable.destroyed).toBe(true);
  });

  it('checks the declared length both ways', async () => {
    const state = { pulled: 0, returned: false };
    await expect(drainIterable(limitBodyIterable(generate(sized([5]), state), { maxBytes: 100, expectedLength: 6 }))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(drainIterable(limitBodyIterable(generate(sized([7]), state), { maxBytes: 100, expectedLength: 6 }))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(drainIterable(limitBodyIterable(generate(sized([6]), state), { maxBytes: 100, expectedLength: 6, idleTimeoutMs: 1000 }))).resolves.toBe(6);
    await expect(drainIterable(limitBodyIterable(generate(sized([7]), state), { maxBytes: 100, expectedLength: 6, idleTimeoutMs: 1000 }))).rejects.toBeInstanceOf(
      InvalidInputError,
    );
  });

  it('refuses a declared length over the limit before iterating', async () => {
    const state = { pulled: 0, returned: false };
    await expect(drainIterable(limitBodyIterable(generate(sized([10]), state), { maxBytes: 5, expectedLength: 10 }))).rejects.toMatchObject({ limit: 'maxBytes' });
    expect(state.pulled).toBe(0);
  });

  it('destroys a stalled Node stream after idleTimeoutMs', async () => {
    const stalled = new PassThrough();
    stalled.write(new Uint8Array(3));
    await expect(drainIterable(limitBodyIterable(stalled, { maxBytes: 100, idleTimeoutMs: 20 }))).rejects.toBeInstanceOf(TimeBudgetExceededError);
    expect(stalled.destroyed).toBe(true);
  });

  it('errors a stalled plain async iterable after idleTimeoutMs', async () => {
    async function* stalled(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(2);
      await new Promise(() => {});
    }
    await expect(drainIterable(limitBodyIterable(stalled(), { maxBytes: 100, idleTimeoutMs: 20 }))).rejects.toBeInstanceOf(TimeBudgetExceededError);
    await expect(drainIterable(limitBodyIterable(stalled(), { maxBytes: 100, timeoutMs: 20 }))).rejects.toThrow(/within 20 ms/);
  });

  it('stops the source when the consumer stops early', async () => {
    const state = { pulled: 0, returned: false };
    for await (const _ of limitBodyIterable(generate(sized([1, 1, 1]), state), { maxBytes: 100, timeoutMs: 1000 })) break;
    expect(state.returned).toBe(true);
    expect(state.pulled).toBe(1);
  });
});
