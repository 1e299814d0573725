/**
 * Body limits, in one process (mitata):
 * - a 1 MiB POST over loopback HTTP to a node:http server that reads the request with or without
 *   `limitBodyIterable`: an upload, as the target says (< 5% cost, ratio >= 0.95). Client
 *   and server share this process, so the client's work dilutes the ratio a little.
 * - a 1 MiB upload as 16 chunks of 64 KiB read through `limitBody` / `limitBodyIterable` vs the same
 *   source read without a limit, with no network at all. "Reading" is what the usual consumer of each
 *   shape does: a Fetch handler's `new Response(stream).arrayBuffer()` for a ReadableStream,
 *   raw-body's collect + `Buffer.concat` for an async iterable (a Node request). Informational: with
 *   the socket gone, the wrapper's per-chunk cost is all that is left to see, and where the garbage
 *   collector lands in a 1 MiB allocation moves a sample several-fold.
 * - the same pairs with the cheapest possible reader (copy into one reused buffer: no allocation), which
 *   leaves little besides the wrapper's per-chunk cost: a pessimistic bound, informational, with that
 *   cost in µs per chunk; and the same with idle and total timeouts on.
 * - `readJson` vs `JSON.parse(await new Response(stream).text())` on a ~100 KB JSON document
 *   (informational: readJson also scans the text for its structure limits before JSON.parse).
 * Every case builds a fresh source per call, inside the timed region for all cases alike. Time is this
 * process's CPU time. Each pair is measured back to back, order alternating, over many rounds.
 */

import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import { measure } from 'mitata';
import { limitBody, limitBodyIterable } from '../src/core/limits/body-limit.js';
import { createJsonReader } from '../src/core/limits/read-json.js';
import { median, printResult, type BenchRatio, type BenchResult, type BenchRow } from './support/report.js';

interface Case {
  id: string;
  label: string;
  /** Resolves to a number check() can verify (bytes read, or records parsed). */
  work: () => Promise<number>;
}
type Pair = readonly [base: Case, candidate: Case];

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;
const upload = new Uint8Array(MiB).fill(0x61);
const uploadChunks = Array.from({ length: MiB / CHUNK }, (_, i) => upload.subarray(i * CHUNK, (i + 1) * CHUNK));
const copyTarget = new Uint8Array(MiB);

/** A pull-based stream over prepared chunks, like a request body arriving from a socket. */
function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index < chunks.length) controller.enqueue(chunks[index++]!);
      else controller.close();
    },
  });
}

async function* iterableOf(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

/** How a Fetch handler reads a body (`request.arrayBuffer()` is the same path). */
async function responseBytes(stream: ReadableStream<Uint8Array>): Promise<number> {
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** How raw-body (Express, Koa body parsers) reads a Node request. */
async function concatBytes(iterable: AsyncIterable<Uint8Array>): Promise<number> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of iterable) {
    parts.push(chunk);
    total += chunk.byteLength;
  }
  return Buffer.concat(parts, total).byteLength;
}

async function copyStream(stream: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stream.getReader();
  let offset = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return offset;
    copyTarget.set(value, offset);
    offset += value.byteLength;
  }
}

