/**
 * Breached-password check by k-anonymity against the Pwned Passwords range API (or any server that
 * speaks its format): only 5 hex characters of the password's SHA-1 leave the process, and
 * `Add-Padding: true` hides the response size. Responses are cached per prefix; a circuit breaker
 * stops calling a service that keeps failing; an outage is answered by the declared policy
 * (`onUnavailable: 'allow'` fails open, `'deny'` fails closed) and marked on the result.
 *
 *   const breaches = createBreachChecker();
 *   const { breached, count } = await breaches.check(password);
 */

import { checkBoolean, checkInteger, checkKeys, checkOneOf, fail, toggle } from '../config/check-options.js';
import { InvalidInputError } from '../errors.js';
import { RecentMap } from '../recent-map.js';
import { countOf, parseRangeResponse, rangeParts } from './breach-range.js';
import { fetchRange, RangeFetchError, type BreachFailure, type RangeFetchOptions } from './breach-fetch.js';

export type { BreachFailure } from './breach-fetch.js';

export interface BreachCheckerOptions {
  /** Where `<prefix>` is appended. Default `https://api.pwnedpasswords.com/range/`. */
  baseUrl?: string;
  /** Deadline per HTTP attempt. Default 2000 ms. */
  timeoutMs?: number;
  /** Retries after a timeout, network error, 429 or 5xx. Default 2. */
  retries?: number;
  /** Exponential backoff with full jitter between retries: `random(0, min(maxMs, baseMs * 2^n))`. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** When the service cannot answer: 'allow' (fail open, the default) or 'deny' (fail closed: treat as breached). */
  onUnavailable?: 'allow' | 'deny';
  /** Cache of range responses per prefix. Default { maxEntries: 256, ttlMs: 3,600,000 }; false turns it off. */
  cache?: boolean | { maxEntries?: number; ttlMs?: number };
  /** After `failures` failed checks in a row, fail at once for `openMs`. Default { failures: 5, openMs: 30,000 }. */
  circuitBreaker?: boolean | { failures?: number; openMs?: number };
  /** Send `Add-Padding: true`. Default true. */
  padding?: boolean;
  /** A password seen fewer times than this is not counted as breached. Default 1. */
  minCount?: number;
  userAgent?: string;
}

export interface BreachResult {
  /** Seen in breaches at least `minCount` times; when unavailable, true only under `onUnavailable: 'deny'`. */
  breached: boolean;
  /** Times seen in breaches (0 when absent or unknown). */
  count: number;
  /** Where the answer came from; 'unavailable' means the policy decided. */
  source: 'network' | 'cache' | 'unavailable';
  /** Why the service could not answer (only with source 'unavailable'). */
  failure?: BreachFailure;
}

export interface BreachChecker {
  check(password: string): Promise<BreachResult>;
}

const KNOWN = ['baseUrl', 'timeoutMs', 'retries', 'backoff', 'onUnavailable', 'cache', 'circuitBreaker', 'padding', 'minCount', 'userAgent'] as const;
export const PWNED_PASSWORDS_RANGE_URL = 'https://api.pwnedpasswords.com/range/';

function normalizeBaseUrl(value: unknown): string {
  if (value === undefined) return PWNED_PASSWORDS_RANGE_URL;
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search || url.hash) {
    return fail('breachChecker.baseUrl', 'expected an http(s) URL without credentials, query or fragment, e.g. "https://api.pwnedpasswords.com/range/"');
  }
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

