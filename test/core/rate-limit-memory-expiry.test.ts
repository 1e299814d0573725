import { describe, expect, it } from 'vitest';
import { fixedWindowStep, newSlot } from '../../src/core/rate-limit/algorithms.js';
import { limitSpec } from '../../src/core/rate-limit/limiter.js';
import { createMemoryBackend, type MemoryBackend } from '../../src/core/rate-limit/memory-backend.js';

/** The key's state as the limiter reads it: live, else renewed. */
const slotOf = (memory: MemoryBackend, key: string, now: number) => memory.live(key, now) ?? memory.renew(key, now);

const spec = limitSpec({ name: 'm', algorithm: 'fixed-window', points: 5, durationMs: 1000, blockMs: 0 });

describe('memory backend: window ends', () => {
  it('makes a new key a state like newSlot(), expired by now', () => {
    const slot = slotOf(createMemoryBackend(10), 'k', 500);
    expect(slot).toMatchObject(newSlot());
    expect(slot.expiresAt).toBeLessThanOrEqual(500);
  });

  it('keeps a live state, and renews the same state at the exact end of its window', () => {
    const memory = createMemoryBackend(10);
    const first = slotOf(memory, 'k', 0);
    fixedWindowStep(spec, first, false, 0, 2);
    expect(first.expiresAt).toBe(1000);
    expect(slotOf(memory, 'k', 999)).toBe(first);
    expect(slotOf(memory, 'k', 999).a).toBe(2);
    const atEnd = slotOf(memory, 'k', 1000);
    expect(atEnd).toBe(first);
    fixedWindowStep(spec, atEnd, false, 1000, 1);
    expect(atEnd).toMatchObject({ a: 1, expiresAt: 2000 });
  });

  it('replaces a state that expired before now with a new one, keeping the size', () => {
    const memory = createMemoryBackend(10);
    const first = slotOf(memory, 'k', 0);
    fixedWindowStep(spec, first, false, 0, 3);
    const later = slotOf(memory, 'k', 1001);
    expect(later).not.toBe(first);
    expect(later).toMatchObject(newSlot());
    expect(memory.size).toBe(1);
  });

  it('counts the same through consume() and slot() across window ends', () => {
    const memory = createMemoryBackend(10);
    const other = createMemoryBackend(10);
    for (const now of [0, 10, 999, 1000, 1001, 1999, 2000, 2500, 4000, 4001]) {
      const verdict = memory.consume(spec, 'k', 2, now);
      const slot = slotOf(other, 'k', now);
      const allowed = fixedWindowStep(spec, slot, false, now, 2);
      expect({ allowed: verdict.allowed, remaining: verdict.remaining, resetMs: verdict.resetMs }).toEqual({
        allowed,
        remaining: Math.max(0, spec.points - slot.a),
        resetMs: slot.expiresAt - now,
      });
    }
  });

  it('live() answers only for a live state; renew() keeps or makes one', () => {
    const memory = createMemoryBackend(10);
    expect(memory.live('k', 0)).toBeUndefined();
    expect(memory.size).toBe(0);
    const slot = memory.renew('k', 0);
    expect(memory.live('k', 0)).toBeUndefined(); // renewed, not yet stepped: expired by now
    fixedWindowStep(spec, slot, false, 0, 1);
    expect(memory.live('k', 999)).toBe(slot);
    expect(memory.live('k', 1000)).toBeUndefined();
    expect(memory.renew('k', 1000)).toBe(slot);
    expect(slotOf(memory, 'k', 1000)).toBe(slot);
    expect(memory.size).toBe(1);
  });

  it('stays within its key limit', () => {
    const memory = createMemoryBackend(2);
    for (const key of ['a', 'b', 'c', 'd']) fixedWindowStep(spec, slotOf(memory, key, 0), false, 0, 1);
    expect(memory.size).toBe(2);
  });
});
