/**
 * The four algorithms as pure steps on a small state record. The memory backend runs these; the
 * Lua scripts in redis-scripts.ts are line-for-line translations (same operations in the same
 * order on IEEE doubles), so memory, Redis and Cluster give the same answers for the same inputs.
 *
 * State fields by algorithm (unused ones stay 0):
 * - fixed-window:   a = points used in the window; expiresAt = window end (rate-limiter-flexible's model)
 * - sliding-window: a = current window count, b = previous window count, c = current window start
 * - token-bucket:   a = tokens, c = last update
 * - gcra:           a = how far the theoretical arrival time (TAT) was ahead of c, c = last update
 *
 * A missing state and an expired one mean the same thing, so expiry only frees memory.
 */

import type { LimitSpec } from './options.js';

export interface Slot {
  a: number;
  b: number;
  c: number;
  blockedUntil: number;
  /** When the state can be forgotten (ms). */
  expiresAt: number;
}

/** Integers only, so Redis (whose Lua replies truncate numbers) and memory agree exactly. */
export interface Verdict {
  allowed: boolean;
  remaining: number;
  /** ms until the budget is whole again. */
  resetMs: number;
  /** ms until a call of the same cost can pass; 0 when allowed. */
  retryAfterMs: number;
  blocked: boolean;
}

export function newSlot(): Slot {
  return { a: 0, b: 0, c: 0, blockedUntil: 0, expiresAt: 0 };
}

/**
 * Float slack, one billionth of the window (in ms) or of the budget (in points), so that rounding
 * never denies a request that fits; a request is never let through more than a billionth of the
 * window early.
 */
const SLACK = 1e-9;

/**
 * The fixed-window step on `slot`: true when the call fits. The verdict's fields follow from the
 * slot afterwards (see fixedWindow); the memory limiter reads them from there into its result.
 * A slot from MemoryBackend.live() or renew() needs no `fresh`: a renewed slot has expired by `now`.
 */
export function fixedWindowStep(spec: LimitSpec, slot: Slot, fresh: boolean, now: number, cost: number): boolean {
  if (fresh || now >= slot.expiresAt) {
    slot.a = 0;
    slot.expiresAt = now + spec.durationMs;
  }
  slot.a += cost;
  const allowed = slot.a <= spec.points;
  // Like rate-limiter-flexible: the call that first goes over extends the window to the block's end.
  if (!allowed && spec.blockMs > 0 && slot.a - cost <= spec.points) slot.expiresAt = now + spec.blockMs;
  return allowed;
}

function fixedWindow(spec: LimitSpec, slot: Slot, fresh: boolean, now: number, cost: number, out: Verdict): Verdict {
  const allowed = fixedWindowStep(spec, slot, fresh, now, cost);
  const resetMs = slot.expiresAt - now;
  // fill() written out: the memory limiter's hot path, one call level less to inline.
  out.allowed = allowed;
  out.remaining = Math.max(0, spec.points - slot.a);
  out.resetMs = resetMs;
  out.retryAfterMs = allowed ? 0 : resetMs;
  out.blocked = !allowed && spec.blockMs > 0;
  return out;
}

function slidingWindow(spec: LimitSpec, slot: Slot, fresh: boolean, now: number, cost: number, out: Verdict): Verdict {
  const eps = { ms: spec.durationMs * SLACK, points: spec.points * SLACK };
  const D = spec.durationMs;
  const P = spec.points;
  const start = now - (now % D);
  if (fresh) {
    slot.a = 0;
    slot.b = 0;
    slot.c = start;
  } else if (slot.c !== start) {
    slot.b = slot.c === start - D ? slot.a : 0;
    slot.a = 0;
    slot.c = start;
  }
  const elapsed = now - start;
  let used = (slot.b * (D - elapsed)) / D + slot.a;
  const allowed = used + cost <= P + eps.points;
  let retryAfterMs = 0;
  if (allowed) {
    slot.a += cost;
    used += cost;
  } else if (slot.a + cost <= P) {
    // The previous window's share fades until it leaves room for `cost` in this window.
    retryAfterMs = Math.ceil(D - (D * (P - slot.a - cost)) / slot.b - eps.ms) - elapsed;
  } else {
    // Not in this window: in the next one this window's count is the fading "previous".
    retryAfterMs = D - elapsed + Math.ceil(D - (D * (P - cost)) / slot.a - eps.ms);
  }
  const resetMs = slot.a > 0 ? start + 2 * D - now : slot.b > 0 ? start + D - now : 0;
  slot.expiresAt = start + 2 * D;
  return fill(out, allowed, Math.max(0, Math.floor(P - used + eps.points)), resetMs, Math.max(retryAfterMs, allowed ? 0 : 1), false);
}

