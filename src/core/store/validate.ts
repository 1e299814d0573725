/** Argument and option checks shared by every store, so all of them accept and refuse the same things. */

import { checkInteger, checkKeys, fail, isPlainObject } from '../config/check-options.js';
import { InvalidInputError } from '../errors.js';
import { isTaggedKey, MAX_KEY_LENGTH } from './key.js';
import type { AddMemberOptions, IncrementOptions, TtlOptions } from './types.js';
import { MAX_COLLECTION_SIZE, MAX_MEMBER_ID_LENGTH, MAX_TTL_MS, MAX_VALUE_LENGTH } from './types.js';

const SURROGATE = /[\uD800-\uDFFF]/;
const PREFIX = /^[A-Za-z0-9:._/-]{0,64}$/;

export const DEFAULT_PREFIX = 'bulwark:';
export const DEFAULT_TIMEOUT_MS = 250;

function invalid(message: string): never {
  throw new InvalidInputError(`store: ${message}`);
}

/** True when the string has no lone surrogates (those would not survive UTF-8 on Redis). */
export function isWellFormed(text: string): boolean {
  if (!SURROGATE.test(text)) return true;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = text.charCodeAt(i + 1);
    if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

export function checkKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH || key.includes('#')) {
    invalid('keys must come from storeKey() or taggedKey()');
  }
  return key;
}

export function checkOwner(owner: string): string {
  checkKey(owner);
  if (!isTaggedKey(owner)) invalid('collection owners must come from taggedKey() so their keys share a Cluster slot');
  return owner;
}

export function checkValue(value: string): string {
  if (typeof value !== 'string' || value.length > MAX_VALUE_LENGTH || !isWellFormed(value)) {
    invalid(`values must be well-formed strings of at most ${MAX_VALUE_LENGTH} characters`);
  }
  return value;
}

export function checkTtl(options: TtlOptions): number {
  const ttlMs = isPlainObject(options) ? options.ttlMs : undefined;
  if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_TTL_MS) {
    invalid(`ttlMs must be an integer from 1 to ${MAX_TTL_MS}`);
  }
  return ttlMs;
}

export function checkIncrement(options: IncrementOptions): { by: number; ttlMs: number } {
  const ttlMs = checkTtl(options);
  const by = options.by ?? 1;
  if (typeof by !== 'number' || !Number.isSafeInteger(by)) invalid('by must be a safe integer');
  return { by, ttlMs };
}

export function checkMemberId(id: string): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_MEMBER_ID_LENGTH || !isWellFormed(id)) {
    invalid(`member ids must be well-formed strings of 1 to ${MAX_MEMBER_ID_LENGTH} characters`);
  }
  return id;
}

export function checkAddMember(options: AddMemberOptions): { score: number; max: number; ttlMs: number; value: string | undefined } {
  const ttlMs = checkTtl(options);
  const { score, max, value } = options;
  if (typeof score !== 'number' || !Number.isFinite(score)) invalid('score must be a finite number');
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_COLLECTION_SIZE) {
    invalid(`max must be an integer from 1 to ${MAX_COLLECTION_SIZE}`);
  }
  return { score: score === 0 ? 0 : score, max, ttlMs, value: value === undefined ? undefined : checkValue(value) };
}

/** Parses a stored counter the way Redis does (no sign on zero, no leading zeros, no spaces). */
export function parseCounter(value: string): number {
  if (!/^(?:0|-?[1-9][0-9]{0,15})$/.test(value)) invalid('increment: the key does not hold an integer');
  const n = Number(value);
  if (!Number.isSafeInteger(n)) invalid('increment: the key does not hold a safe integer');
  return n;
}

export interface CommonStoreOptions {
  /** Prepended to every key. Default `bulwark:`. No `{`, `}` or `#` (they would break hash tags). */
  prefix?: string;
  /** Bound on one operation, in milliseconds. Default 250. */
  timeoutMs?: number;
}

/** Validates `prefix` and `timeoutMs` and the option names, once, at construction. */
export function normalizeCommon(path: string, options: unknown, known: readonly string[]): { prefix: string; timeoutMs: number } {
  checkKeys(path, options, known);
  const { prefix = DEFAULT_PREFIX, timeoutMs } = options as CommonStoreOptions;
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    fail(`${path}.prefix`, 'expected up to 64 characters of A-Z, a-z, 0-9, ":", ".", "_", "/" or "-"');
  }
  return { prefix, timeoutMs: checkInteger(`${path}.timeoutMs`, timeoutMs, 1, 60_000) ?? DEFAULT_TIMEOUT_MS };
}
