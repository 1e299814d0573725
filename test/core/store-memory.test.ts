import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { createMemoryStore, storeKey, taggedKey } from '../../src/core/store/index.js';
import { storeContract } from './store-contract.js';

storeContract({
  name: 'memory',
  open: async () => {
    const store = createMemoryStore();
    return [store, store, store, store];
  },
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('createMemoryStore', () => {
  it('reports its kind, prefix and timeout', async () => {
    const store = createMemoryStore({ prefix: 'app:', timeoutMs: 40 });
    expect([store.kind, store.prefix, store.timeoutMs]).toEqual(['memory', 'app:', 40]);
    await store.close();
  });

  it('holds at most maxEntries keys, evicting the least recently written first', async () => {
    const store = createMemoryStore({ maxEntries: 3 });
    const keys = ['a', 'b', 'c', 'd'].map((k) => storeKey('mem', k));
    for (const key of keys.slice(0, 3)) await store.set(key, 'v', { ttlMs: 60_000 });
    await store.set(keys[0]!, 'rewritten', { ttlMs: 60_000 }); // 'a' is now the most recent write
    await store.addMember(taggedKey('mem', 'owner'), 'm', { score: 1, max: 1, ttlMs: 60_000 });
    expect(await Promise.all(keys.map((k) => store.get(k)))).toEqual(['rewritten', undefined, 'v', undefined]);
    await store.set(keys[3]!, 'v', { ttlMs: 60_000 });
    expect(await store.get(keys[2]!)).toBeUndefined();
    expect(await store.listMembers(taggedKey('mem', 'owner'))).toHaveLength(1);
    await store.close();
  });

  it('evicts an expired key before a live one when full', async () => {
    const store = createMemoryStore({ maxEntries: 2 });
    const [live, expiring, incoming] = ['live', 'expiring', 'incoming'].map((k) => storeKey('mem', k));
    await store.set(live!, 'v', { ttlMs: 60_000 });
    await store.set(expiring!, 'v', { ttlMs: 30 });
    await sleep(100);
    await store.set(incoming!, 'v', { ttlMs: 60_000 });
    expect(await store.get(live!)).toBe('v');
    expect(await store.get(incoming!)).toBe('v');
    await store.close();
  });

  it('validates options at construction, suggesting the right name', () => {
    expect(() => createMemoryStore({ maxEntrys: 10 } as never)).toThrow(/did you mean "maxEntries"/);
    expect(() => createMemoryStore({ maxEntries: 0 })).toThrow(ConfigurationError);
    expect(() => createMemoryStore({ sweepIntervalMs: 5 })).toThrow(ConfigurationError);
    expect(() => createMemoryStore({ timeoutMs: 0 })).toThrow(ConfigurationError);
    for (const prefix of ['{tag}', 'a#b', 'with space', 'x'.repeat(65), 7]) {
      expect(() => createMemoryStore({ prefix: prefix as string })).toThrow(ConfigurationError);
    }
  });
});
