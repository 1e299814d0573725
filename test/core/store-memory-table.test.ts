import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryTable } from '../../src/core/store/memory-table.js';

const entry = (value: number, expiresAt = Number.MAX_SAFE_INTEGER) => ({ value, expiresAt, written: 0 });

describe('MemoryTable', () => {
  it('evicts an expired key among the oldest before the least recently written one', () => {
    const table = new MemoryTable<ReturnType<typeof entry>>(3);
    table.set('a', entry(1), 0);
    table.set('b', entry(2, 10), 0);
    table.set('c', entry(3), 0);
    table.set('d', entry(4), 20); // full: 'b' has expired by now
    expect(['a', 'b', 'c', 'd'].map((key) => table.get(key, 20)?.value)).toEqual([1, undefined, 3, 4]);
    table.set('a', entry(5), 20); // a rewrite makes 'a' the most recently written
    table.set('e', entry(6), 20);
    expect(['a', 'c', 'd', 'e'].map((key) => table.get(key, 20)?.value)).toEqual([5, undefined, 4, 6]);
  });

  it('drops a key read after it expired', () => {
    const table = new MemoryTable<ReturnType<typeof entry>>(3);
    table.set('a', entry(1, 10), 0);
    expect([table.get('a', 10)?.value, table.get('a', 11), table.size]).toEqual([1, undefined, 0]);
  });

  it('matches a least-recently-written model under any mix of writes and deletes', () => {
    const operation = fc.record({ write: fc.boolean(), key: fc.integer({ min: 0, max: 40 }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(operation, { maxLength: 3000 }), (max, operations) => {
        const table = new MemoryTable<ReturnType<typeof entry>>(max);
        const model: number[] = []; // live keys, least recently written first
        operations.forEach(({ write, key }, step) => {
          const at = model.indexOf(key);
          if (at !== -1) model.splice(at, 1);
          if (write) {
            if (at === -1 && model.length >= max) model.shift();
            model.push(key);
            table.set(String(key), entry(step), 0);
          } else {
            table.delete(String(key));
          }
          expect(table.size).toBe(model.length);
        });
        for (const key of model) expect(table.get(String(key), 0)).toBeDefined();
      }),
      { numRuns: 200 },
    );
  });
});
