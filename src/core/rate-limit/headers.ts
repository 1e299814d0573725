/**
 * Response headers for rate limits, one pure function per dialect:
 *
 * - IETF `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers-10/11): Structured
 *   Field Lists with one Item per limit, named by an sf-string, so stacked limits each add their entry:
 *     RateLimit-Policy: "login-burst";q=2;w=1, "login";q=10;w=60
 *     RateLimit: "login-burst";r=0;t=1, "login";r=7;t=42
 *   `q` quota, `w` window in seconds, `r` remaining, `t` seconds until the quota is available again.
 * - legacy `X-RateLimit-Limit` / `-Remaining` / `-Reset` (epoch seconds), for the tightest limit, as an option;
 * - `Retry-After` (seconds) on a denial: the longest wait among the limits that denied, equal to
 *   the `t` of that limit's `RateLimit` entry.
 */

import type { LimitSpec } from './options.js';
import type { RateLimitResult } from './types.js';

export interface LimitOutcome {
  readonly spec: LimitSpec;
  readonly result: RateLimitResult;
}

export interface HeaderDialects {
  readonly standard: boolean;
  readonly legacy: boolean;
}

/** The limit's `RateLimit-Policy` item; constant, so computed once per limit. */
export function policyItem(spec: LimitSpec): string {
  return `"${spec.name}";q=${spec.points};w=${Math.max(1, Math.ceil(spec.durationMs / 1000))}`;
}

/** Seconds until the limit lets a request through again (denied) or its quota is whole again (allowed). */
export function secondsUntilReset(result: RateLimitResult, now: number): number {
  return result.allowed ? Math.max(0, Math.ceil((result.resetAt - now) / 1000)) : Math.max(1, Math.ceil(result.retryAfterMs / 1000));
}

/** `Retry-After` in seconds for a denial: the longest wait among the limits that denied (at least 1). */
export function retryAfterSeconds(outcomes: readonly LimitOutcome[]): number {
  let longest = 1;
  for (const { result } of outcomes) if (!result.allowed) longest = Math.max(longest, Math.ceil(result.retryAfterMs / 1000));
  return longest;
}

export function standardHeaders(outcomes: readonly LimitOutcome[], policies: readonly string[], now: number): Array<[string, string]> {
  let state = '';
  for (const { spec, result } of outcomes) {
    if (state !== '') state += ', ';
    state += `"${spec.name}";r=${result.allowed ? result.remaining : 0};t=${secondsUntilReset(result, now)}`;
  }
  return [
    ['ratelimit-policy', policies.join(', ')],
    ['ratelimit', state],
  ];
}

/** The tightest limit: fewest points left, then the longest wait. */
function tightest(outcomes: readonly LimitOutcome[]): LimitOutcome {
  let best = outcomes[0]!;
  for (const outcome of outcomes) {
    const remaining = outcome.result.allowed ? outcome.result.remaining : 0;
    const bestRemaining = best.result.allowed ? best.result.remaining : 0;
    if (remaining < bestRemaining || (remaining === bestRemaining && outcome.result.resetAt > best.result.resetAt)) best = outcome;
  }
  return best;
}

export function legacyHeaders(outcomes: readonly LimitOutcome[], now: number): Array<[string, string]> {
  const { spec, result } = tightest(outcomes);
  const resetAt = result.allowed ? result.resetAt : now + result.retryAfterMs;
  return [
    ['x-ratelimit-limit', String(spec.points)],
    ['x-ratelimit-remaining', String(result.allowed ? result.remaining : 0)],
    ['x-ratelimit-reset', String(Math.ceil(resetAt / 1000))],
  ];
}

/** All headers for one request's limits. `policies` are the precomputed items, in the same order as `outcomes`. */
export function rateLimitHeaders(outcomes: readonly LimitOutcome[], policies: readonly string[], dialects: HeaderDialects, allowed: boolean, now: number): Array<[string, string]> {
  if (outcomes.length === 0) return [];
  const headers = dialects.standard ? standardHeaders(outcomes, policies, now) : [];
  if (dialects.legacy) headers.push(...legacyHeaders(outcomes, now));
  if (!allowed) headers.push(['retry-after', String(retryAfterSeconds(outcomes))]);
  return headers;
}
