/**
 * Remembers which (limit, key) pairs were recently reported, so a client hammering a limit yields
 * one event per blocked period instead of one per request. Bounded: the oldest entries go first.
 */

import type { RateLimitGuardInput } from './guard.js';
import type { Denial } from './tally.js';
import type { RateLimitEventSink } from './types.js';

export interface DenialLog {
  /** The number of denials suppressed since the last report when this one should be reported; otherwise undefined. */
  firstInPeriod(id: string, now: number, periodMs: number): number | undefined;
}

interface Entry {
  until: number;
  suppressed: number;
}

export function createDenialLog(maxEntries: number): DenialLog {
  const entries = new Map<string, Entry>();
  return {
    firstInPeriod(id, now, periodMs) {
      const entry = entries.get(id);
      if (entry !== undefined && now < entry.until) {
        entry.suppressed++;
        return undefined;
      }
      const suppressed = entry?.suppressed ?? 0;
      entries.delete(id);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(id, { until: now + periodMs, suppressed: 0 });
      return suppressed;
    },
  };
}

/** Reports a request's denials: `excess_rate_limit_exceeded` and the offence, at most once per key and limit per blocked period. */
export type DenialReporter = (input: RateLimitGuardInput, denied: readonly Denial[], now: number) => void;

export function createDenialReporter(
  maxEntries: number,
  emit: RateLimitEventSink | undefined,
  bans: { penalize(clientIp: string, reason?: string): Promise<unknown> } | undefined,
): DenialReporter {
  const log = createDenialLog(maxEntries);
  return (input, denied, now) => {
    for (const { rule, limit, key, retryAfterMs, blocked, source } of denied) {
      const name = limit.spec.name;
      const suppressed = log.firstInPeriod(`${name}\n${key}`, now, Math.max(1000, retryAfterMs));
      if (suppressed === undefined) continue;
      const { context } = input;
      try {
        emit?.({
          type: 'excess_rate_limit_exceeded',
          level: 'WARN',
          description: `rate limit "${name}" exceeded (${limit.spec.points} per ${limit.spec.durationMs / 1000} s)`,
          requestId: context.requestId,
          clientIp: input.clientIp,
          method: input.method,
          path: context.path,
          details: { rule: rule.name, limit: name, retryAfterMs, blocked, source, suppressedSinceLast: suppressed },
        });
      } catch {
        // A failing sink must not fail the request.
      }
      if (rule.penalize && bans !== undefined && input.clientIp !== undefined) bans.penalize(input.clientIp, `rate limit "${name}"`).catch(() => undefined);
    }
  };
}
