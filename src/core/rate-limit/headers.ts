/**
 * Response headers for rate limits, built as one request's limits are counted:
 *
 * - IETF `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers-10/11): Structured
 *   Field Lists with one Item per limit, named by an sf-string, so stacked limits each add their entry:
 *     RateLimit-Policy: "login-burst";q=2;w=1, "login";q=10;w=60
 *     RateLimit: "login-burst";r=0;t=1, "login";r=7;t=42
 *   `q` quota, `w` window in seconds, `r` remaining, `t` seconds until the quota is available again.
 * - legacy `X-RateLimit-Limit` / `-Remaining` / `-Reset` (epoch seconds), for the tightest limit, as an option;
 * - `Retry-After` (seconds) on a denial: the longest wait among the limits that denied, equal to
 *   the `t` of that limit's `RateLimit` entry.
 *
 * The parts that never change (policy items, the quoted names) are computed once per limit, and a
 * request's values are appended as each limit answers: no per-request lists to join.
 */

import type { LimitSpec } from './options.js';

export interface HeaderDialects {
  readonly standard: boolean;
  readonly legacy: boolean;
}

/** What the headers need of a limit, computed once. */
export interface LimitLabels {
  readonly spec: LimitSpec;
  /** The limit's `RateLimit-Policy` item. */
  readonly policy: string;
  /** Writes its `RateLimit` item. */
  readonly stateItem: StateItem;
  /** `X-RateLimit-Limit`. */
  readonly pointsText: string;
}

/** The limit's `RateLimit-Policy` item; constant, so computed once per limit. */
export function policyItem(spec: LimitSpec): string {
  return `"${spec.name}";q=${spec.points};w=${Math.max(1, Math.ceil(spec.durationMs / 1000))}`;
}

export function limitLabels(spec: LimitSpec): LimitLabels {
  return { spec, policy: policyItem(spec), stateItem: new StateItem(`"${spec.name}";r=`), pointsText: String(spec.points) };
}

/** `;t=<n>` for waits up to an hour, each made once when first needed: one string fewer per request. */
const WAIT_PARAMS: Array<string | undefined> = new Array<string | undefined>(3601).fill(undefined);

function waitParam(seconds: number): string {
  if (!(seconds < WAIT_PARAMS.length)) return `;t=${seconds}`;
  return (WAIT_PARAMS[seconds] ??= `;t=${seconds}`);
}

/** 0 to 99 in decimal, unpadded and padded to two digits: two small tables, a few KB in all. */
const LOW = Array.from({ length: 100 }, (_, n) => String(n));
const LOW_PADDED = LOW.map((text) => text.padStart(2, '0'));

/**
 * A limit's `RateLimit` item, `"name";r=<points left>;t=<seconds>`. Points left change by one per
 * call and `t` once a second, so the item keeps the text before the last two digits of `r` and
 * the `;t=` part it made last, and appends the last two digits from a table of 100 strings:
 * two concatenations a call, no string built digit by digit (about half the instructions of doing so).
 */
export class StateItem {
  #hundreds = -1;
  #prefix = '';
  #seconds = -1;
  #tail = '';

  /** `start`: `"name";r=`. */
  constructor(readonly start: string) {}

  text(remaining: number, seconds: number): string {
    if (seconds !== this.#seconds) {
      this.#seconds = seconds;
      this.#tail = waitParam(seconds);
    }
    if (!Number.isInteger(remaining) || remaining < 0 || remaining >= 1e15) return this.start + remaining + this.#tail;
    const hundreds = Math.floor(remaining / 100);
    if (hundreds !== this.#hundreds) {
      this.#hundreds = hundreds;
      this.#prefix = hundreds === 0 ? this.start : this.start + hundreds;
    }
    const low = remaining - hundreds * 100;
    return this.#prefix + (hundreds === 0 ? LOW[low]! : LOW_PADDED[low]!) + this.#tail;
  }
}

