/**
 * GCRA (and the token bucket, which admits the same traffic) against a reference model in exact
 * integer arithmetic: a bucket of `points` tokens refilled at points/duration, with tokens scaled
 * by the duration so every quantity is an integer. Random call sequences must give the same
 * verdict, remaining points, wait and reset time, to the millisecond.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/core/rate-limit/index.js';

/** Tokens x duration, so refilling `points` per `durationMs` adds exactly `points` per ms. */
class ReferenceBucket {
  #scaled: bigint;
  #at: bigint;
  readonly #full: bigint;

  constructor(
    readonly points: bigint,
    readonly durationMs: bigint,
    start: bigint,
  ) {
    this.#full = points * durationMs;
    this.#scaled = this.#full;
    this.#at = start;
  }

  consume(now: bigint, cost: bigint): { allowed: boolean; remaining: number; retryAfterMs: number; resetMs: number } {
    const elapsed = now > this.#at ? now - this.#at : 0n;
    this.#scaled = this.#scaled + elapsed * this.points > this.#full ? this.#full : this.#scaled + elapsed * this.points;
    this.#at = now > this.#at ? now : this.#at;
    const need = cost * this.durationMs;
    const allowed = this.#scaled >= need;
    if (allowed) this.#scaled -= need;
    const ceilDiv = (a: bigint, b: bigint): bigint => (a <= 0n ? 0n : (a + b - 1n) / b);
    return {
      allowed,
      remaining: Number(this.#scaled / this.durationMs),
      retryAfterMs: allowed ? 0 : Number(ceilDiv(need - this.#scaled, this.points)),
      resetMs: Number(ceilDiv(this.#full - this.#scaled, this.points)),
    };
  }
}

const START = 1_700_000_000_000;

// Up to 1,000 points per 10 minutes keeps points x duration under 1e9, where one billionth of slack is below one exact step.
const scenario = fc.record({
  points: fc.integer({ min: 1, max: 1000 }),
  durationMs: fc.integer({ min: 1000, max: 600_000 }),
  calls: fc.array(fc.record({ gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 700_000 })), costShare: fc.double({ min: 0, max: 1, noNaN: true }) }), {
    minLength: 1,
    maxLength: 60,
  }),
});

describe.each(['gcra', 'token-bucket'] as const)('%s against the exact reference model', (algorithm) => {
  it('agrees on every verdict, remaining count, wait and reset', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ points, durationMs, calls }) => {
        let now = START;
        const limiter = createRateLimiter({ points, duration: durationMs / 1000, algorithm, now: () => now });
        const reference = new ReferenceBucket(BigInt(points), BigInt(durationMs), BigInt(START));
        for (const { gapMs, costShare } of calls) {
          now += gapMs;
          const cost = Math.max(1, Math.ceil(costShare * points));
          const actual = await limiter.consume('k', cost);
          const expected = reference.consume(BigInt(now), BigInt(cost));
          expect({ allowed: actual.allowed, remaining: actual.remaining, retryAfterMs: actual.retryAfterMs, resetMs: actual.resetAt - now }).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('GCRA Retry-After is exact', () => {
  it('a retry exactly retryAfterMs later passes, one millisecond earlier it does not', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 3_600_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        async (points, durationMs, offset) => {
          let now = START + offset;
          const make = () => createRateLimiter({ points, duration: durationMs / 1000, algorithm: 'gcra', now: () => now });
          const limiter = make();
          await limiter.consume('k', points);
          const denied = await limiter.consume('k');
          expect(denied.allowed).toBe(false);
          const start = now;
          // Probe a twin limiter one millisecond early, so the real one keeps its state.
          const twin = make();
          await twin.consume('k', points);
          now = start + denied.retryAfterMs - 1;
          expect((await twin.consume('k')).allowed).toBe(false);
          now = start + denied.retryAfterMs;
          expect((await limiter.consume('k')).allowed).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
