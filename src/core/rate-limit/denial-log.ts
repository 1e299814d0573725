/**
 * Remembers which (limit, key) pairs were recently reported, so a client hammering a limit yields
 * one event per blocked period instead of one per request. Bounded: the oldest entries go first.
 */

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
