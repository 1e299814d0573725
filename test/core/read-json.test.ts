import { request as httpRequest, createServer, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidInputError, LimitExceededError, TimeBudgetExceededError } from '../../src/core/errors.js';
import { scanJson } from '../../src/core/limits/json-scanner.js';
import { createJsonReader, readJson, type ReadJsonOptions } from '../../src/core/limits/read-json.js';
import { listen } from '../harness/net.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const encoder = new TextEncoder();

/** A request whose body is pulled in the given chunks; `pulled()` counts bytes handed out. */
function bodyRequest(chunks: Iterable<Uint8Array>, headers: Record<string, string> = JSON_TYPE): { body: ReadableStream<Uint8Array>; headers: Record<string, string>; pulled: () => number } {
  const iterator = chunks[Symbol.iterator]();
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = iterator.next();
        if (next.done) return controller.close();
        pulled += next.value.byteLength;
        controller.enqueue(next.value);
      },
    },
    { highWaterMark: 0 },
  );
  return { body, headers, pulled: () => pulled };
}

const textRequest = (text: string, headers?: Record<string, string>): ReturnType<typeof bodyRequest> => bodyRequest([encoder.encode(text)], headers);

async function outcome(text: string, options?: ReadJsonOptions): Promise<unknown> {
  try {
    return { value: await readJson(textRequest(text), options) };
  } catch (error) {
    return error;
  }
}

const nested = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);
const objectWithKeys = (count: number): string => `{${Array.from({ length: count }, (_, i) => `"k${i}":${i}`).join(',')}}`;

