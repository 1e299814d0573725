/**
 * One request's limits as they answer, for the pipeline guard: the header values, the reports that
 * check() lists, failed-open notes, and the denials to report. Memory verdicts are read field by
 * field as they come (the backend reuses the verdict object), so the pipeline's path allocates no
 * result objects at all.
 */

import type { Verdict } from './algorithms.js';
import type { RateLimitReport } from './guard.js';
import { HeaderTally } from './headers.js';
import type { CompiledLimit, CompiledRule } from './rules.js';
import type { RateLimitResult, RateLimitSource } from './types.js';

/** A limit that denied, for its event and penalty. */
export interface Denial {
  readonly rule: CompiledRule;
  readonly limit: CompiledLimit;
  readonly key: string;
  readonly retryAfterMs: number;
  readonly blocked: boolean;
  readonly source: RateLimitSource;
}

/** Field by field: an object spread here was the costliest step of a rate-limited request (bench/guards.bench.ts). */
export function reportOf(result: RateLimitResult, name: string, rule: string): RateLimitReport {
  const { allowed, limit, remaining, resetAt, retryAfterMs, blocked, failedOpen, source } = result;
  return { allowed, limit, remaining, resetAt, retryAfterMs, blocked, failedOpen, source, name, rule };
}

/** Fields set in the constructor and no `#private` members: see HeaderTally. */
export class RequestTally extends HeaderTally {
  /** Reports, when kept. Starts as a one-element literal: a push onto `[]` would reserve room for 17. */
  declare limits: RateLimitReport[] | undefined;
  declare failedOpen: string[] | undefined;
  declare denials: Denial[] | undefined;
  /** The clock reading the headers and the denial log count from. */
  declare readonly now: number;

  constructor(now: number) {
    super();
    this.now = now;
    this.limits = undefined;
    this.failedOpen = undefined;
    this.denials = undefined;
  }

  private keep(report: RateLimitReport): void {
    if (this.limits === undefined) this.limits = [report];
    else this.limits.push(report);
  }

  /** A memory verdict taken at `at` (whole ms); `report`: also keep its RateLimitReport. */
  countVerdict(rule: CompiledRule, limit: CompiledLimit, key: string, verdict: Verdict, at: number, report: boolean): void {
    const { allowed, remaining, retryAfterMs, blocked } = verdict;
    const resetAt = at + verdict.resetMs;
    this.add(limit, allowed, remaining, resetAt, retryAfterMs, this.now);
    // The fields of RateLimitResult as the limiter makes them (source 'store', never failed open), then name and rule.
    if (report) {
      const { spec } = limit;
      this.keep({ allowed, limit: spec.points, remaining, resetAt, retryAfterMs, blocked, failedOpen: false, source: 'store', name: spec.name, rule: limit.ruleName });
    }
    if (!allowed) (this.denials ??= []).push({ rule, limit, key, retryAfterMs, blocked, source: 'store' });
  }

  /** A result from a limiter (Redis, insurance or policy). */
  countResult(rule: CompiledRule, limit: CompiledLimit, key: string, result: RateLimitResult): void {
    this.add(limit, result.allowed, result.remaining, result.resetAt, result.retryAfterMs, this.now);
    if (result.failedOpen) (this.failedOpen ??= []).push(limit.failedOpenLabel);
    this.keep(reportOf(result, limit.spec.name, limit.ruleName));
    if (!result.allowed) (this.denials ??= []).push({ rule, limit, key, retryAfterMs: result.retryAfterMs, blocked: result.blocked, source: result.source });
  }
}
