/**
 * The rate-limit step of the pipeline: every rule that matches the request's path and method takes
 * a point from each of its limits, keyed by address, user, API key, session or a function. The
 * request passes when every limit allows it. On memory the check is synchronous; on Redis it is one
 * round trip per limit, all in parallel, each bounded by `timeoutMs`.
 */

import { checkInteger, checkKeys, fail, isPlainObject } from '../config/check-options.js';
import type { RequestContext, SecurityRequest } from '../http/types.js';
import type { SecurityStore } from '../store/types.js';
import { createDenialReporter } from './denial-log.js';
import { dialectsOf, exemptionsOf } from './guard-options.js';
import { HeaderList, type HeaderSink } from './headers.js';
import { createIpKeyMemo } from './ip-keys.js';
import { checkKeySources, type KeySources } from './keys.js';
import { circuitFor } from './limiter.js';
import { checkFunction, checkStore, normalizeFailureOptions } from './options.js';
import { compileRules, ruleApplies, type CompiledLimit, type CompiledRule, type RateLimitRule } from './rules.js';
import { RequestTally } from './tally.js';
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
  /**
   * A clock in ms (tests). Without one, the guard's own memory counts on the monotonic clock anchored
   * at process start, and a store on the wall clock (docs/rate-limit.md, "Time").
   */
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

/** @internal What the pipeline needs of a check once the headers are on the response. */
export interface RateLimitVerdict {
  readonly allowed: boolean;
  readonly failedOpen?: readonly string[];
}

export interface RateLimitGuard {
  check(input: RateLimitGuardInput): RateLimitOutcome | Promise<RateLimitOutcome>;
  /**
   * @internal The pipeline's check: the same counts, events and headers as check(), the headers set
   * on `headers` in the same order instead of listed, and no reports built. Takes the request as the
   * pipeline holds it: the guard builds its input only when a rule, exemption or denial needs it.
   */
  enforce(request: SecurityRequest, context: RequestContext, headers: HeaderSink): RateLimitVerdict | Promise<RateLimitVerdict>;
  /** Notes for `sys_monitor_disabled` when the options loosen protection. */
  readonly loosened: readonly string[];
}

const OPTION_KEYS = [
  'rules', 'store', 'onStoreError', 'timeoutMs', 'breakerMs', 'maxKeys', 'insuranceShare', 'headers', 'exempt', 'ipv6Prefix', 'keys', 'bans', 'now',
] as const;
/** The guard's view of a request in the pipeline. */
function inputOf(request: SecurityRequest, context: RequestContext): RateLimitGuardInput {
  return { request, method: request.method, path: context.path.toLowerCase(), clientIp: context.clientIp, context };
}

const TIME_ORIGIN = performance.timeOrigin;
const monotonicNow = (): number => TIME_ORIGIN + performance.now();

