/**
 * `readJson(request)`: reads a JSON request body with limits on bytes, nesting depth, keys, string
 * and array length. Bytes are counted as they arrive and reading stops at the limit; the decoded
 * text is checked by a non-recursive scanner before `JSON.parse` builds anything, so hostile
 * nesting fails fast with a limit error rather than a stack overflow.
 */

import { checkBoolean, checkInteger, checkKeys, checkOneOf } from '../config/check-options.js';
import { InvalidInputError, LimitExceededError } from '../errors.js';
import { checkDeclaredLength, headerValue, limitBody, limitBodyIterable, type BodyLimitOptions, type HeaderSource } from './body-limit.js';
import { scanJson, type JsonScanOptions } from './json-scanner.js';

export type JsonBodySource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * A Web `Request`, or anything with a `body` stream or async iterable and optional headers; a Node
 * `IncomingMessage` (itself an async iterable of Buffers) works as is.
 */
export type JsonRequest =
  | { readonly body?: JsonBodySource | null | undefined; readonly headers?: HeaderSource | undefined }
  | (AsyncIterable<Uint8Array> & { readonly headers?: HeaderSource | undefined });

export interface ReadJsonOptions {
  /** Body bytes. Default 1 MiB. Over it: `LimitExceededError` with limit `maxBytes` (a 413). */
  maxBytes?: number;
  /** Nesting levels of objects and arrays; a top-level container is level 1. Default 32. */
  maxDepth?: number;
  /** Object keys in the whole document. Default 1000. */
  maxKeys?: number;
  /** UTF-16 code units per string or key, after unescaping. Default 100 000. */
  maxStringLength?: number;
  /** Elements per array. Default 10 000. */
  maxArrayLength?: number;
  /** Default true: `Content-Type` must be `application/json` or `application/*+json` (charset, if any, UTF-8). */
  requireJsonContentType?: boolean;
  /** Default 'reject' (RFC 7493): two parsers that disagree on which duplicate wins are an attack surface. */
  duplicateKeys?: 'reject' | 'lastWins';
  /**
   * Default 'reject': a `__proto__` key, or a `prototype` key in a `constructor` object, is an error;
   * 'remove' deletes them from the result; 'allow' keeps them (as `JSON.parse`: own data properties).
   */
  prototypeKeys?: 'reject' | 'remove' | 'allow';
  /** Longest pause between body chunks, in ms. Default 30 000; `false` turns it off. */
  idleTimeoutMs?: number | false;
  /** Longest time to read the whole body, in ms. Default `false` (off; the server's request timeout applies). */
  timeoutMs?: number | false;
}

interface ReadJsonLimits extends JsonScanOptions {
  readonly maxBytes: number;
  readonly duplicateKeys: 'reject' | 'lastWins';
  readonly requireJsonContentType: boolean;
  readonly idleTimeoutMs: number | undefined;
  readonly timeoutMs: number | undefined;
}

const OPTION_NAMES = [
  'maxBytes',
  'maxDepth',
  'maxKeys',
  'maxStringLength',
  'maxArrayLength',
  'requireJsonContentType',
  'duplicateKeys',
  'prototypeKeys',
  'idleTimeoutMs',
  'timeoutMs',
] as const;

const MAX_TIMER = 2 ** 31 - 1;

function timeout(path: string, value: unknown, fallback: number | undefined): number | undefined {
  if (value === false) return undefined;
  return checkInteger(path, value, 1, MAX_TIMER) ?? fallback;
}

function normalize(options: ReadJsonOptions = {}, path = 'readJson'): Readonly<ReadJsonLimits> {
  checkKeys(path, options, OPTION_NAMES);
  const count = (name: 'maxBytes' | 'maxDepth' | 'maxKeys' | 'maxStringLength' | 'maxArrayLength', fallback: number): number =>
    checkInteger(`${path}.${name}`, options[name], 1, Number.MAX_SAFE_INTEGER) ?? fallback;
  return Object.freeze({
    maxBytes: count('maxBytes', 1024 * 1024),
    maxDepth: count('maxDepth', 32),
    maxKeys: count('maxKeys', 1000),
    maxStringLength: count('maxStringLength', 100_000),
    maxArrayLength: count('maxArrayLength', 10_000),
    requireJsonContentType: checkBoolean(`${path}.requireJsonContentType`, options.requireJsonContentType) ?? true,
    duplicateKeys: checkOneOf(`${path}.duplicateKeys`, options.duplicateKeys, ['reject', 'lastWins'] as const) ?? 'reject',
    prototypeKeys: checkOneOf(`${path}.prototypeKeys`, options.prototypeKeys, ['reject', 'remove', 'allow'] as const) ?? 'reject',
    idleTimeoutMs: timeout(`${path}.idleTimeoutMs`, options.idleTimeoutMs, 30_000),
    timeoutMs: timeout(`${path}.timeoutMs`, options.timeoutMs, undefined),
  });
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** `application/json` or `application/<name>+json`, with no charset or a UTF-8 one. */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const [essence = '', ...parameters] = value.toLowerCase().split(';');
  const type = essence.trim();
  if (type !== 'application/json') {
    if (!type.startsWith('application/') || !type.endsWith('+json')) return false;
    if (!TOKEN.test(type.slice('application/'.length, -'+json'.length))) return false;
  }
  for (const parameter of parameters) {
    const eq = parameter.indexOf('=');
    if (eq === -1 || parameter.slice(0, eq).trim() !== 'charset') continue;
    const charset = parameter.slice(eq + 1).trim().replace(/^"|"$/g, '');
    if (charset !== 'utf-8' && charset !== 'utf8') return false;
  }
  return true;
}

