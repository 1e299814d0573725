/**
 * The breach check against a loopback server that speaks the Pwned Passwords range format, serving
 * the documented sample responses from ../shared/corpora/passwords/hibp-range-samples.json.
 */

import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { createBreachChecker, parseRangeResponse, type BreachCheckerOptions } from '../../src/core/passwords/index.js';
import { listen } from '../harness/net.js';

interface Samples {
  samples: { prefix: string; response_excerpt: string[]; password?: string; suffix?: string; expected_count_in_excerpt?: number }[];
  other_hashes_from_same_post: { password: string; sha1: string; count_at_time: number }[];
}
const SAMPLES = JSON.parse(readFileSync(new URL('../../../shared/corpora/passwords/hibp-range-samples.json', import.meta.url), 'utf8')) as Samples;

const sha1 = (text: string): string => createHash('sha1').update(text, 'utf8').digest('hex').toUpperCase();

/** prefix -> lines, from the corpus: the two excerpts for 21BD1 and the other hashes of the same post. */
const RANGES = new Map<string, string[]>();
for (const sample of SAMPLES.samples) RANGES.set(sample.prefix, [...(RANGES.get(sample.prefix) ?? []), ...sample.response_excerpt]);
for (const other of SAMPLES.other_hashes_from_same_post) {
  const hex = other.sha1.toUpperCase();
  RANGES.set(hex.slice(0, 5), [...(RANGES.get(hex.slice(0, 5)) ?? []), `${hex.slice(5)}:${other.count_at_time}`]);
}

type Mode = 'ok' | 'hang' | 'html' | 'huge' | { status: number; times: number };
let mode: Mode = 'ok';
let requests: { url: string; headers: IncomingMessage['headers'] }[] = [];
/** Suffixes the server adds as padding (count 0) to every response, as the real one may by chance. */
let paddingSuffixes: string[] = [];

function padding(count: number): string[] {
  return Array.from({ length: count }, () => `${randomBytes(18).toString('hex').slice(0, 35).toUpperCase()}:0`);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  requests.push({ url: req.url ?? '', headers: req.headers });
  const match = /^\/range\/([0-9A-Fa-f]{5})$/.exec(req.url ?? '');
  if (typeof mode === 'object' && mode.times > 0) {
    mode.times--;
    res.writeHead(mode.status).end('busy');
    return;
  }
  if (mode === 'hang') return; // never answers
  if (mode === 'html') {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Cloudflare says hello</body></html>');
    return;
  }
  if (mode === 'huge') {
    const line = `${'A'.repeat(35)}:1\r\n`;
    res.writeHead(200).end(line.repeat(40_000)); // 1.6 MB
    return;
  }
  if (!match) {
    res.writeHead(404).end();
    return;
  }
  const lines = [...(RANGES.get(match[1]!.toUpperCase()) ?? [])];
  if (req.headers['add-padding'] === 'true') lines.push(...padding(800 - Math.min(lines.length, 800)), ...paddingSuffixes.map((s) => `${s}:0`));
  res.writeHead(200, { 'content-type': 'text/plain' }).end(lines.join('\r\n'));
}

let server: Awaited<ReturnType<typeof listen>>;
let baseUrl: string;

beforeAll(async () => {
  server = await listen(createServer(handle));
  baseUrl = `http://127.0.0.1:${server.port}/range/`;
});
afterAll(async () => server?.close());
beforeEach(() => {
  mode = 'ok';
  requests = [];
  paddingSuffixes = [];
});

const checker = (options: BreachCheckerOptions = {}) => createBreachChecker({ baseUrl, backoff: { baseMs: 5, maxMs: 20 }, ...options });

