/**
 * Bounded, sliding per-subject history: the last `size` events of each subject within `windowMs`,
 * for at most `maxSubjects` subjects (the least recently seen go first). Nothing grows without bound.
 */

import { RecentMap } from '../recent-map.js';

export interface HistoryEvent {
  readonly time: number;
  /** What to count distinct values of: a user agent, a client subnet. */
  readonly value: string;
}

export class SlidingHistory {
  readonly #subjects: RecentMap<string, HistoryEvent[]>;

  constructor(
    readonly size: number,
    readonly windowMs: number,
    readonly maxSubjects: number,
  ) {
    this.#subjects = new RecentMap(maxSubjects);
  }

  /** Records an event and returns the subject's events within the window, oldest first (the array is live: do not keep it). */
  record(subject: string, event: HistoryEvent): readonly HistoryEvent[] {
    let events = this.#subjects.get(subject);
    if (events === undefined) this.#subjects.set(subject, (events = []));
    events.push(event);
    const oldest = event.time - this.windowMs;
    let drop = Math.max(0, events.length - this.size);
    while (drop < events.length && events[drop]!.time <= oldest) drop++;
    if (drop > 0) events.splice(0, drop);
    return events;
  }

  get subjects(): number {
    return this.#subjects.size;
  }
}

/** How many different values the events carry. */
export function distinctValues(events: readonly HistoryEvent[]): number {
  if (events.length < 2) return events.length;
  return new Set(events.map((event) => event.value)).size;
}
