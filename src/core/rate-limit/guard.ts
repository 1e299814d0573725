/**
 * The rate-limit step of the pipeline: every rule that matches the request's path and method takes
 * a point from each of its limits, keyed by address, user, API key, session or a function. The
 * request passes when every limit allows it. On memory the check is synchronous; on Redis it is one
 * round trip per limit, all in parallel, each bounded by `timeoutMs`.
 */

import { checkInteger, checkKeys, checkOneOf, fail, isPlainObject } from '../config/check-options.js';
import { parseCidr, parseIp, rangeContains, subnetKey, type IpRange } from '../http/ip.js';
import type { RequestContext, SecurityRequest } from '../http/types.js';
import { compilePathPattern, type PathMatcher } from '../routes/path-pattern.js';
import type { SecurityStore } from '../store/types.js';
import { createDenialLog, type DenialLog } from './denial-log.js';
import { rateLimitHeaders, retryAfterSeconds, type HeaderDialects, type LimitOutcome } from './headers.js';
import { checkKeySources, type KeySources } from './keys.js';
import { circuitFor } from './limiter.js';
import { checkFunction, checkStore, normalizeFailureOptions } from './options.js';
import { compileRules, ruleApplies, type CompiledLimit, type CompiledRule, type RateLimitRule } from './rules.js';
import { RATE_LIMIT_TIERS } from './tiers.js';
import type { RateLimitEventSink, RateLimitResult, StoreErrorPolicy } from './types.js';

export interface RateLimitGuardOptions {
  /** Default: one rule, `RATE_LIMIT_TIERS.default` (10/s and 60/min) per address on every path. */
  rules?: readonly RateLimitRule[];
  /** Where counts live (default: this process's memory, bounded). Pass a Redis or Cluster store to share counts. */
  store?: SecurityStore;
  /** Default `'insurance'`: a per-process memory limiter decides while the store is down. */
  onStoreError?: StoreErrorPolicy;
  /** The longest a check waits for the store, in ms. Default 50. */
  timeoutMs?: number;
  /** How long checks skip an unreachable store before probing it again, in ms. Default 1,000. */
  breakerMs?: number;
  /** Keys per limit in memory (and in each insurance limiter). Default 100,000. */
  maxKeys?: number;
  /** Share of each limit one process may grant while the store is down (0 < share <= 1; 1/N for N processes). Default 1. */
  insuranceShare?: number;
  /** `'standard'` (default): `RateLimit` and `RateLimit-Policy`; `'legacy'`: `X-RateLimit-*`; `'both'`; `false`: none. `Retry-After` is always sent on 429. */
  headers?: 'standard' | 'legacy' | 'both' | false;
  /** Requests that are never limited: health checks, your own monitoring. */
  exempt?: { paths?: readonly string[]; ips?: readonly string[] };
  /** Prefix length that groups IPv6 clients. Default 56. */
  ipv6Prefix?: number;
  /** Where `'api-key'`, `'session'` and `'user'` rules find their key. */
  keys?: KeySources;
  /** Where `penalize: true` rules report offences (see createBanList). */
  bans?: { penalize(clientIp: string, reason?: string): Promise<unknown> };
  /** A clock in ms (tests). */
  now?: () => number;
}

export interface RateLimitGuardInput {
  readonly request: SecurityRequest;
  readonly method: string;
  /** Lower-case path without the query. */
  readonly path: string;
  readonly clientIp: string | undefined;
  readonly context: RequestContext;
}

/** One limit's result, for the request context. */
export interface RateLimitReport extends RateLimitResult {
  readonly name: string;
  readonly rule: string;
}

/** Field by field: an object spread here was the costliest step of a rate-limited request (bench/guards.bench.ts). */
function reportOf(result: RateLimitResult, name: string, rule: string): RateLimitReport {
  const { allowed, limit, remaining, resetAt, retryAfterMs, blocked, failedOpen, source } = result;
  return { allowed, limit, remaining, resetAt, retryAfterMs, blocked, failedOpen, source, name, rule };
}

export interface RateLimitOutcome {
  readonly allowed: boolean;
  /** Lower-case names: `ratelimit-policy`, `ratelimit`, `x-ratelimit-*`, `retry-after` (429 only). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** Set on denial. */
  readonly retryAfterSeconds?: number;
  /** Limits decided without their store (`rate-limit:<name>`). */
  readonly failedOpen?: readonly string[];
  readonly limits: readonly RateLimitReport[];
}

