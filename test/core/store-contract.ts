/**
 * The store contract: one suite that every SecurityStore implementation must pass unchanged.
 * `open()` returns several handles on one shared keyspace (one instance for memory, separate
 * connections for Redis) so concurrency tests race across connections, not only within one.
 */

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import {
  MAX_TTL_MS,
  MAX_VALUE_LENGTH,
  StoreUnavailableError,
  storeKey,
  taggedKey,
  type SecurityStore,
  type StoreKey,
  type TaggedStoreKey,
} from '../../src/core/store/index.js';

export interface StoreFactory {
  name: string;
  /** Handles on one shared keyspace; the first is used for single-handle tests. */
  open(): Promise<SecurityStore[]>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const SHORT_TTL = 60;
const PAST_SHORT_TTL = 200;
const LONG_TTL = 60_000;

/** A key no other test (or earlier run on the same server) uses. */
const fresh = (): StoreKey => storeKey('contract', randomUUID());
const freshOwner = (): TaggedStoreKey => taggedKey('contract', randomUUID());

/** Code point order, computed independently of the store: compare the UTF-8 bytes. */
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

export function storeContract(factory: StoreFactory): void {
  describe(`store contract: ${factory.name}`, () => {
    let handles: SecurityStore[] = [];
    let store: SecurityStore;
    const on = (i: number): SecurityStore => handles[i % handles.length]!;

    beforeAll(async () => {
      handles = await factory.open();
      store = handles[0]!;
    });
    afterAll(async () => {
      await Promise.all([...new Set(handles)].map((h) => h.close()));
    });

    it('gets, sets, replaces and deletes string values', async () => {
      const key = fresh();
      expect(await store.get(key)).toBeUndefined();
      await store.set(key, 'first', { ttlMs: LONG_TTL });
      expect(await store.get(key)).toBe('first');
      await store.set(key, 'second', { ttlMs: LONG_TTL });
      expect(await store.get(key)).toBe('second');
      expect(await store.delete(key)).toBe(true);
      expect(await store.delete(key)).toBe(false);
      expect(await store.get(key)).toBeUndefined();
    });

    it('keeps any well-formed string exactly, including JSON, NUL, line breaks and astral characters', async () => {
      const values = ['', '{"sub":"u1","n":[1,2]}', 'a\0b\r\nc', 'é 日本 😀 \uFFFF', 'x'.repeat(100_000)];
      const keys = values.map(() => fresh());
      await Promise.all(values.map((v, i) => store.set(keys[i]!, v, { ttlMs: LONG_TTL })));
      expect(await Promise.all(keys.map((k) => store.get(k)))).toEqual(values);
    });

    it('setIfAbsent stores only when the key is missing', async () => {
      const key = fresh();
      expect(await store.setIfAbsent(key, 'a', { ttlMs: LONG_TTL })).toBe(true);
      expect(await store.setIfAbsent(key, 'b', { ttlMs: LONG_TTL })).toBe(false);
      expect(await store.get(key)).toBe('a');
    });

    it('swap stores the new value and returns the previous one', async () => {
      const key = fresh();
      expect(await store.swap(key, 'one', { ttlMs: LONG_TTL })).toBeUndefined();
      expect(await store.swap(key, 'two', { ttlMs: LONG_TTL })).toBe('one');
      expect(await store.get(key)).toBe('two');
    });

    it('take returns the value once and deletes it', async () => {
      const key = fresh();
      await store.set(key, 'refresh-record', { ttlMs: LONG_TTL });
      expect(await store.take(key)).toBe('refresh-record');
      expect(await store.take(key)).toBeUndefined();
      expect(await store.get(key)).toBeUndefined();
    });

    it('increment counts from zero by any safe integer step', async () => {
      const key = fresh();
      expect(await store.increment(key, { ttlMs: LONG_TTL })).toBe(1);
      expect(await store.increment(key, { ttlMs: LONG_TTL, by: 5 })).toBe(6);
      expect(await store.increment(key, { ttlMs: LONG_TTL, by: -10 })).toBe(-4);
      expect(await store.get(key)).toBe('-4');
    });

    it('increment sets the TTL only when it creates the key (fixed window)', async () => {
      const key = fresh();
      await store.increment(key, { ttlMs: LONG_TTL });
      await store.increment(key, { ttlMs: 10 * LONG_TTL });
      const ttl = await store.ttlMs(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(LONG_TTL);
    });

    it('increment refuses keys that do not hold an integer, and results beyond safe integers', async () => {
      const text = fresh();
      await store.set(text, 'abc', { ttlMs: LONG_TTL });
      await expect(store.increment(text, { ttlMs: LONG_TTL })).rejects.toBeInstanceOf(InvalidInputError);
      for (const notCanonical of [' 1', '01', '+1', '1.5', '']) {
        await store.set(text, notCanonical, { ttlMs: LONG_TTL });
        await expect(store.increment(text, { ttlMs: LONG_TTL })).rejects.toBeInstanceOf(InvalidInputError);
      }
      const big = fresh();
      await store.increment(big, { ttlMs: LONG_TTL, by: Number.MAX_SAFE_INTEGER });
      await expect(store.increment(big, { ttlMs: LONG_TTL })).rejects.toBeInstanceOf(InvalidInputError);
      expect(await store.get(big)).toBe(String(Number.MAX_SAFE_INTEGER));
    });

    it('expire sets a new TTL on existing keys only; ttlMs reports it', async () => {
      const key = fresh();
      expect(await store.ttlMs(key)).toBeUndefined();
      expect(await store.expire(key, { ttlMs: LONG_TTL })).toBe(false);
      await store.set(key, 'v', { ttlMs: 1000 });
      const before = await store.ttlMs(key);
      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThanOrEqual(1000);
      expect(await store.expire(key, { ttlMs: LONG_TTL })).toBe(true);
      expect(await store.ttlMs(key)).toBeGreaterThan(1000);
      expect(await store.get(key)).toBe('v');
    });

    it('expires values, counters and collection members after their TTL', async () => {
      const [value, counter, nx, owner] = [fresh(), fresh(), fresh(), freshOwner()];
      await store.set(value, 'v', { ttlMs: SHORT_TTL });
      await store.increment(counter, { ttlMs: SHORT_TTL, by: 7 });
      await store.setIfAbsent(nx, 'first', { ttlMs: SHORT_TTL });
      await store.addMember(owner, 'short', { score: 1, max: 2, ttlMs: SHORT_TTL });
      await store.addMember(owner, 'long', { score: 2, max: 2, ttlMs: LONG_TTL });
      await sleep(PAST_SHORT_TTL);
      expect(await store.get(value)).toBeUndefined();
      expect(await store.ttlMs(value)).toBeUndefined();
      expect(await store.increment(counter, { ttlMs: LONG_TTL })).toBe(1);
      expect(await store.setIfAbsent(nx, 'again', { ttlMs: LONG_TTL })).toBe(true);
      expect((await store.listMembers(owner)).map((m) => m.id)).toEqual(['long']);
      // The expired member no longer counts against the cap and is not reported as evicted.
      expect(await store.addMember(owner, 'third', { score: 3, max: 2, ttlMs: LONG_TTL })).toEqual([]);
      expect(await store.removeMember(owner, 'short')).toBe(false);
    });

    describe('capped collections', () => {
      it('adds members and evicts the lowest scores beyond max, returning their ids', async () => {
        const owner = freshOwner();
        const evicted: string[] = [];
        for (let i = 0; i < 6; i++) {
          evicted.push(...(await store.addMember(owner, `s${i}`, { score: 1000 + i, max: 3, ttlMs: LONG_TTL, value: `meta${i}` })));
        }
        expect(evicted).toEqual(['s0', 's1', 's2']);
        const members = await store.listMembers(owner);
        expect(members.map((m) => [m.id, m.score, m.value])).toEqual([
          ['s3', 1003, 'meta3'],
          ['s4', 1004, 'meta4'],
          ['s5', 1005, 'meta5'],
        ]);
        const now = Date.now();
        for (const m of members) {
          expect(m.expiresAt).toBeGreaterThan(now);
          expect(m.expiresAt).toBeLessThanOrEqual(now + LONG_TTL + 1000);
        }
      });

      it('evicts a new member at once when it scores lowest', async () => {
        const owner = freshOwner();
        await store.addMember(owner, 'new', { score: 10, max: 1, ttlMs: LONG_TTL });
        expect(await store.addMember(owner, 'older', { score: 5, max: 1, ttlMs: LONG_TTL })).toEqual(['older']);
        expect((await store.listMembers(owner)).map((m) => m.id)).toEqual(['new']);
      });

      it('re-adding a member updates its score and replaces its value', async () => {
        const owner = freshOwner();
        await store.addMember(owner, 'a', { score: 1, max: 5, ttlMs: LONG_TTL, value: 'v1' });
        await store.addMember(owner, 'b', { score: 2, max: 5, ttlMs: LONG_TTL });
        expect(await store.addMember(owner, 'a', { score: 3, max: 5, ttlMs: LONG_TTL })).toEqual([]);
        expect((await store.listMembers(owner)).map((m) => [m.id, m.score, m.value])).toEqual([
          ['b', 2, undefined],
          ['a', 3, undefined],
        ]);
      });

      it('orders equal scores by id in code point (UTF-8 byte) order, and keeps fractional scores exact', async () => {
        const owner = freshOwner();
        const ids = ['b', 'a', 'ab', '\uFFFF', '😀', 'é', 'Z', '\uE000'];
        for (const id of ids) await store.addMember(owner, id, { score: 0.1, max: 100, ttlMs: LONG_TTL });
        const listed = await store.listMembers(owner);
        expect(listed.map((m) => m.id)).toEqual([...ids].sort(byteOrder));
        expect(listed.every((m) => m.score === 0.1)).toBe(true);
        expect(await store.addMember(owner, 'x', { score: 0.1, max: ids.length, ttlMs: LONG_TTL })).toEqual([[...ids, 'x'].sort(byteOrder)[0]]);
      });

      it('removes one member once, and all members returning the live ids', async () => {
        const owner = freshOwner();
        for (const [i, id] of ['c', 'a', 'b'].entries()) await store.addMember(owner, id, { score: i, max: 10, ttlMs: LONG_TTL });
        expect(await store.removeMember(owner, 'a')).toBe(true);
        expect(await store.removeMember(owner, 'a')).toBe(false);
        expect(await store.removeMember(owner, 'never')).toBe(false);
        expect(await store.removeAllMembers(owner)).toEqual(['c', 'b']);
        expect(await store.listMembers(owner)).toEqual([]);
        expect(await store.removeAllMembers(owner)).toEqual([]);
      });

      it('keeps collections and values apart even for the same key', async () => {
        const key = freshOwner();
        await store.set(key, 'plain', { ttlMs: LONG_TTL });
        await store.addMember(key, 'm', { score: 1, max: 1, ttlMs: LONG_TTL });
        expect(await store.get(key)).toBe('plain');
        expect(await store.removeAllMembers(key)).toEqual(['m']);
        expect(await store.get(key)).toBe('plain');
      });
    });

    describe('atomicity under concurrency', () => {
      it('200 parallel takes of one key: exactly one gets the value', async () => {
        const key = fresh();
        await store.set(key, 'once', { ttlMs: LONG_TTL });
        const results = await Promise.all(Array.from({ length: 200 }, (_, i) => on(i).take(key)));
        expect(results.filter((r) => r === 'once')).toHaveLength(1);
        expect(results.filter((r) => r === undefined)).toHaveLength(199);
      });

      it('100 parallel increments: the counter ends at 100 and every value from 1 to 100 is seen once', async () => {
        const key = fresh();
        const results = await Promise.all(Array.from({ length: 100 }, (_, i) => on(i).increment(key, { ttlMs: LONG_TTL })));
        expect(await store.get(key)).toBe('100');
        expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      });

      it('200 parallel setIfAbsent on one key: exactly one stores', async () => {
        const key = fresh();
        const results = await Promise.all(Array.from({ length: 200 }, (_, i) => on(i).setIfAbsent(key, `v${i}`, { ttlMs: LONG_TTL })));
        const winner = results.indexOf(true);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.get(key)).toBe(`v${winner}`);
      });

      it('100 parallel swaps: every written value is returned exactly once or is the final value', async () => {
        const key = fresh();
        const previous = await Promise.all(Array.from({ length: 100 }, (_, i) => on(i).swap(key, `v${i}`, { ttlMs: LONG_TTL })));
        const seen = [...previous.filter((p) => p !== undefined), await store.get(key)];
        expect(previous.filter((p) => p === undefined)).toHaveLength(1);
        expect(new Set(seen).size).toBe(100);
      });

      it('a capped collection under 60 concurrent adds never exceeds max and reports each eviction once', async () => {
        const owner = freshOwner();
        const max = 3;
        const ids = Array.from({ length: 60 }, (_, i) => `session-${i}`);
        const evicted = (await Promise.all(ids.map((id, i) => on(i).addMember(owner, id, { score: i, max, ttlMs: LONG_TTL })))).flat();
        const remaining = (await store.listMembers(owner)).map((m) => m.id);
        expect(remaining).toHaveLength(max);
        expect(new Set(evicted).size).toBe(evicted.length);
        expect([...evicted, ...remaining].sort()).toEqual([...ids].sort());
        expect(remaining).toEqual(ids.slice(-max));
      });

      it('200 parallel removals of one member (a backup code): exactly one succeeds', async () => {
        const owner = freshOwner();
        await store.addMember(owner, 'code-hash', { score: 1, max: 10, ttlMs: LONG_TTL });
        const results = await Promise.all(Array.from({ length: 200 }, (_, i) => on(i).removeMember(owner, 'code-hash')));
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('argument checks (the same on every store)', () => {
      const key = storeKey('contract', 'args');
      const owner = taggedKey('contract', 'args');

      it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_TTL_MS + 1, '100', undefined])('refuses ttlMs %s', async (ttlMs) => {
        const options = { ttlMs } as unknown as { ttlMs: number };
        await expect(store.set(key, 'v', options)).rejects.toBeInstanceOf(InvalidInputError);
        await expect(store.increment(key, options)).rejects.toBeInstanceOf(InvalidInputError);
        await expect(store.expire(key, options)).rejects.toBeInstanceOf(InvalidInputError);
        await expect(store.addMember(owner, 'm', { ...options, score: 1, max: 1 })).rejects.toBeInstanceOf(InvalidInputError);
      });

      it('refuses values that are not well-formed strings or are too long', async () => {
        for (const value of ['\uD800', 'a\uDC00b', 'x'.repeat(MAX_VALUE_LENGTH + 1), 42, null]) {
          await expect(store.set(key, value as string, { ttlMs: LONG_TTL })).rejects.toBeInstanceOf(InvalidInputError);
          await expect(store.swap(key, value as string, { ttlMs: LONG_TTL })).rejects.toBeInstanceOf(InvalidInputError);
        }
        expect(await store.get(key)).toBeUndefined();
      });

      it('refuses keys not built by storeKey()/taggedKey() shapes, and untagged collection owners', async () => {
        for (const bad of ['', 'a#b', 42, undefined]) {
          await expect(store.get(bad as StoreKey)).rejects.toBeInstanceOf(InvalidInputError);
        }
        await expect(store.listMembers(storeKey('contract', 'untagged') as TaggedStoreKey)).rejects.toBeInstanceOf(InvalidInputError);
      });

      it('refuses bad member ids, scores, caps and increments', async () => {
        const ok = { score: 1, max: 1, ttlMs: LONG_TTL };
        for (const id of ['', 'x'.repeat(513), '\uDFFF']) {
          await expect(store.addMember(owner, id, ok)).rejects.toBeInstanceOf(InvalidInputError);
        }
        for (const bad of [{ score: Number.NaN }, { score: Number.POSITIVE_INFINITY }, { max: 0 }, { max: 1.5 }, { max: 1001 }]) {
          await expect(store.addMember(owner, 'm', { ...ok, ...bad })).rejects.toBeInstanceOf(InvalidInputError);
        }
        await expect(store.increment(key, { ttlMs: LONG_TTL, by: 0.5 })).rejects.toBeInstanceOf(InvalidInputError);
        await expect(store.increment(key, { ttlMs: LONG_TTL, by: 2 ** 60 })).rejects.toBeInstanceOf(InvalidInputError);
        expect(await store.listMembers(owner)).toEqual([]);
      });
    });

    it('rejects every operation with StoreUnavailableError once closed', async () => {
      const own = await factory.open();
      await Promise.all([...new Set(own)].map((h) => h.close()));
      await expect(own[0]!.get(fresh())).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(own[0]!.addMember(freshOwner(), 'm', { score: 1, max: 1, ttlMs: 1000 })).rejects.toBeInstanceOf(StoreUnavailableError);
    });
  });
}
