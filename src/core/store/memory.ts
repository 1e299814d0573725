/**
 * The embedded default store: one process, no server. Bounded: at most `maxEntries` keys; when
 * full, an expired key goes first, otherwise the least recently written. Expired keys disappear
 * lazily on access and in a periodic sweep whose timer never keeps the process alive.
 */

import { checkInteger } from '../config/check-options.js';
import { InvalidInputError } from '../errors.js';
import { StoreUnavailableError } from './errors.js';
import { compareMembers, type MemoryMember } from './memory-members.js';
import { registerSyncRead } from './memory-sync.js';
import { MemoryTable, type TableEntry } from './memory-table.js';
import type { CollectionMember, SecurityStore } from './types.js';
import * as check from './validate.js';

export interface MemoryStoreOptions extends check.CommonStoreOptions {
  /** Most keys held at once (a capped collection counts as one). Default 100,000. */
  maxEntries?: number;
  /** How often expired keys are swept, in milliseconds. Default 60,000. */
  sweepIntervalMs?: number;
}

/** The in-process store. */
export interface MemorySecurityStore extends SecurityStore {
  readonly kind: 'memory';
}

interface ValueEntry extends TableEntry {
  expiresAt: number;
  value: string;
}

interface CollectionEntry extends TableEntry {
  expiresAt: number;
  members: Map<string, MemoryMember>;
}

type Entry = ValueEntry | CollectionEntry;

const KNOWN = ['prefix', 'timeoutMs', 'maxEntries', 'sweepIntervalMs'] as const;
// Collections live beside values under `<owner>#`: value keys never contain '#'.
const COLLECTION_SUFFIX = '#';

/** Creates the in-process store (the default when no store is configured). */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemorySecurityStore {
  const { prefix, timeoutMs } = check.normalizeCommon('memoryStore', options, KNOWN);
  const maxEntries = checkInteger('memoryStore.maxEntries', options.maxEntries, 1, 100_000_000) ?? 100_000;
  const sweepIntervalMs = checkInteger('memoryStore.sweepIntervalMs', options.sweepIntervalMs, 100, 86_400_000) ?? 60_000;

  const entries = new MemoryTable<Entry>(maxEntries);
  let closed = false;

  const timer = setInterval(() => entries.sweep(Date.now()), sweepIntervalMs);
  (timer as { unref?: () => void }).unref?.(); // a number on edge runtimes, a Timeout on Node

  function open(): void {
    if (closed) throw new StoreUnavailableError('store: the memory store is closed');
  }

  const read = (key: string, now: number): Entry | undefined => entries.get(key, now);
  const write = (key: string, entry: Entry, now: number): void => entries.set(key, entry, now);

  function readValue(key: string, now: number): ValueEntry | undefined {
    return read(check.checkKey(key), now) as ValueEntry | undefined;
  }

  /** The owner's live members; drops expired ones and the collection when it empties. */
  function readCollection(owner: string, now: number): CollectionEntry | undefined {
    const key = check.checkOwner(owner) + COLLECTION_SUFFIX;
    const entry = read(key, now) as CollectionEntry | undefined;
    if (entry === undefined) return undefined;
    for (const [id, member] of entry.members) if (now > member.expiresAt) entry.members.delete(id);
    if (entry.members.size > 0) return entry;
    entries.delete(key);
    return undefined;
  }

  const sorted = (entry: CollectionEntry | undefined): Array<[string, MemoryMember]> =>
    entry === undefined ? [] : [...entry.members].sort(compareMembers);

  const store: MemorySecurityStore = {
    kind: 'memory',
    prefix,
    timeoutMs,

    async get(key) {
      open();
      return readValue(key, Date.now())?.value;
    },

    async set(key, value, options) {
      open();
      const now = Date.now();
      const entry = { value: check.checkValue(value), expiresAt: now + check.checkTtl(options), written: 0 };
      write(check.checkKey(key), entry, now);
    },

    async setIfAbsent(key, value, options) {
      open();
      const now = Date.now();
      const entry = { value: check.checkValue(value), expiresAt: now + check.checkTtl(options), written: 0 };
      if (readValue(key, now) !== undefined) return false;
      write(key, entry, now);
      return true;
    },

    async swap(key, value, options) {
      open();
      const now = Date.now();
      const entry = { value: check.checkValue(value), expiresAt: now + check.checkTtl(options), written: 0 };
      const previous = readValue(key, now)?.value;
      write(key, entry, now);
      return previous;
    },

    async take(key) {
      open();
      const entry = readValue(key, Date.now());
      if (entry !== undefined) entries.delete(key);
      return entry?.value;
    },

    async delete(key) {
      open();
      const existed = readValue(key, Date.now()) !== undefined;
      entries.delete(key);
      return existed;
    },

    async increment(key, options) {
      open();
      const now = Date.now();
      const { by, ttlMs } = check.checkIncrement(options);
      const entry = readValue(key, now);
      const next = (entry === undefined ? 0 : check.parseCounter(entry.value)) + by;
      if (!Number.isSafeInteger(next)) throw new InvalidInputError('store: increment would leave the safe integer range');
      write(key, { value: String(next), expiresAt: entry?.expiresAt ?? now + ttlMs, written: 0 }, now);
      return next;
    },

    async expire(key, options) {
      open();
      const now = Date.now();
      const ttlMs = check.checkTtl(options);
      const entry = readValue(key, now);
      if (entry !== undefined) entry.expiresAt = now + ttlMs;
      return entry !== undefined;
    },

    async ttlMs(key) {
      open();
      const now = Date.now();
      const entry = readValue(key, now);
      return entry === undefined ? undefined : entry.expiresAt - now;
    },

    async addMember(owner, id, options) {
      open();
      const now = Date.now();
      check.checkMemberId(id);
      const { score, max, ttlMs, value } = check.checkAddMember(options);
      const entry = readCollection(owner, now) ?? { expiresAt: 0, written: 0, members: new Map<string, MemoryMember>() };
      entry.members.set(id, { score, expiresAt: now + ttlMs, value });
      const evicted = entry.members.size > max ? sorted(entry).slice(0, entry.members.size - max).map(([evictedId]) => evictedId) : [];
      for (const evictedId of evicted) entry.members.delete(evictedId);
      entry.expiresAt = Math.max(...[...entry.members.values()].map((m) => m.expiresAt));
      write(owner + COLLECTION_SUFFIX, entry, now);
      return evicted;
    },

    async listMembers(owner) {
      open();
      return sorted(readCollection(owner, Date.now())).map(([id, m]): CollectionMember => ({ id, score: m.score, expiresAt: m.expiresAt, value: m.value }));
    },

    async removeMember(owner, id) {
      open();
      check.checkMemberId(id);
      const entry = readCollection(owner, Date.now());
      if (entry === undefined || !entry.members.delete(id)) return false;
      if (entry.members.size === 0) entries.delete(owner + COLLECTION_SUFFIX);
      return true;
    },

    async removeAllMembers(owner) {
      open();
      const ids = sorted(readCollection(owner, Date.now())).map(([id]) => id);
      entries.delete(owner + COLLECTION_SUFFIX);
      return ids;
    },

    async close() {
      closed = true;
      clearInterval(timer);
      entries.clear();
    },
  };
  // The synchronous reader's callers build their keys themselves (storeKey rules), so it skips checkKey.
  registerSyncRead(store, (key, now) => {
    open();
    return (read(key, now) as ValueEntry | undefined)?.value;
  });
  return store;
}