export interface RateLimitGuard {
  check(input: RateLimitGuardInput): RateLimitOutcome | Promise<RateLimitOutcome>;
  /** Notes for `sys_monitor_disabled` when the options loosen protection. */
  readonly loosened: readonly string[];
}

const OPTION_KEYS = [
  'rules', 'store', 'onStoreError', 'timeoutMs', 'breakerMs', 'maxKeys', 'insuranceShare', 'headers', 'exempt', 'ipv6Prefix', 'keys', 'bans', 'now',
] as const;
const UNLIMITED: RateLimitOutcome = Object.freeze({ allowed: true, headers: Object.freeze([]), limits: Object.freeze([]) });

interface Applied {
  readonly rule: CompiledRule;
  readonly limit: CompiledLimit;
}

function dialectsOf(value: unknown): HeaderDialects {
  const mode = value === false ? false : (checkOneOf('rateLimit.headers', value, ['standard', 'legacy', 'both'] as const) ?? 'standard');
  return { standard: mode === 'standard' || mode === 'both', legacy: mode === 'legacy' || mode === 'both' };
}

function exemptions(value: unknown): { paths: PathMatcher[]; ranges: IpRange[] } {
  if (value === undefined) return { paths: [], ranges: [] };
  checkKeys('rateLimit.exempt', value, ['paths', 'ips']);
  const { paths = [], ips = [] } = value as { paths?: unknown; ips?: unknown };
  if (!Array.isArray(paths) || !Array.isArray(ips)) fail('rateLimit.exempt', 'expected { paths?: string[], ips?: string[] }');
  return {
    paths: paths.map((pattern: unknown, i) => compilePathPattern(`rateLimit.exempt.paths[${i}]`, pattern)),
    ranges: ips.map((entry: unknown, i) => {
      const range = typeof entry === 'string' ? parseCidr(entry.trim()) : undefined;
      if (range === undefined) fail(`rateLimit.exempt.ips[${i}]`, `${JSON.stringify(entry)} is not an IP address or CIDR range such as "10.0.0.0/8"`);
      return range;
    }),
  };
}

