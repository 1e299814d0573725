import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentMap } from '../../src/core/recent-map.js';

describe('RecentMap', () => {
  it('drops the least recently used half when full', () => {
    const map = new RecentMap<string, number>(4);
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) map.set(key, i);
    expect(map.get('a')).toBe(0); // read: moves back to the young generation
    map.set('e', 4);
    expect(map.size).toBeLessThanOrEqual(4);
    // A hit moves the key, so read misses first, then the keys from least to most recently used.
    expect(['b', 'a', 'e'].map((key) => map.get(key))).toEqual([undefined, 0, 4]);
  });

  it('forgets deleted keys in either generation', () => {
    const map = new RecentMap<string, number>(2);
    map.set('old', 1);
    map.set('young', 2);
    expect([map.delete('old'), map.delete('young'), map.delete('never')]).toEqual([true, true, false]);
    expect([map.get('old'), map.get('young'), map.size]).toEqual([undefined, undefined, 0]);
  });

  it('stays within its bound, returns the last value set, and keeps the most recently used half', () => {
    const operation = fc.oneof(
      fc.record({ op: fc.constant('set' as const), key: fc.integer({ min: 0, max: 30 }), value: fc.integer() }),
      fc.record({ op: fc.constantFrom('get' as const, 'delete' as const), key: fc.integer({ min: 0, max: 30 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(operation, { maxLength: 200 }), (max, operations) => {
        const map = new RecentMap<number, number>(max);
        const recent = Math.floor(max / 2);
        const model = new Map<number, number>();
        const used: number[] = []; // keys by last use, most recent last
        const forget = (key: number) => used.includes(key) && used.splice(used.indexOf(key), 1);
        const use = (key: number) => (forget(key), used.push(key));
        for (const step of operations) {
          if (step.op === 'set') {
            map.set(step.key, step.value);
            model.set(step.key, step.value);
            use(step.key);
          } else if (step.op === 'delete') {
            map.delete(step.key);
            model.delete(step.key);
            forget(step.key);
          } else {
            const value = map.get(step.key);
            expect(value === undefined || value === model.get(step.key)).toBe(true);
            if (value !== undefined) use(step.key);
          }
          expect(map.size).toBeLessThanOrEqual(Math.max(2, max));
          for (const key of recent === 0 ? [] : used.slice(-recent)) expect(map.get(key)).toBe(model.get(key));
        }
      }),
    );
  });
});