function normalize(options: BreachCheckerOptions) {
  checkKeys('breachChecker', options, KNOWN);
  const cache = toggle('breachChecker.cache', options.cache);
  if (cache.options) checkKeys('breachChecker.cache', cache.options, ['maxEntries', 'ttlMs']);
  const breaker = toggle('breachChecker.circuitBreaker', options.circuitBreaker);
  if (breaker.options) checkKeys('breachChecker.circuitBreaker', breaker.options, ['failures', 'openMs']);
  const backoff = options.backoff ?? {};
  checkKeys('breachChecker.backoff', backoff, ['baseMs', 'maxMs']);
  const userAgent = options.userAgent ?? 'bulwark-breach-check';
  if (typeof userAgent !== 'string' || !/^[\x20-\x7e]{1,200}$/.test(userAgent)) fail('breachChecker.userAgent', 'expected 1-200 printable ASCII characters');
  const fetchOptions: RangeFetchOptions = {
    baseUrl: normalizeBaseUrl(options.baseUrl),
    timeoutMs: checkInteger('breachChecker.timeoutMs', options.timeoutMs, 1, 60_000) ?? 2000,
    retries: checkInteger('breachChecker.retries', options.retries, 0, 10) ?? 2,
    backoffBaseMs: checkInteger('breachChecker.backoff.baseMs', backoff.baseMs, 1, 60_000) ?? 100,
    backoffMaxMs: checkInteger('breachChecker.backoff.maxMs', backoff.maxMs, 1, 300_000) ?? 2000,
    padding: checkBoolean('breachChecker.padding', options.padding) ?? true,
    userAgent,
  };
  return {
    fetchOptions,
    failClosed: (checkOneOf('breachChecker.onUnavailable', options.onUnavailable, ['allow', 'deny'] as const) ?? 'allow') === 'deny',
    minCount: checkInteger('breachChecker.minCount', options.minCount, 1, Number.MAX_SAFE_INTEGER) ?? 1,
    cacheMax: cache.enabled ? (checkInteger('breachChecker.cache.maxEntries', cache.options?.maxEntries, 1, 100_000) ?? 256) : 0,
    cacheTtlMs: checkInteger('breachChecker.cache.ttlMs', cache.options?.ttlMs, 1, 7 * 86_400_000) ?? 3_600_000,
    breakerFailures: breaker.enabled ? (checkInteger('breachChecker.circuitBreaker.failures', breaker.options?.failures, 1, 1000) ?? 5) : 0,
    breakerOpenMs: checkInteger('breachChecker.circuitBreaker.openMs', breaker.options?.openMs, 1, 3_600_000) ?? 30_000,
  };
}

/** Creates a breach checker; options are checked once, the cache and breaker live in it. */
export function createBreachChecker(options: BreachCheckerOptions = {}): BreachChecker {
  const config = normalize(options);
  const cache = new RecentMap<string, { expiresAt: number; range: Map<string, number> }>(config.cacheMax);
  const inFlight = new Map<string, Promise<Map<string, number>>>();
  let consecutiveFailures = 0;
  let openUntil = 0;
  let probing = false;

  function cached(prefix: string): Map<string, number> | undefined {
    const entry = cache.get(prefix);
    if (!entry) return undefined;
    if (Date.now() <= entry.expiresAt) return entry.range;
    cache.delete(prefix);
    return undefined;
  }

  function remember(prefix: string, range: Map<string, number>): void {
    if (config.cacheMax === 0) return;
    cache.set(prefix, { expiresAt: Date.now() + config.cacheTtlMs, range });
  }

  /** The breaker: closed, open until `openUntil`, then half-open with one probe at a time. */
  function breakerAllows(): boolean {
    if (config.breakerFailures === 0 || consecutiveFailures < config.breakerFailures) return true;
    if (Date.now() < openUntil || probing) return false;
    probing = true;
    return true;
  }

  function settle(ok: boolean): void {
    probing = false;
    if (ok) consecutiveFailures = 0;
    else if (++consecutiveFailures >= config.breakerFailures && config.breakerFailures > 0) openUntil = Date.now() + config.breakerOpenMs;
  }

  async function lookup(prefix: string): Promise<Map<string, number>> {
    const text = await fetchRange(prefix, config.fetchOptions);
    const range = parseRangeResponse(text);
    if (!range) throw new RangeFetchError('malformed', false);
    return range;
  }

  function unavailable(failure: BreachFailure): BreachResult {
    return { breached: config.failClosed, count: 0, source: 'unavailable', failure };
  }

  async function check(password: string): Promise<BreachResult> {
    if (typeof password !== 'string') throw new InvalidInputError('breachChecker: the password must be a string');
    const { prefix, suffix } = rangeParts(password);
    const hit = cached(prefix);
    if (hit) return verdict(countOf(hit, suffix), 'cache');
    let pending = inFlight.get(prefix);
    if (!pending) {
      if (!breakerAllows()) return unavailable('circuit_open');
      pending = lookup(prefix).then(
        (range) => {
          settle(true);
          remember(prefix, range);
          return range;
        },
        (error: unknown) => {
          settle(false);
          throw error;
        },
      );
      inFlight.set(prefix, pending);
      void pending.finally(() => inFlight.delete(prefix)).catch(() => {});
    }
    try {
      return verdict(countOf(await pending, suffix), 'network');
    } catch (error) {
      return unavailable(error instanceof RangeFetchError ? error.reason : 'network_error');
    }
  }

  function verdict(count: number, source: 'network' | 'cache'): BreachResult {
    return { breached: count >= config.minCount, count, source };
  }

  return { check };
}