describe('readJson: values and sources', () => {
  it('parses a Web Request', async () => {
    const request = new Request('http://example.test/', { method: 'POST', body: '{"a":[1,"two",{"b":null}],"c":-1.5e3}', headers: JSON_TYPE });
    await expect(readJson(request)).resolves.toEqual({ a: [1, 'two', { b: null }], c: -1500 });
  });

  it('parses an async iterable with Node-style headers (the IncomingMessage shape)', async () => {
    const message = Object.assign(Readable.from([Buffer.from('{"ok":'), Buffer.from('true}')]), { headers: { 'content-type': 'application/json', 'content-length': '11' } });
    await expect(readJson(message)).resolves.toEqual({ ok: true });
  });

  it('accepts top-level scalars, whitespace and a UTF-8 byte order mark', async () => {
    await expect(readJson(textRequest(' \n\t"x"\r\n'))).resolves.toBe('x');
    await expect(readJson(textRequest('\uFEFF{"a":1}'))).resolves.toEqual({ a: 1 });
    await expect(readJson(textRequest('0'))).resolves.toBe(0);
  });

  it('decodes a multi-byte character split across chunks', async () => {
    const bytes = encoder.encode('"é€😀"');
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    await expect(readJson(bodyRequest(chunks))).resolves.toBe('é€😀');
  });

  it('refuses a missing, used or already parsed body', async () => {
    await expect(readJson(new Request('http://example.test/', { method: 'POST', headers: JSON_TYPE }))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(readJson({ body: { already: 'parsed' } as never, headers: JSON_TYPE })).rejects.toThrow(/not a stream/);
    await expect(readJson(textRequest(''))).rejects.toThrow(/empty/);
    await expect(readJson(null as never)).rejects.toBeInstanceOf(InvalidInputError);
    const used = new Request('http://example.test/', { method: 'POST', body: '{}', headers: JSON_TYPE });
    await used.text();
    await expect(readJson(used)).rejects.toThrow(/already read/);
    const locked = textRequest('{}');
    locked.body.getReader();
    await expect(readJson(locked)).rejects.toThrow(/already being read/);
  });
});

describe('readJson: content type', () => {
  it.each(['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON; Charset="UTF-8"', 'application/vnd.api+json', 'application/ld+json;charset=utf8'])(
    'accepts %s',
    async (type) => {
      await expect(readJson(textRequest('[]', { 'content-type': type }))).resolves.toEqual([]);
    },
  );

  it.each(['', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'text/json', 'application/+json', 'application/a b+json', 'application/jsonx'])(
    'refuses %j',
    async (type) => {
      await expect(readJson(textRequest('[]', { 'content-type': type }))).rejects.toThrow(/Content-Type/);
    },
  );

  it('refuses a missing Content-Type unless the check is off', async () => {
    await expect(readJson(textRequest('[]', {}))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(readJson(textRequest('[]', {}), { requireJsonContentType: false })).resolves.toEqual([]);
  });
});

describe('readJson: maxBytes and framing', () => {
  const maxBytes = 64;
  const bodyOf = (size: number): string => `"${'a'.repeat(size - 2)}"`;

  it.each([
    [maxBytes - 1, true],
    [maxBytes, true],
    [maxBytes + 1, false],
  ])('a %i-byte chunked body against a 64-byte limit', async (size, passes) => {
    const request = bodyRequest([encoder.encode(bodyOf(size))], { ...JSON_TYPE, 'transfer-encoding': 'chunked' });
    if (passes) await expect(readJson(request, { maxBytes })).resolves.toHaveLength(size - 2);
    else await expect(readJson(request, { maxBytes })).rejects.toMatchObject({ name: 'LimitExceededError', limit: 'maxBytes' });
  });

  it.each([
    [maxBytes - 1, true],
    [maxBytes, true],
    [maxBytes + 1, false],
  ])('a declared %i-byte body against a 64-byte limit is judged before reading', async (size, passes) => {
    const request = bodyRequest([encoder.encode(bodyOf(size))], { ...JSON_TYPE, 'content-length': String(size) });
    if (passes) await expect(readJson(request, { maxBytes })).resolves.toHaveLength(size - 2);
    else {
      await expect(readJson(request, { maxBytes })).rejects.toMatchObject({ limit: 'maxBytes' });
      expect(request.pulled()).toBe(0);
    }
  });

  it('defaults to 1 MiB', async () => {
    const fits = `"${'a'.repeat(1024 * 1024 - 2)}"`;
    await expect(readJson(textRequest(fits), { maxStringLength: 2_000_000 })).resolves.toHaveLength(1024 * 1024 - 2);
    await expect(readJson(textRequest(`${fits} `), { maxStringLength: 2_000_000 })).rejects.toMatchObject({ limit: 'maxBytes' });
  });

  it('stops reading a lazily generated 200 MB chunked body soon after the 1 MiB limit', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    function* endless(): Generator<Uint8Array> {
      for (let i = 0; i < 3200; i++) yield chunk;
    }
    const request = bodyRequest(endless(), { ...JSON_TYPE, 'transfer-encoding': 'chunked' });
    await expect(readJson(request)).rejects.toMatchObject({ limit: 'maxBytes' });
    console.log(`readJson: pulled ${request.pulled()} bytes of a 200 MB body against a 1 MiB limit`);
    expect(request.pulled()).toBeLessThanOrEqual(1024 * 1024 + chunk.byteLength);
  });

  it('rejects bodies that lie about their length', async () => {
    const short = bodyRequest([encoder.encode('[1,2]')], { ...JSON_TYPE, 'content-length': '10' });
    await expect(readJson(short)).rejects.toThrow(/ended after 5 of 10/);
    const long = bodyRequest([encoder.encode('[1,2]'), encoder.encode('     ')], { ...JSON_TYPE, 'content-length': '5' });
    await expect(readJson(long)).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('rejects smuggling shapes of framing headers', async () => {
    await expect(readJson(textRequest('[]', { ...JSON_TYPE, 'content-length': '2', 'transfer-encoding': 'chunked' }))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(readJson(textRequest('[]', { ...JSON_TYPE, 'content-length': '2, 3' }))).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('errors a stalled body with TimeBudgetExceededError', async () => {
    const stalled = { body: new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) }, { highWaterMark: 0 }), headers: JSON_TYPE };
    await expect(readJson(stalled, { idleTimeoutMs: 20 })).rejects.toBeInstanceOf(TimeBudgetExceededError);
  });

  it('answers a real 200 MB chunked upload over loopback with the limit error and stops the client', async () => {
    let failure: unknown;
    const server = createServer((req: IncomingMessage, res) => {
      readJson(req).then(
        () => res.end('read'),
        (error: unknown) => {
          failure = error;
          res.statusCode = 413;
          res.setHeader('connection', 'close');
          res.end();
        },
      );
    });
    const { port, close } = await listen(server);
    try {
      let sent = 0;
      const status = await new Promise<number | undefined>((resolve) => {
        const req = httpRequest({ port, method: 'POST', headers: JSON_TYPE });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const write = (): void => {
          while (sent < 200 * 1024 * 1024) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', write);
          }
          req.end();
        };
        req.on('response', (res) => {
          resolve(res.statusCode);
          req.destroy();
        });
        req.on('error', () => resolve(undefined));
        write();
      });
      console.log(`readJson over HTTP: client wrote ${sent} bytes of 200 MB before the server answered ${status}`);
      expect(failure).toMatchObject({ limit: 'maxBytes' });
      expect(sent).toBeLessThan(32 * 1024 * 1024);
    } finally {
      await close();
    }
  });
});

describe('readJson: structure limits', () => {
  it.each([
    [31, true],
    [32, true],
    [33, false],
  ])('nesting %i levels against the default 32', async (levels, passes) => {
    for (const text of [nested(levels), '{"a":'.repeat(levels) + '1' + '}'.repeat(levels)]) {
      if (passes) await expect(readJson(textRequest(text))).resolves.toBeDefined();
      else await expect(readJson(textRequest(text))).rejects.toMatchObject({ limit: 'maxDepth' });
    }
  });

  it('fails fast with a limit error, not a RangeError, on 1 MB of [[[[ and {"a":{"a":...', async () => {
    await expect(readJson(textRequest('['.repeat(1024 * 1024 - 1)))).rejects.toMatchObject({ name: 'LimitExceededError', limit: 'maxDepth' });
    await expect(readJson(textRequest('{"a":'.repeat(200_000)))).rejects.toMatchObject({ name: 'LimitExceededError', limit: 'maxDepth' });
  });

  it('reads very deep nesting without recursion when the limit is raised', async () => {
    const levels = 500_000;
    let value = await readJson(textRequest(nested(levels)), { maxBytes: 2 * levels, maxDepth: levels });
    let depth = 0;
    while (Array.isArray(value)) {
      depth++;
      value = value[0];
    }
    expect(depth).toBe(levels);
  });

  it.each([
    [999, true],
    [1000, true],
    [1001, false],
  ])('%i object keys against the default 1000', async (count, passes) => {
    const text = objectWithKeys(count);
    if (passes) await expect(readJson(textRequest(text))).resolves.toHaveProperty(`k${count - 1}`, count - 1);
    else await expect(readJson(textRequest(text))).rejects.toMatchObject({ limit: 'maxKeys' });
  });

  it('counts keys across the whole document', async () => {
    const text = `[${Array.from({ length: 4 }, () => '{"a":1,"b":2}').join(',')}]`;
    await expect(readJson(textRequest(text), { maxKeys: 8 })).resolves.toHaveLength(4);
    await expect(readJson(textRequest(text), { maxKeys: 7 })).rejects.toMatchObject({ limit: 'maxKeys' });
  });

  it.each([
    [99_999, true],
    [100_000, true],
    [100_001, false],
  ])('a %i-character string against the default 100 000', async (length, passes) => {
    for (const text of [`"${'x'.repeat(length)}"`, `{"${'k'.repeat(length)}":1}`]) {
      if (passes) await expect(readJson(textRequest(text))).resolves.toBeDefined();
      else await expect(readJson(textRequest(text))).rejects.toMatchObject({ limit: 'maxStringLength' });
    }
  });

  it('counts string length after unescaping', async () => {
    await expect(readJson(textRequest('"\\u0041\\n\\"😀"'), { maxStringLength: 5 })).resolves.toBe('A\n"😀');
    await expect(readJson(textRequest('"\\u0041\\n\\"😀"'), { maxStringLength: 4 })).rejects.toMatchObject({ limit: 'maxStringLength' });
  });

  it('refuses a huge string fast', async () => {
    await expect(readJson(textRequest(`["${'x'.repeat(1_000_000)}"]`))).rejects.toMatchObject({ limit: 'maxStringLength' });
  });

  it.each([
    [9_999, true],
    [10_000, true],
    [10_001, false],
  ])('an array of %i elements against the default 10 000', async (length, passes) => {
    const text = `[${Array(length).fill('0').join(',')}]`;
    if (passes) await expect(readJson(textRequest(text))).resolves.toHaveLength(length);
    else await expect(readJson(textRequest(text))).rejects.toMatchObject({ limit: 'maxArrayLength' });
  });
});

describe('readJson: malformed input', () => {
  it.each(['{', '[1,]', '{"a":1,}', '{"a"}', '{a:1}', "'x'", '01', '1.', '.5', '-', '1e', '+1', 'tru', 'nul', 'NaN', '[1 2]', '"\\x"', '"\\u12G4"', '"a\nb"', '"abc', '1 2', '{"a":1}}', '[]]', '\u00a0[]'])(
    'refuses %j with InvalidInputError',
    async (text) => {
      await expect(readJson(textRequest(text))).rejects.toBeInstanceOf(InvalidInputError);
    },
  );

  it.each([
    [0x22, 0xff, 0x22],
    [0x22, 0xc0, 0xaf, 0x22],
    [0x22, 0xed, 0xa0, 0x80, 0x22],
    [0x22, 0xe2, 0x82],
  ])('refuses invalid UTF-8 %j', async (...bytes) => {
    await expect(readJson(bodyRequest([Uint8Array.from(bytes)]))).rejects.toThrow(/UTF-8/);
  });

  it('never echoes body content in its messages', async () => {
    const secret = 'SENTINEL-7f3a';
    for (const text of [`{"${secret}"`, `["${secret}",]`, `{"${secret}":1,"${secret}":2}`, `"${secret}`, `[${secret}]`]) {
      const error = await outcome(text, { maxStringLength: 5 });
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).not.toContain(secret);
    }
  });
});

describe('readJson: duplicate and prototype keys', () => {
  it('rejects duplicate keys by default, escaped or not, and lets the last win on request', async () => {
    await expect(readJson(textRequest('{"a":1,"a":2}'))).rejects.toThrow(/duplicate/);
    await expect(readJson(textRequest('{"a":1,"\\u0061":2}'))).rejects.toThrow(/duplicate/);
    await expect(readJson(textRequest('{"a":{"a":1},"b":{"a":2}}'))).resolves.toEqual({ a: { a: 1 }, b: { a: 2 } });
    await expect(readJson(textRequest('{"a":1,"a":2}'), { duplicateKeys: 'lastWins' })).resolves.toEqual({ a: 2 });
  });

  it('rejects __proto__ and constructor.prototype keys by default', async () => {
    for (const text of ['{"__proto__":{"polluted":1}}', '{"x":[{"__pro\\u0074o__":1}]}', '{"constructor":{"prototype":{"polluted":1}}}']) {
      await expect(readJson(textRequest(text))).rejects.toThrow(/prototype pollution/);
    }
    await expect(readJson(textRequest('{"constructor":1,"prototype":2,"a":{"constructor":[{"prototype":3}]}}'))).resolves.toEqual({
      constructor: 1,
      prototype: 2,
      a: { constructor: [{ prototype: 3 }] },
    });
  });

  it("removes them with prototypeKeys: 'remove'", async () => {
    const value = (await readJson(textRequest('{"a":[{"__proto__":{"x":1},"b":1}],"constructor":{"prototype":{},"c":2}}'), { prototypeKeys: 'remove' })) as Record<string, unknown>;
    expect(JSON.stringify(value)).toBe('{"a":[{"b":1}],"constructor":{"c":2}}');
  });

  it("keeps them as own data properties with prototypeKeys: 'allow', without polluting prototypes", async () => {
    const value = (await readJson(textRequest('{"__proto__":{"polluted":1}}'), { prototypeKeys: 'allow' })) as Record<string, unknown>;
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('readJson: options', () => {
  it('refuses bad options with ConfigurationError, once, at creation', () => {
    for (const options of [{ maxDepth: 0 }, { maxKeys: -1 }, { maxBytes: 1.5 }, { maxArrayLength: '10' }, { duplicateKeys: 'first' }, { idleTimeoutMs: 0 }, { timeoutMs: true }]) {
      expect(() => createJsonReader(options as ReadJsonOptions), JSON.stringify(options)).toThrow(ConfigurationError);
    }
    expect(() => createJsonReader({ maxdepth: 3 } as ReadJsonOptions)).toThrow(/did you mean "maxDepth"/);
  });

  it('rejects (does not throw synchronously) from readJson with bad options', async () => {
    await expect(readJson(textRequest('[]'), { maxDepth: 0 })).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe('readJson: properties', () => {
  const generous = { maxBytes: 1e7, maxDepth: 1000, maxKeys: 1e6, maxStringLength: 1e6, maxArrayLength: 1e6, prototypeKeys: 'allow', duplicateKeys: 'lastWins' } as const;

  /** Splits bytes at arbitrary points so decoding and scanning see every chunk boundary. */
  const chunked = (bytes: Uint8Array, cuts: number[]): Uint8Array[] => {
    const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    const chunks: Uint8Array[] = [];
    let start = 0;
    for (const point of [...points, bytes.length]) {
      chunks.push(bytes.subarray(start, point));
      start = point;
    }
    return chunks;
  };

  it('equals JSON.parse for any JSON value within the limits, however it is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 5 }), async (value, pretty, cuts) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        // Default duplicateKeys ('reject'): the key count after parsing must match the text's exactly.
        const result = await readJson(bodyRequest(chunked(encoder.encode(text), cuts)), { ...generous, duplicateKeys: 'reject' });
        expect(result).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  /** Depth, total keys, longest string or key, longest array: the reference the limits are checked against. */
  function measure(value: unknown): { maxDepth: number; maxKeys: number; maxStringLength: number; maxArrayLength: number } {
    const m = { maxDepth: 0, maxKeys: 0, maxStringLength: 0, maxArrayLength: 0 };
    const walk = (v: unknown, level: number): void => {
      if (typeof v === 'string') m.maxStringLength = Math.max(m.maxStringLength, v.length);
      if (v === null || typeof v !== 'object') return;
      m.maxDepth = Math.max(m.maxDepth, level);
      if (Array.isArray(v)) {
        m.maxArrayLength = Math.max(m.maxArrayLength, v.length);
        v.forEach((item) => walk(item, level + 1));
      } else {
        for (const [key, item] of Object.entries(v)) {
          m.maxKeys++;
          m.maxStringLength = Math.max(m.maxStringLength, key.length);
          walk(item, level + 1);
        }
      }
    };
    walk(value, 1);
    return m;
  }

  it('returns JSON.parse within every limit, and otherwise throws the limit that was passed', async () => {
    const limit = fc.integer({ min: 1, max: 6 });
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue({ maxDepth: 5 }),
        fc.record({ maxDepth: limit, maxKeys: limit, maxStringLength: limit, maxArrayLength: limit }),
        async (value, limits) => {
          const text = JSON.stringify(value);
          const parsed: unknown = JSON.parse(text);
          const actual = measure(parsed);
          const passed = (Object.keys(limits) as (keyof typeof limits)[]).filter((name) => actual[name] > limits[name]);
          const result = await outcome(text, { ...limits, prototypeKeys: 'allow' });
          if (passed.length === 0) expect(result).toStrictEqual({ value: parsed });
          else {
            expect(result).toBeInstanceOf(LimitExceededError);
            expect(passed).toContain((result as LimitExceededError).limit);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  const documented = (error: unknown): boolean => error instanceof InvalidInputError || error instanceof LimitExceededError;

  it('never throws anything but the documented errors for arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        try {
          await readJson(bodyRequest([bytes]), { maxDepth: 4, maxStringLength: 20 });
        } catch (error) {
          expect(documented(error), String(error)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('accepts exactly the texts JSON.parse accepts, with the same result (JSON-shaped noise)', async () => {
    const token = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', 'u', '0', '1', '-', '.', 'e', 'E', '+', 'true', 'null', 'f', ' ', '\n', '\t', 'a', '"k"', '\u2028', '\x01', '😀');
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 30 }), async (tokens) => {
        const text = tokens.join('');
        let expected: unknown;
        try {
          expected = { value: JSON.parse(text) as unknown };
        } catch {
          expected = undefined;
        }
        const result = await outcome(text, generous);
        if (expected === undefined) expect(result).toBeInstanceOf(InvalidInputError);
        else expect(result).toStrictEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('scanJson accepts exactly the texts JSON.parse accepts, but for raw control characters in strings', () => {
    const scan = { maxDepth: 1000, maxKeys: 1e6, maxStringLength: 1e6, maxArrayLength: 1e6, prototypeKeys: 'allow' } as const;
    const accepts = (run: () => unknown): boolean => {
      try {
        run();
        return true;
      } catch {
        return false;
      }
    };
    const token = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', 'u', '0', '7', '-', '.', 'e', '+', 'true', 'false', 'null', ' ', '\r', 'a', 'F', '"k"', '\x00', '\x1f', '\x7f', '\u00a0', '\ud800');
    fc.assert(
      fc.property(fc.oneof(fc.array(token, { maxLength: 30 }).map((t) => t.join('')), fc.string(), fc.jsonValue().map((v) => JSON.stringify(v))), (text) => {
        const parses = accepts(() => JSON.parse(text));
        // The one documented gap: raw control characters inside strings are left to JSON.parse.
        if (parses || ![...text].some((c) => c < ' ')) expect(accepts(() => scanJson(text, scan)), JSON.stringify(text)).toBe(parses);
      }),
      { numRuns: 5000 },
    );
  });
});