describe('breach check (k-anonymity, range format on loopback)', () => {
  it('finds the corpus passwords with their counts, sending only the 5-character prefix and Add-Padding', async () => {
    const breaches = checker();
    const sample = SAMPLES.samples.find((s) => s.password)!;
    const result = await breaches.check(sample.password!);
    expect(result).toEqual({ breached: true, count: sample.expected_count_in_excerpt, source: 'network' });
    for (const other of SAMPLES.other_hashes_from_same_post) {
      expect(await breaches.check(other.password)).toMatchObject({ breached: true, count: other.count_at_time });
    }
    expect(requests.map((r) => r.url)).toEqual(['/range/21BD1']); // one lookup, then the cache
    expect(requests[0]!.headers['add-padding']).toBe('true');
    const full = sha1(sample.password!);
    expect(JSON.stringify(requests)).not.toContain(full.slice(5));
  });

  it('answers not breached for an absent suffix, and ignores padding entries (count 0) even for its own suffix', async () => {
    const password = `not-in-any-breach-${randomBytes(8).toString('hex')}`;
    paddingSuffixes = [sha1(password).slice(5)];
    const result = await checker().check(password);
    expect(result).toEqual({ breached: false, count: 0, source: 'network' });
    expect(requests).toHaveLength(1);
  });

  it('caches per prefix and coalesces concurrent lookups of one prefix', async () => {
    const breaches = checker();
    const results = await Promise.all(Array.from({ length: 20 }, () => breaches.check('P@ssw0rd')));
    expect(new Set(results.map((r) => r.count))).toEqual(new Set([52579]));
    expect(requests).toHaveLength(1);
    expect((await breaches.check('P@ssw0rd')).source).toBe('cache');
    const uncached = checker({ cache: false });
    await uncached.check('P@ssw0rd');
    await uncached.check('P@ssw0rd');
    expect(requests).toHaveLength(3);
  });

  it('times out a server that does not answer; fails open by default and closed on request', async () => {
    mode = 'hang';
    const open = await checker({ timeoutMs: 100, retries: 1 }).check('P@ssw0rd');
    expect(open).toEqual({ breached: false, count: 0, source: 'unavailable', failure: 'timeout' });
    expect(requests).toHaveLength(2); // the first try and one retry
    const closed = await checker({ timeoutMs: 100, retries: 0, onUnavailable: 'deny' }).check('anything at all');
    expect(closed).toEqual({ breached: true, count: 0, source: 'unavailable', failure: 'timeout' });
  });

  it('retries 429 and 5xx with backoff, but not other statuses or malformed bodies', async () => {
    mode = { status: 503, times: 2 };
    expect(await checker({ retries: 2 }).check('P@ssw0rd')).toMatchObject({ breached: true, source: 'network' });
    expect(requests).toHaveLength(3);

    requests = [];
    mode = { status: 429, times: 5 };
    expect(await checker({ retries: 2 }).check('P@ssw0rd')).toMatchObject({ source: 'unavailable', failure: 'http_error' });
    expect(requests).toHaveLength(3);

    requests = [];
    mode = { status: 403, times: 5 };
    expect(await checker({ retries: 3 }).check('P@ssw0rd')).toMatchObject({ source: 'unavailable', failure: 'http_error' });
    expect(requests).toHaveLength(1);

    requests = [];
    mode = 'html';
    expect(await checker({ retries: 3 }).check('P@ssw0rd')).toMatchObject({ source: 'unavailable', failure: 'malformed' });
    mode = 'huge';
    expect(await checker({ retries: 3 }).check('P@ssw0rd')).toMatchObject({ source: 'unavailable', failure: 'malformed' });
    expect(requests).toHaveLength(2);
  });

  it('reports a refused connection as a network error', async () => {
    const closed = await listen(createServer());
    await closed.close();
    const result = await createBreachChecker({ baseUrl: `http://127.0.0.1:${closed.port}/`, retries: 0 }).check('pw');
    expect(result).toMatchObject({ source: 'unavailable', failure: 'network_error', breached: false });
  });

  it('opens the circuit after repeated failures, then probes once and closes on success', async () => {
    const breaches = checker({ retries: 0, circuitBreaker: { failures: 2, openMs: 300 }, cache: false });
    mode = { status: 500, times: 2 };
    await breaches.check('P@ssw0rd');
    await breaches.check('P@ssw0rd');
    expect(requests).toHaveLength(2);
    expect(await breaches.check('P@ssw0rd')).toMatchObject({ source: 'unavailable', failure: 'circuit_open' });
    expect(requests).toHaveLength(2); // not sent
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await breaches.check('P@ssw0rd')).toMatchObject({ breached: true, source: 'network' });
    expect(await breaches.check('P@ssw0rd')).toMatchObject({ source: 'network' });
    expect(requests).toHaveLength(4);
  });

  it('checks its options at construction', () => {
    expect(() => createBreachChecker({ baseUrl: 'ftp://example.com/' })).toThrow(ConfigurationError);
    expect(() => createBreachChecker({ baseUrl: 'https://user:pw@example.com/range/' })).toThrow(/credentials/);
    expect(() => createBreachChecker({ timeoutMS: 100 } as never)).toThrow(/did you mean "timeoutMs"/);
    expect(() => createBreachChecker({ onUnavailable: 'open' as never })).toThrow(/onUnavailable/);
    expect(() => createBreachChecker({ circuitBreaker: { failures: 0 } })).toThrow(/failures/);
  });
});

describe('parseRangeResponse', () => {
  const suffix = fc.stringMatching(/^[0-9A-F]{35}$/);

  it('parses what it formats, leaving out padding, with LF or CRLF (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(suffix, fc.nat({ max: 1e9 })), fc.constantFrom('\n', '\r\n'), (entries, newline) => {
        const text = Object.entries(entries).map(([s, c]) => `${s}:${c}`).join(newline);
        const parsed = parseRangeResponse(text)!;
        expect(Object.fromEntries(parsed)).toEqual(Object.fromEntries(Object.entries(entries).filter(([, c]) => c > 0)));
      }),
    );
  });

  it('never throws, and refuses anything that is not the format (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const parsed = parseRangeResponse(text);
        if (parsed) for (const line of text.split(/\r?\n/)) expect(line.trim() === '' || /^[0-9A-Fa-f]{35}:\d+$/.test(line.trim())).toBe(true);
      }),
    );
    expect(parseRangeResponse('<html>')).toBeUndefined();
    expect(parseRangeResponse(`${'A'.repeat(34)}:1`)).toBeUndefined();
    expect(parseRangeResponse('')).toEqual(new Map());
  });
});