function tokenBucket(spec: LimitSpec, slot: Slot, fresh: boolean, now: number, cost: number, out: Verdict): Verdict {
  const eps = { ms: spec.durationMs * SLACK, points: spec.points * SLACK };
  const D = spec.durationMs;
  const P = spec.points;
  let tokens = P;
  if (!fresh) tokens = Math.min(P, slot.a + (Math.max(0, now - slot.c) * P) / D);
  const allowed = tokens + eps.points >= cost;
  if (allowed) tokens = Math.max(0, tokens - cost);
  slot.a = tokens;
  slot.c = now;
  const resetMs = Math.ceil(((P - tokens) * D) / P - eps.ms);
  slot.expiresAt = now + Math.max(1, resetMs);
  const retryAfterMs = allowed ? 0 : Math.max(1, Math.ceil(((cost - tokens) * D) / P - eps.ms));
  return fill(out, allowed, Math.floor(tokens + eps.points), Math.max(0, resetMs), retryAfterMs, false);
}

function gcra(spec: LimitSpec, slot: Slot, fresh: boolean, now: number, cost: number, out: Verdict): Verdict {
  const eps = { ms: spec.durationMs * SLACK, points: spec.points * SLACK };
  const D = spec.durationMs;
  const T = D / spec.points; // emission interval
  const ahead = fresh ? 0 : Math.max(0, slot.a - Math.max(0, now - slot.c)); // TAT - now
  const next = ahead + cost * T;
  const allowed = next - D <= eps.ms;
  const kept = allowed ? next : ahead;
  if (allowed) {
    slot.a = next;
    slot.c = now;
    slot.expiresAt = now + Math.max(1, Math.ceil(next));
  }
  return fill(
    out,
    allowed,
    Math.max(0, Math.floor((D - kept) / T + SLACK)),
    Math.max(0, Math.ceil(kept - eps.ms)),
    allowed ? 0 : Math.max(1, Math.ceil(next - D - eps.ms)),
    false,
  );
}

export function newVerdict(): Verdict {
  return { allowed: false, remaining: 0, resetMs: 0, retryAfterMs: 0, blocked: false };
}

function fill(out: Verdict, allowed: boolean, remaining: number, resetMs: number, retryAfterMs: number, blocked: boolean): Verdict {
  out.allowed = allowed;
  out.remaining = remaining;
  out.resetMs = resetMs;
  out.retryAfterMs = retryAfterMs;
  out.blocked = blocked;
  return out;
}

/**
 * One call: updates `slot` in place and writes the verdict into `out` (reused by the caller, so a
 * check allocates nothing here). `fresh` means there was no live state.
 * Blocking (every algorithm but fixed windows, which block the rate-limiter-flexible way) refuses
 * the key until `blockedUntil` after a denial.
 */
export function step(spec: LimitSpec, slot: Slot, fresh: boolean, now: number, cost: number, out: Verdict): Verdict {
  if (spec.algorithm === 'fixed-window') return fixedWindow(spec, slot, fresh, now, cost, out);
  if (fresh) slot.blockedUntil = 0;
  if (slot.blockedUntil > now) {
    const wait = slot.blockedUntil - now;
    return fill(out, false, 0, wait, wait, true);
  }
  const verdict =
    spec.algorithm === 'gcra'
      ? gcra(spec, slot, fresh, now, cost, out)
      : spec.algorithm === 'token-bucket'
        ? tokenBucket(spec, slot, fresh, now, cost, out)
        : slidingWindow(spec, slot, fresh, now, cost, out);
  if (!verdict.allowed && spec.blockMs > 0) {
    slot.blockedUntil = now + spec.blockMs;
    slot.expiresAt = Math.max(slot.expiresAt, slot.blockedUntil);
    verdict.blocked = true;
    verdict.retryAfterMs = Math.max(verdict.retryAfterMs, spec.blockMs);
    verdict.resetMs = Math.max(verdict.resetMs, spec.blockMs);
  }
  return verdict;
}