const UNLIMITED: RateLimitOutcome = Object.freeze({ allowed: true, headers: Object.freeze([]), limits: Object.freeze([]) });
const PASSED: RateLimitVerdict = Object.freeze({ allowed: true });
const DENIED: RateLimitVerdict = Object.freeze({ allowed: false });

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
  const isExempt = exemptionsOf(options.exempt);
  const sources = checkKeySources('rateLimit.keys', options.keys ?? {});
  /**
   * The guard's own memory (no store given) counts on the monotonic clock, anchored to the wall clock
   * when the process started: a wall-clock step (NTP, a resumed VM) neither reopens nor stretches a
   * window, and in the pipeline the request's own reading (`context.startedAt`) serves, so a counted
   * request reads no clock of its own. A store shared with other limiters keeps their wall clock.
   */
  const monotonic = store === undefined && options.now === undefined;
  const clock = checkFunction<() => number>('rateLimit.now', options.now) ?? (monotonic ? monotonicNow : Date.now);
  const timeOf = (context: RequestContext): number => (monotonic ? TIME_ORIGIN + context.startedAt : clock());
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
  const reportDenials = createDenialReporter(failure.maxKeys, emit, bans);
  const ipKeyOf = createIpKeyMemo(ipv6Prefix);
  /** On memory every limit answers at once, so one clock reading serves the whole request. */
  const synchronous = circuit === undefined;
  /** The usual configuration, one rule with one limit, has a path of its own in enforce(). */
  const onlyRule = synchronous && !dialects.legacy && rules.length === 1 && rules[0]!.limits.length === 1 ? rules[0] : undefined;
  /** ... and when that rule counts every request by address, enforce() needs nothing but the address. */
  const everyRequestByAddress = onlyRule !== undefined && isExempt === undefined && onlyRule.key === 'ip' && onlyRule.paths === undefined && onlyRule.methods === undefined;

  /** The rule's key: its own reader, else the client's address. */
  function keyOf(rule: CompiledRule, input: RateLimitGuardInput): string {
    return (rule.key === 'ip' ? undefined : rule.key(input)) ?? ipKeyOf(input.clientIp);
  }

  /** Memory: every matching limit answers at once, all at `now`. `report`: keep the reports check() lists. */
  function countNow(input: RateLimitGuardInput, report: boolean, now: number): RequestTally | undefined {
    const { method, path } = input;
    let tally: RequestTally | undefined;
    let at = 0;
    for (const rule of rules) {
      if (!ruleApplies(rule, method, path)) continue;
      const key = keyOf(rule, input);
      if (tally === undefined) {
        tally = new RequestTally(now);
        at = Math.floor(now);
      }
      for (const limit of rule.limits) tally.countVerdict(rule, limit, key, limit.core.memory!.consume(limit.spec, key, 1, at), at, report);
    }
    return tally;
  }

  /** Redis: one round trip per limit, all in parallel; tallied once every limit has answered. */
  function checkRemote(input: RateLimitGuardInput): RateLimitOutcome | Promise<RateLimitOutcome> {
    const { method, path } = input;
    let applied: Array<{ rule: CompiledRule; limit: CompiledLimit; key: string }> | undefined;
    let pending: Array<RateLimitResult | Promise<RateLimitResult>> | undefined;
    let async = false;
    for (const rule of rules) {
      if (!ruleApplies(rule, method, path)) continue;
      const key = keyOf(rule, input);
      for (const limit of rule.limits) {
        const result = limit.core.consume(key, 1);
        if (result instanceof Promise) async = true;
        (applied ??= []).push({ rule, limit, key });
        (pending ??= []).push(result);
      }
    }
    if (applied === undefined) return UNLIMITED;
    const tallied = (results: readonly RateLimitResult[]): RateLimitOutcome => {
      const tally = new RequestTally(clock());
      for (let i = 0; i < applied.length; i++) tally.countResult(applied[i]!.rule, applied[i]!.limit, applied[i]!.key, results[i]!);
      return outcomeOf(input, tally);
    };
    // A check the circuit skipped answers at once; only real round trips make the outcome a promise.
    if (!async) return tallied(pending as RateLimitResult[]);
    return Promise.all(pending!).then(tallied);
  }

  function outcomeOf(input: RateLimitGuardInput, tally: RequestTally): RateLimitOutcome {
    const { allowed, failedOpen } = tally;
    const limits = tally.limits!;
    if (!allowed) reportDenials(input, tally.denials!, tally.now);
    const list = new HeaderList();
    tally.write(dialects, list);
    const headers = list.list;
    if (allowed) return failedOpen === undefined ? { allowed, headers, limits } : { allowed, headers, limits, failedOpen };
    const retry = tally.retryAfter;
    return failedOpen === undefined ? { allowed, headers, limits, retryAfterSeconds: retry } : { allowed, headers, limits, retryAfterSeconds: retry, failedOpen };
  }

  /** enforce() on memory: reports the denials, then sets the headers. Memory never fails open. */
  function settle(input: RateLimitGuardInput, tally: RequestTally, sink: HeaderSink): RateLimitVerdict {
    if (!tally.allowed) reportDenials(input, tally.denials!, tally.now);
    tally.write(dialects, sink);
    return tally.allowed ? PASSED : DENIED;
  }

  /**
   * enforce() for one rule with one limit and the standard headers, once the rule applies: an allowed
   * request's two headers are written straight from the verdict (what the tally would write for a
   * single limit), with no tally at all; a denial takes the general way.
   */
  function enforceOne(request: SecurityRequest, context: RequestContext, rule: CompiledRule, key: string, sink: HeaderSink): RateLimitVerdict {
    const limit = rule.limits[0]!;
    const now = timeOf(context);
    const at = Math.floor(now);
    const verdict = limit.core.memory!.consume(limit.spec, key, 1, at);
    if (!verdict.allowed) {
      const tally = new RequestTally(now);
      tally.countVerdict(rule, limit, key, verdict, at, false);
      return settle(inputOf(request, context), tally, sink);
    }
    if (dialects.standard) {
      sink.setTrusted('ratelimit-policy', limit.policy);
      // rateLimitItem() for an allowed verdict, written out.
      sink.setTrusted('ratelimit', limit.stateItem.text(verdict.remaining, Math.max(0, Math.ceil((at + verdict.resetMs - now) / 1000))));
    }
    return PASSED;
  }

  function listed(outcome: RateLimitOutcome, sink: HeaderSink): RateLimitOutcome {
    for (const [name, value] of outcome.headers) sink.setTrusted(name, value);
    return outcome;
  }

  return {
    loosened: failure.onStoreError === 'allow' ? ['rate limits let requests through while their store is unreachable (onStoreError: allow)'] : [],
    check(input) {
      if (isExempt?.(input.path, input.clientIp)) return UNLIMITED;
      if (!synchronous) return checkRemote(input);
      const tally = countNow(input, true, clock());
      return tally === undefined ? UNLIMITED : outcomeOf(input, tally);
    },
    enforce(request, context, headers) {
      if (everyRequestByAddress) return enforceOne(request, context, onlyRule!, ipKeyOf(context.clientIp), headers);
      const input = inputOf(request, context);
      if (isExempt?.(input.path, input.clientIp)) return PASSED;
      if (onlyRule !== undefined) return ruleApplies(onlyRule, input.method, input.path) ? enforceOne(request, context, onlyRule, keyOf(onlyRule, input), headers) : PASSED;
      if (!synchronous) {
        const outcome = checkRemote(input);
        return outcome instanceof Promise ? outcome.then((o) => listed(o, headers)) : listed(outcome, headers);
      }
      const tally = countNow(input, false, timeOf(context));
      return tally === undefined ? PASSED : settle(input, tally, headers);
    },
  };
}
