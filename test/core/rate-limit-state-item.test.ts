import { describe, expect, it } from 'vitest';
import { StateItem } from '../../src/core/rate-limit/headers.js';
import { createMemoryBackend, type MemoryBackend } from '../../src/core/rate-limit/memory-backend.js';
import { limitSpec } from '../../src/core/rate-limit/limiter.js';

/** The key's state as the limiter reads it: live, else renewed. */
const slotOf = (memory: MemoryBackend, key: string, now: number) => memory.live(key, now) ?? memory.renew(key, now);

describe('StateItem', () => {
  it('writes the same text as plain formatting, counting down across hundreds and thousands', () => {
    const item = new StateItem('"api";r=');
    for (let remaining = 2105; remaining >= 0; remaining--) {
      const seconds = remaining % 7 === 0 ? 3601 + remaining : remaining % 61;
      expect(item.text(remaining, seconds)).toBe(`"api";r=${remaining};t=${seconds}`);
    }
  });

  it('handles jumps, large counts and values that are not whole numbers', () => {
    const item = new StateItem('"x";r=');
    for (const remaining of [5, 999_999_999, 100, 99, 1e15 - 1, 1e15, 0, 1e6, 10, 1.5, -0, 1_000_000_000, 7]) {
      expect(item.text(remaining, 1)).toBe(`"x";r=${remaining};t=1`);
    }
  });
});

describe('memory backend', () => {
  it('counts per key and reports its size', () => {
    const memory = createMemoryBackend(10);
    const spec = limitSpec({ name: 'm', algorithm: 'fixed-window', points: 2, durationMs: 1000, blockMs: 0 });
    expect(memory.consume(spec, 'a', 1, 0).remaining).toBe(1);
    expect(memory.consume(spec, 'a', 1, 10).remaining).toBe(0);
    expect(memory.consume(spec, 'a', 1, 20).allowed).toBe(false);
    expect(slotOf(memory, 'b', 0).a).toBe(0);
    expect(memory.size).toBe(2);
    memory.reset('a');
    expect(memory.size).toBe(1);
    expect(memory.consume(spec, 'a', 1, 30).remaining).toBe(1);
  });
});