async function copyIterable(iterable: AsyncIterable<Uint8Array>): Promise<number> {
  let offset = 0;
  for await (const chunk of iterable) {
    copyTarget.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return offset;
}

const limits = { maxBytes: MiB, expectedLength: MiB };
const timed = { ...limits, idleTimeoutMs: 30_000, timeoutMs: 60_000 };
const stream = (): ReadableStream<Uint8Array> => streamOf(uploadChunks);
const iterable = (): AsyncIterable<Uint8Array> => iterableOf(uploadChunks);

const STREAM: Pair = [
  { id: 'stream.raw', label: '1 MiB ReadableStream, Response.arrayBuffer(), no limit', work: () => responseBytes(stream()) },
  { id: 'stream.limited', label: '1 MiB ReadableStream, Response.arrayBuffer(), limitBody', work: () => responseBytes(limitBody(stream(), limits)) },
];
const ITERABLE: Pair = [
  { id: 'iterable.raw', label: '1 MiB async iterable, Buffer.concat, no limit', work: () => concatBytes(iterable()) },
  { id: 'iterable.limited', label: '1 MiB async iterable, Buffer.concat, limitBodyIterable', work: () => concatBytes(limitBodyIterable(iterable(), limits)) },
];
const COPY_STREAM: Pair = [
  { id: 'copy.stream.raw', label: '1 MiB ReadableStream, copy to a reused buffer, no limit', work: () => copyStream(stream()) },
  { id: 'copy.stream.limited', label: '1 MiB ReadableStream, copy to a reused buffer, limitBody', work: () => copyStream(limitBody(stream(), limits)) },
];
const COPY_ITERABLE: Pair = [
  { id: 'copy.iterable.raw', label: '1 MiB async iterable, copy to a reused buffer, no limit', work: () => copyIterable(iterable()) },
  { id: 'copy.iterable.limited', label: '1 MiB async iterable, copy to a reused buffer, limitBodyIterable', work: () => copyIterable(limitBodyIterable(iterable(), limits)) },
];
const COPY_TIMED: Pair = [
  { id: 'copy.timed.raw', label: '1 MiB ReadableStream, copy to a reused buffer, no limit (timeout pair)', work: () => copyStream(stream()) },
  { id: 'copy.timed.limited', label: '1 MiB ReadableStream, copy, limitBody + idleTimeoutMs + timeoutMs', work: () => copyStream(limitBody(stream(), timed)) },
];

/** A loopback server that reads each upload with raw-body's method, through the limit when `limited`. */
async function uploadServer(): Promise<{ post: (limited: boolean) => Promise<number>; close: () => Promise<void> }> {
  const server: Server = createServer((req: IncomingMessage, res) => {
    const limited = req.url === '/limited';
    const body = limited ? limitBodyIterable(req, { maxBytes: MiB, expectedLength: Number(req.headers['content-length']) }) : req;
    concatBytes(body).then(
      (bytes) => res.end(String(bytes)),
      () => res.writeHead(413).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const post = (limited: boolean): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request({ port, agent, method: 'POST', path: limited ? '/limited' : '/raw', headers: { 'content-length': MiB } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(Number(text)));
      });
      req.on('error', reject);
      req.end(upload);
    });
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      agent.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { post, close };
}

/** A deterministic ~100 KB document within readJson's default limits (840 keys, depth 3). */
function document(): string {
  const records = Array.from({ length: 140 }, (_, i) => ({
    id: i,
    name: `user ${i} ${'x'.repeat(i % 17)}`,
    email: `user${i}@example.test`,
    score: ((i * 7919) % 1000) / 10,
    tags: ['alpha', 'beta', `t${i % 9}`],
    bio: `Lorem ipsum dolor sit amet, ${'consectetur adipiscing elit, '.repeat(20)} \u00e9\u00e8 "${i}"`,
  }));
  return JSON.stringify({ records });
}

const jsonBytes = new TextEncoder().encode(document());
const jsonChunks = Array.from({ length: Math.ceil(jsonBytes.length / CHUNK) }, (_, i) => jsonBytes.subarray(i * CHUNK, (i + 1) * CHUNK));
const jsonHeaders = { 'content-type': 'application/json', 'content-length': String(jsonBytes.length) };
const readJson = createJsonReader();
const recordsOf = (value: unknown): number => (value as { records: unknown[] }).records.length;
const kb = Math.round(jsonBytes.length / 1000);

const JSON_PAIR: Pair = [
  { id: 'json.peer', label: `JSON.parse(await new Response(stream).text()), ${kb} KB`, work: async () => recordsOf(JSON.parse(await new Response(streamOf(jsonChunks)).text())) },
  { id: 'json.bulwark', label: `readJson(request), ${kb} KB`, work: async () => recordsOf(await readJson({ body: streamOf(jsonChunks), headers: jsonHeaders })) },
];

/** Fails loudly if a case does not do the work it claims, so the bench cannot measure a no-op. */
async function check(http?: Pair): Promise<void> {
  for (const item of [...STREAM, ...ITERABLE, ...COPY_STREAM, ...COPY_ITERABLE, ...COPY_TIMED, ...(http ?? [])]) {
    const bytes = await item.work();
    if (bytes !== MiB) throw new Error(`bench setup: ${item.id} read ${bytes} bytes`);
  }
  for (const item of JSON_PAIR) {
    if ((await item.work()) !== 140) throw new Error(`bench setup: ${item.id} did not parse the document`);
  }
  const over = limitBody(streamOf([...uploadChunks, upload.subarray(0, 1)]), { maxBytes: MiB });
  if (await copyStream(over).then(() => true, () => false)) throw new Error('bench setup: limitBody let 1 MiB + 1 byte through');
}

function cpuNow(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

async function opsPerSecond(item: Case): Promise<number> {
  const work = item.work;
  // Short samples, many rounds, and the median sample: a call allocates up to 2 MiB, and where the
  // garbage collector or a page fault lands moves a mean by more than the few percent measured.
  const stats = await measure(async () => await work(), { now: cpuNow, min_cpu_time: 80e6 });
  return 1e9 / stats.p50;
}

interface Measured {
  rows: [BenchRow, BenchRow];
  /** Median over rounds of candidate/base measured back to back: robust to slow drift of the machine. */
  ratio: number;
}

async function measurePair([base, candidate]: Pair, rounds: number): Promise<Measured> {
  const values: [number[], number[]] = [[], []];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const baseFirst = round % 2 === 0;
    const first = await opsPerSecond(baseFirst ? base : candidate);
    const second = await opsPerSecond(baseFirst ? candidate : base);
    const [baseOps, candidateOps] = baseFirst ? [first, second] : [second, first];
    values[0].push(baseOps);
    values[1].push(candidateOps);
    ratios.push(candidateOps / baseOps);
  }
  const row = (item: Case, rounds: number[]): BenchRow => ({ id: item.id, label: item.label, value: median(rounds), unit: 'ops/s', rounds });
  return { rows: [row(base, values[0]), row(candidate, values[1])], ratio: median(ratios) };
}

/** Notes the candidate's extra time per 64 KiB chunk on its row. */
function notePerChunk(measured: Measured): Measured {
  const [base, candidate] = measured.rows;
  candidate.note = `${((1e6 / candidate.value - 1e6 / base.value) / uploadChunks.length).toFixed(2)} µs more per 64 KiB chunk`;
  return measured;
}

function ratio(measured: Measured, id: string, label: string, target?: number): BenchRatio {
  return { id, label, ratio: measured.ratio, ...(target === undefined ? {} : { target }) };
}

export async function runBodyLimitBench(): Promise<BenchResult> {
  const started = performance.now();
  const server = await uploadServer();
  const HTTP: Pair = [
    { id: 'http.raw', label: '1 MiB POST over loopback HTTP, server reads without a limit', work: () => server.post(false) },
    { id: 'http.limited', label: '1 MiB POST over loopback HTTP, server reads through limitBodyIterable', work: () => server.post(true) },
  ];
  await check(HTTP);
  const httpPair = await measurePair(HTTP, 31).finally(() => server.close());
  const streamPair = notePerChunk(await measurePair(STREAM, 31));
  const iterablePair = notePerChunk(await measurePair(ITERABLE, 31));
  const copyStreamPair = notePerChunk(await measurePair(COPY_STREAM, 9));
  const copyIterablePair = notePerChunk(await measurePair(COPY_ITERABLE, 9));
  const copyTimedPair = notePerChunk(await measurePair(COPY_TIMED, 9));
  const jsonPair = await measurePair(JSON_PAIR, 9);
  const all = [streamPair, iterablePair, copyStreamPair, copyIterablePair, copyTimedPair, httpPair, jsonPair];
  return {
    name: 'body-limit',
    method:
      'mitata timed by process CPU time, one process; 1 MiB as 16 x 64 KiB chunks from a fresh pull-based source per call, read as its usual ' +
      'consumer does (Response.arrayBuffer() for streams, Buffer.concat for iterables) or copied into one reused buffer (pessimistic bound); ' +
      'the HTTP pair (the target) posts 1 MiB over a keep-alive loopback connection (client in this process too); ' +
      'the JSON pair reads a fresh 2-chunk stream of a ~100 KB document. Each pair is measured back to back in alternating order, 31 rounds ' +
      '(the HTTP and in-process upload pairs) or 9; ops/s from the median sample of a round (per CPU-second); rows show the median round, ratios the median per-round ratio.',
    rows: all.flatMap((pair) => pair.rows),
    ratios: [
      ratio(httpPair, 'http', 'ratio limitBodyIterable/no limit, 1 MiB upload over loopback HTTP', 0.95),
      ratio(streamPair, 'stream', 'ratio limitBody/no limit, 1 MiB in process, no network (ReadableStream, informational)'),
      ratio(iterablePair, 'iterable', 'ratio limitBodyIterable/no limit, 1 MiB in process, no network (async iterable, informational)'),
      ratio(copyStreamPair, 'copy-stream', 'ratio limitBody/no limit, bare copy (pessimistic, informational)'),
      ratio(copyIterablePair, 'copy-iterable', 'ratio limitBodyIterable/no limit, bare copy (pessimistic, informational)'),
      ratio(copyTimedPair, 'copy-timed', 'ratio limitBody+timeouts/no limit, bare copy (pessimistic, informational)'),
      ratio(jsonPair, 'json', 'ratio readJson/JSON.parse(Response.text()) (informational)'),
    ],
    durationMs: performance.now() - started,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) printResult(await runBodyLimitBench());
