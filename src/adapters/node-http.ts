/**
 * Translation between node:http and the core, shared by the Express and Koa adapters:
 * IncomingMessage -> SecurityRequest (headers wrapped lazily), Decision -> ServerResponse.
 */

import { ServerResponse, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { denyBody, type Decision, type DenyDecision, type RequestContext, type SecurityRequest } from '../core/index.js';
import { InvalidInputError } from '../core/errors.js';
import type { ResponseHeaders } from '../core/http/response-headers.js';
import { HEADER_STATS, type HeaderStats } from '../core/internal.js';
import { LOWER_CASE_READER, type HeaderReader } from '../core/pipeline/request-headers.js';
import { peekNodeBody } from './node-body.js';

/** Read-only `Headers` view of node's parsed headers, without copying them per request. */
class NodeRequestHeaders implements Headers {
  readonly #raw: IncomingHttpHeaders;
  readonly #rawHeaders: readonly string[];

  constructor(raw: IncomingHttpHeaders, rawHeaders: readonly string[]) {
    this.#raw = raw;
    this.#rawHeaders = rawHeaders;
  }

  get(name: string): string | null {
    return lowerCaseGet(this.#raw, this.#rawHeaders, name.toLowerCase());
  }

  has(name: string): boolean {
    return this.#raw[name.toLowerCase()] !== undefined;
  }

  /** For the guards, which ask by lower-case name only. */
  [LOWER_CASE_READER](): HeaderReader {
    return new LowerCaseReader(this.#raw, this.#rawHeaders);
  }

  getSetCookie(): string[] {
    return [];
  }

  [HEADER_STATS](): HeaderStats {
    return headerStats(this.#rawHeaders);
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  *entries(): IterableIterator<[string, string]> {
    for (const key of Object.keys(this.#raw).sort()) yield [key, this.get(key)!];
  }

  *keys(): IterableIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  append(): void {
    throw new InvalidInputError('request headers are read-only');
  }

  set(): void {
    throw new InvalidInputError('request headers are read-only');
  }

  delete(): void {
    throw new InvalidInputError('request headers are read-only');
  }
}

/** The same answers as the view for lower-case names, without folding case per read. */
class LowerCaseReader implements HeaderReader {
  constructor(
    private readonly raw: IncomingHttpHeaders,
    private readonly rawHeaders: readonly string[],
  ) {}

  get(key: string): string | null {
    return lowerCaseGet(this.raw, this.rawHeaders, key);
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined;
  }

  measure(): HeaderStats {
    return headerStats(this.rawHeaders);
  }
}

function headerStats(rawHeaders: readonly string[]): HeaderStats {
  let bytes = 0;
  for (let i = 0; i < rawHeaders.length; i++) bytes += rawHeaders[i]!.length;
  return { count: rawHeaders.length / 2, bytes };
}

function lowerCaseGet(raw: IncomingHttpHeaders, rawHeaders: readonly string[], key: string): string | null {
  // Node keeps only the first of several Host lines; show them all, as Fetch `Headers` do, so the core can reject the request.
  if (key === 'host') return allValues(rawHeaders, key);
  const value = raw[key];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

function allValues(rawHeaders: readonly string[], lowerName: string): string | null {
  let joined: string | null = null;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) joined = joined === null ? rawHeaders[i + 1]! : `${joined}, ${rawHeaders[i + 1]!}`;
  }
  return joined;
}

/**
 * The path and query of a request target. An absolute-form target (`GET http://host/path`) is reduced
 * to its path, which is what Express and Koa route on; `*` and other odd targets get a leading `/`.
 */
export function originForm(target: string): string {
  if (target.startsWith('/')) return target;
  const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  const rest = authority ? target.slice(authority[0].length) : target;
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** `originalUrl` is the request target as received (Express and Koa keep it even when routers rewrite `req.url`). */
export function fromNodeRequest(req: IncomingMessage, originalUrl: string): SecurityRequest {
  const secure = (req.socket as Partial<TLSSocket>).encrypted === true;
  const host = req.headers.host ?? req.headers[':authority']?.toString() ?? 'localhost';
  const method = req.method ?? 'GET';
  const request: SecurityRequest = {
    method,
    url: `${secure ? 'https' : 'http'}://${host}${originForm(originalUrl)}`,
    headers: new NodeRequestHeaders(req.headers, req.rawHeaders),
    remoteAddress: req.socket.remoteAddress,
    secure,
  };
  if (method !== 'GET' && method !== 'HEAD') request.body = (maxBytes) => peekedBody(req, maxBytes);
  return request;
}

async function* peekedBody(req: IncomingMessage, maxBytes: number): AsyncIterable<Uint8Array> {
  yield await peekNodeBody(req, maxBytes);
}

/** Per framework prototype (one per Express app): the names every bulwark mounted on that app strips. */
const strippedByPrototype = new WeakMap<object, Set<string>>();

function writeHeadStripping(original: ServerResponse['writeHead'], names: Iterable<string>): ServerResponse['writeHead'] {
  return function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
    for (const name of names) this.removeHeader(name);
    return original.apply(this, args);
  } as ServerResponse['writeHead'];
}

/**
 * Strips headers such as `X-Powered-By` even when the application sets them after the middleware ran.
 * Express gives each response its own prototype (`app.response`). Adding a property to such an object,
 * or keeping per-response state in a WeakMap, costs more than all the headers (bench/http.bench.ts), so
 * there the prototype is wrapped once and strips, on every response of that app, the names of every
 * bulwark mounted on it. Any other response (Koa's plain `ServerResponse`) gets the wrapper as its own
 * property: Node's shared prototype is never patched.
 */
function stripOnWriteHead(res: ServerResponse, names: readonly string[]): void {
  const prototype = Object.getPrototypeOf(res) as ServerResponse;
  if (prototype === lastPrototype && names === lastNames) return;
  if (prototype === ServerResponse.prototype || !Object.prototype.isPrototypeOf.call(ServerResponse.prototype, prototype)) {
    res.writeHead = plainWrapper(res.writeHead, names);
    return;
  }
  let stripped = strippedByPrototype.get(prototype);
  if (stripped === undefined) {
    stripped = new Set();
    strippedByPrototype.set(prototype, stripped);
    prototype.writeHead = writeHeadStripping(prototype.writeHead, stripped);
  }
  for (const name of names) stripped.add(name);
  lastPrototype = prototype;
  lastNames = names;
}

/** The prototype and names most recently added to `strippedByPrototype` (an app repeats them on every response); pins one prototype at most. */
let lastPrototype: object | undefined;
let lastNames: readonly string[] | undefined;

/** The wrapper most recently made for a plain response: it depends only on what it wraps and the names, so responses share it. */
let lastPlain: { original: ServerResponse['writeHead']; names: readonly string[]; wrapper: ServerResponse['writeHead'] } | undefined;

function plainWrapper(original: ServerResponse['writeHead'], names: readonly string[]): ServerResponse['writeHead'] {
  if (lastPlain?.original !== original || lastPlain.names !== names) lastPlain = { original, names, wrapper: writeHeadStripping(original, names) };
  return lastPlain.wrapper;
}

function mergeHeaderValues(name: string, existing: number | string | string[], added: string | string[]): string | string[] {
  if (name === 'vary') return `${String(existing)}, ${String(added)}`;
  return [...(Array.isArray(existing) ? existing : [String(existing)]), ...(Array.isArray(added) ? added : [added])];
}

function writeHeader(name: string, value: string | string[], res: ServerResponse): void {
  if (name === 'vary' || name === 'set-cookie') {
    const existing = res.getHeader(name);
    res.setHeader(name, existing === undefined ? value : mergeHeaderValues(name, existing, value));
  } else {
    res.setHeader(name, value);
  }
}

export function writeDecisionHeaders(res: ServerResponse, decision: Decision): void {
  (decision.headers as ResponseHeaders).forEachRaw(writeHeader, res);
  if (decision.removeHeaders.length > 0) stripOnWriteHead(res, decision.removeHeaders);
}

/** Ends a denied response: status, headers, small generic body (none for HEAD). */
export function sendDenied(req: IncomingMessage, res: ServerResponse, decision: DenyDecision): void {
  const { contentType, body } = denyBody(decision, req.headers.accept);
  res.statusCode = decision.status;
  // An unread body (a refused upload) is not drained: the connection closes after the answer.
  if (!req.complete && (req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0)) {
    res.setHeader('connection', 'close');
  }
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * Session cookies (login, rotation, logout) go straight onto the response from now on, so a
 * `login()` in a handler lands before the headers are written. After that it is too late: say so.
 */
export function streamSessionHeaders(res: ServerResponse, context: RequestContext): void {
  context.session?.streamHeadersTo((name, value, mode) => {
    if (res.headersSent) throw new InvalidInputError(`session: ${name} changed after the response headers were sent`);
    if (mode === 'append') res.appendHeader(name, value);
    else res.setHeader(name, value);
  });
}