function isStream(value: unknown): value is ReadableStream<Uint8Array> {
  return typeof (value as { getReader?: unknown } | null)?.getReader === 'function';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === 'function';
}

function bodyOf(request: JsonRequest): JsonBodySource | undefined {
  if (request === null || typeof request !== 'object') throw new InvalidInputError('readJson: expected a request');
  if ((request as { bodyUsed?: unknown }).bodyUsed === true) throw new InvalidInputError('readJson: the request body was already read');
  const body = (request as { body?: unknown }).body;
  if (body !== undefined && body !== null) {
    if (isStream(body)) {
      if (body.locked) throw new InvalidInputError('readJson: the request body is already being read');
      return body;
    }
    if (isAsyncIterable(body)) return body;
    throw new InvalidInputError('readJson: request.body is not a stream (was it already read by a body parser?)');
  }
  return isAsyncIterable(request) ? request : undefined;
}

/** Decodes chunks as they arrive, so only the text (at most maxBytes of it) is ever held. */
async function readText(source: JsonBodySource, limits: BodyLimitOptions): Promise<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (chunk?: Uint8Array): string => {
    try {
      return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
    } catch {
      throw new InvalidInputError('request body is not valid UTF-8');
    }
  };
  let text = '';
  if (isStream(source)) {
    const reader = limitBody(source, limits).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decode(value);
      }
    } catch (error) {
      reader.cancel(error).catch(() => {});
      throw error;
    }
  } else {
    // Throwing out of for-await stops the counted iterable, which stops the source.
    for await (const chunk of limitBodyIterable(source, limits)) text += decode(chunk);
  }
  return text + decode();
}

/** Own keys of every object in a parsed value, without recursion. */
function countKeys(value: unknown): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === null || typeof item !== 'object') continue;
    if (Array.isArray(item)) {
      for (const element of item) if (element !== null && typeof element === 'object') stack.push(element);
      continue;
    }
    const record = item as Record<string, unknown>;
    const keys = Object.keys(record);
    count += keys.length;
    for (const key of keys) {
      const child = record[key];
      if (child !== null && typeof child === 'object') stack.push(child);
    }
  }
  return count;
}

/** Deletes `__proto__` keys and `constructor.prototype` from a parsed value, without recursion. */
function removePrototypeKeys(value: unknown): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === null || typeof item !== 'object') continue;
    if (Array.isArray(item)) {
      for (const element of item) stack.push(element);
      continue;
    }
    const record = item as Record<string, unknown>;
    if (Object.hasOwn(record, '__proto__')) delete record['__proto__'];
    const ctor = Object.hasOwn(record, 'constructor') ? record['constructor'] : undefined;
    if (ctor !== null && typeof ctor === 'object' && !Array.isArray(ctor) && Object.hasOwn(ctor, 'prototype')) {
      delete (ctor as Record<string, unknown>)['prototype'];
    }
    for (const key of Object.keys(record)) stack.push(record[key]);
  }
}

/** A JSON body reader with options validated once (ConfigurationError on bad options). */
export function createJsonReader(options?: ReadJsonOptions): (request: JsonRequest) => Promise<unknown> {
  const limits = normalize(options);
  return (request) => read(request, limits);
}

async function read(request: JsonRequest, limits: Readonly<ReadJsonLimits>): Promise<unknown> {
  const headers = (request as { headers?: HeaderSource } | null)?.headers;
  if (limits.requireJsonContentType && !isJsonContentType(headerValue(headers, 'content-type'))) {
    throw new InvalidInputError('request Content-Type is not application/json');
  }
  const declared = checkDeclaredLength(headers);
  if (!declared.ok) throw new InvalidInputError(declared.message);
  const { maxBytes } = limits;
  if (declared.length !== undefined && declared.length > maxBytes) throw new LimitExceededError(`request body larger than ${maxBytes} bytes`, 'maxBytes');
  const body = bodyOf(request);
  if (body === undefined) throw new InvalidInputError('request has no body');
  const text = await readText(body, {
    maxBytes,
    expectedLength: declared.length,
    idleTimeoutMs: limits.idleTimeoutMs,
    timeoutMs: limits.timeoutMs,
  });
  if (text.length === 0) throw new InvalidInputError('request body is empty');
  const scanned = scanJson(text, limits);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Only a raw control character inside a string gets past the scanner to here.
    throw new InvalidInputError('request body is not valid JSON');
  }
  // JSON.parse keeps one of each duplicate: fewer keys in the value than in the text means a duplicate.
  if (limits.duplicateKeys === 'reject' && scanned.keys > 1 && countKeys(value) !== scanned.keys) {
    throw new InvalidInputError('duplicate key in a JSON object');
  }
  const { prototypeKeys } = scanned;
  if (prototypeKeys && limits.prototypeKeys === 'remove') removePrototypeKeys(value);
  return value;
}

const defaultReader = createJsonReader();

/**
 * Reads and parses a JSON request body within limits. Throws `LimitExceededError` (`limit` names
 * the option; `maxBytes` is a 413, the rest 400), `InvalidInputError` (wrong content type, bad
 * framing or length, invalid UTF-8 or JSON, forbidden key: 400) or `TimeBudgetExceededError` (a
 * stalled body: 408). Errors from the body stream itself (a reset connection) pass through.
 */
export async function readJson(request: JsonRequest, options?: ReadJsonOptions): Promise<unknown> {
  return options === undefined ? defaultReader(request) : read(request, normalize(options));
}