/**
 * The limit's `RateLimit` item: `"name";r=<points left>;t=<seconds>`, where `t` counts to a whole
 * quota when allowed and to the next allowed call when denied. The fields are RateLimitResult's.
 */
export function rateLimitItem(labels: LimitLabels, allowed: boolean, remaining: number, resetAt: number, retryAfterMs: number, now: number): string {
  const seconds = allowed ? Math.max(0, Math.ceil((resetAt - now) / 1000)) : Math.max(1, Math.ceil(retryAfterMs / 1000));
  return labels.stateItem.text(allowed ? remaining : 0, seconds);
}

/** Where headers go: a response's trusted setter, or a list. Names are lower-case; values need no validation. */
export interface HeaderSink {
  setTrusted(name: string, value: string): void;
}

/** Collects headers as `[name, value]` pairs. */
export class HeaderList implements HeaderSink {
  readonly list: Array<[string, string]> = [];

  setTrusted(name: string, value: string): void {
    this.list.push([name, value]);
  }
}

/**
 * The header values of one request's limits, added in order. Only numbers and precomputed strings
 * are kept (no result objects), so the caller may pass the memory backend's reused verdict fields.
 * Fields are set in the constructor and private to TypeScript only: V8 builds a subclass instance
 * (RequestTally, one per request) about 3x slower when its base class has field initializers or
 * `#private` fields.
 */
export class HeaderTally {
  declare allowed: boolean;
  /** `Retry-After`: the longest wait among the limits that denied (at least 1). */
  declare retryAfter: number;
  private declare policy: string;
  private declare state: string;
  /** The tightest limit so far: fewest points left, then the longest wait (the first of equals). */
  private declare tightest: LimitLabels | undefined;
  private declare tightRemaining: number;
  private declare tightResetAt: number;
  /** `X-RateLimit-Reset` of the tightest limit, in ms. */
  private declare tightResetMs: number;

  constructor() {
    this.allowed = true;
    this.retryAfter = 1;
    this.policy = '';
    this.state = '';
    this.tightest = undefined;
    this.tightRemaining = 0;
    this.tightResetAt = 0;
    this.tightResetMs = 0;
  }

  /** One limit's answer; `resetAt` and `retryAfterMs` as in RateLimitResult, `now` the time the headers count from. */
  add(labels: LimitLabels, allowed: boolean, remainingPoints: number, resetAt: number, retryAfterMs: number, now: number): void {
    const remaining = allowed ? remainingPoints : 0;
    const state = rateLimitItem(labels, allowed, remainingPoints, resetAt, retryAfterMs, now);
    if (this.tightest === undefined) {
      this.policy = labels.policy;
      this.state = state;
    } else {
      this.policy += `, ${labels.policy}`;
      this.state += `, ${state}`;
    }
    if (!allowed) {
      this.allowed = false;
      this.retryAfter = Math.max(this.retryAfter, Math.ceil(retryAfterMs / 1000));
    }
    if (this.tightest === undefined || remaining < this.tightRemaining || (remaining === this.tightRemaining && resetAt > this.tightResetAt)) {
      this.tightest = labels;
      this.tightRemaining = remaining;
      this.tightResetAt = resetAt;
      this.tightResetMs = allowed ? resetAt : now + retryAfterMs;
    }
  }

  /** All headers, in order: standard, legacy, `Retry-After` on a denial. None when no limit was added. */
  write(dialects: HeaderDialects, sink: HeaderSink): void {
    const labels = this.tightest;
    if (labels === undefined) return;
    if (dialects.standard) {
      sink.setTrusted('ratelimit-policy', this.policy);
      sink.setTrusted('ratelimit', this.state);
    }
    if (dialects.legacy) {
      sink.setTrusted('x-ratelimit-limit', labels.pointsText);
      sink.setTrusted('x-ratelimit-remaining', String(this.tightRemaining));
      sink.setTrusted('x-ratelimit-reset', String(Math.ceil(this.tightResetMs / 1000)));
    }
    if (!this.allowed) sink.setTrusted('retry-after', String(this.retryAfter));
  }
}