/** Creates the guard the pipeline calls between IP rules and CSRF. `emit` receives `excess_rate_limit_exceeded` and store events. */
export function createRateLimitGuard(options: RateLimitGuardOptions = {}, emit?: RateLimitEventSink): RateLimitGuard {
  const raw: unknown = options;
  if (!isPlainObject(raw)) fail('rateLimit', 'expected an options object');
  checkKeys('rateLimit', raw, OPTION_KEYS);
  const failure = normalizeFailureOptions('rateLimit', raw);
  const store = checkStore('rateLimit.store', options.store);
  const share = options.insuranceShare ?? 1;
  if (typeof share !== 'number' || !(share > 0 && share <= 1)) fail('rateLimit.insuranceShare', 'expected a number above 0 and at most 1, such as 0.25 for 4 processes');
  const ipv6Prefix = checkInteger('rateLimit.ipv6Prefix', options.ipv6Prefix, 32, 128) ?? 56;
  const dialects = dialectsOf(options.headers);
  const exempt = exemptions(options.exempt);
  const sources = checkKeySources('rateLimit.keys', options.keys ?? {});
  const clock = checkFunction<() => number>('rateLimit.now', options.now) ?? Date.now;
  const bans = options.bans;
  if (bans !== undefined && typeof bans?.penalize !== 'function') fail('rateLimit.bans', 'expected a ban list from createBanList()');

  const circuit = store === undefined || store.kind === 'memory' ? undefined : circuitFor(store, failure, 'rate limits', emit);
  const rules = compileRules(options.rules ?? [{ name: 'default', limits: RATE_LIMIT_TIERS.default }], sources, (spec) => ({
    store,
    failure,
    insurancePoints: Math.max(1, Math.floor(spec.points * share)),
    now: options.now === undefined ? undefined : clock,
    circuit,
  }));
  if (bans === undefined && rules.some((rule) => rule.penalize)) fail('rateLimit.bans', 'rules with penalize: true need a ban list (bans: createBanList(...))');
  const denials: DenialLog = createDenialLog(failure.maxKeys);

  function isExempt(path: string, clientIp: string | undefined): boolean {
    for (const matches of exempt.paths) if (matches(path)) return true;
    if (exempt.ranges.length === 0 || clientIp === undefined) return false;
    const address = parseIp(clientIp);
    return address !== undefined && exempt.ranges.some((range) => rangeContains(range, address));
  }

  function finish(input: RateLimitGuardInput, applied: readonly Applied[], keys: readonly string[], results: readonly RateLimitResult[]): RateLimitOutcome {
    const now = clock();
    let allowed = true;
    let failedOpen: string[] | undefined;
    const outcomes: LimitOutcome[] = [];
    const policies: string[] = [];
    const limits: RateLimitReport[] = [];
    for (let i = 0; i < applied.length; i++) {
      const { rule, limit } = applied[i]!;
      const result = results[i]!;
      allowed &&= result.allowed;
      if (result.failedOpen) (failedOpen ??= []).push(`rate-limit:${limit.core.spec.name}`);
      outcomes.push({ spec: limit.core.spec, result });
      policies.push(limit.policy);
      limits.push(reportOf(result, limit.core.spec.name, rule.name));
    }
    const headers = rateLimitHeaders(outcomes, policies, dialects, allowed, now);
    if (allowed) return failedOpen === undefined ? { allowed, headers, limits } : { allowed, headers, limits, failedOpen };
    reportDenial(input, applied, keys, results, now);
    const retry = retryAfterSeconds(outcomes);
    return failedOpen === undefined ? { allowed, headers, limits, retryAfterSeconds: retry } : { allowed, headers, limits, retryAfterSeconds: retry, failedOpen };
  }

  /** One event (and one offence) per key and limit per blocked period, so a flood cannot flood the log. */
  function reportDenial(input: RateLimitGuardInput, applied: readonly Applied[], keys: readonly string[], results: readonly RateLimitResult[], now: number): void {
    for (let i = 0; i < applied.length; i++) {
      const result = results[i]!;
      if (result.allowed) continue;
      const { rule, limit } = applied[i]!;
      const name = limit.core.spec.name;
      const suppressed = denials.firstInPeriod(`${name}\n${keys[i]}`, now, Math.max(1000, result.retryAfterMs));
      if (suppressed === undefined) continue;
      const { context } = input;
      try {
        emit?.({
          type: 'excess_rate_limit_exceeded',
          level: 'WARN',
          description: `rate limit "${name}" exceeded (${limit.core.spec.points} per ${limit.core.spec.durationMs / 1000} s)`,
          requestId: context.requestId,
          clientIp: input.clientIp,
          method: input.method,
          path: context.path,
          details: { rule: rule.name, limit: name, retryAfterMs: result.retryAfterMs, blocked: result.blocked, source: result.source, suppressedSinceLast: suppressed },
        });
      } catch {
        // A failing sink must not fail the request.
      }
      if (rule.penalize && bans !== undefined && input.clientIp !== undefined) bans.penalize(input.clientIp, `rate limit "${name}"`).catch(() => undefined);
    }
  }

  return {
    loosened: failure.onStoreError === 'allow' ? ['rate limits let requests through while their store is unreachable (onStoreError: allow)'] : [],
    check(input) {
      const { path, clientIp } = input;
      if (isExempt(path, clientIp)) return UNLIMITED;
      const method = input.method;
      let ipKey: string | undefined;
      let applied: Applied[] | undefined;
      let keys: string[] | undefined;
      let pending: Array<RateLimitResult | Promise<RateLimitResult>> | undefined;
      let async = false;
      for (const rule of rules) {
        if (!ruleApplies(rule, method, path)) continue;
        let key = rule.key === 'ip' ? undefined : rule.key(input);
        key ??= ipKey ??= `ip:${(clientIp === undefined ? undefined : subnetKey(clientIp, { ipv6Prefix })) ?? 'unknown'}`;
        for (const limit of rule.limits) {
          const result = limit.core.consume(key, 1);
          if (result instanceof Promise) async = true;
          (applied ??= []).push({ rule, limit });
          (keys ??= []).push(key);
          (pending ??= []).push(result);
        }
      }
      if (applied === undefined) return UNLIMITED;
      if (!async) return finish(input, applied, keys!, pending as RateLimitResult[]);
      return Promise.all(pending!).then((results) => finish(input, applied, keys!, results));
    },
  };
}
