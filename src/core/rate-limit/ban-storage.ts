/**
 * Where bans and offence counts live: bounded maps in this process (answering `isBanned`
 * synchronously, so the pipeline stays synchronous), or the store (`ban:<subnet>` with the ban's
 * TTL, `offence:<subnet>` with a sliding TTL), where every process sees them.
 */

import { storeKey } from '../store/key.js';
import type { SecurityStore } from '../store/types.js';
import type { BanRecord } from './bans.js';

export interface BanStorage {
  /** Memory only. */
  isBannedNow(subnet: string): boolean;
  getBan(subnet: string): Promise<BanRecord | undefined>;
  setBan(subnet: string, record: BanRecord, ttlMs: number): Promise<void>;
  deleteBan(subnet: string): Promise<boolean>;
  addOffence(subnet: string, decayMs: number): Promise<number>;
  offences(subnet: string): Promise<number>;
  forgetOffences(subnet: string): Promise<void>;
}

interface Timed<T> {
  value: T;
  expiresAt: number;
}

/** A map that holds at most `max` entries (the oldest go first) and forgets expired ones on read. */
class BoundedExpiringMap<T> {
  readonly #entries = new Map<string, Timed<T>>();
  constructor(readonly max: number) {}

  get(key: string, now: number): T | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (now < entry.expiresAt) return entry.value;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: string, value: T, expiresAt: number): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.max) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { value, expiresAt });
  }

  delete(key: string, now: number): boolean {
    const live = this.get(key, now) !== undefined;
    this.#entries.delete(key);
    return live;
  }
}

interface MemoryBans {
  bans: BoundedExpiringMap<BanRecord>;
  offences: BoundedExpiringMap<number>;
}

/** Ban lists on one memory store object share their bans, as they would on one Redis. */
const shared = new WeakMap<SecurityStore, MemoryBans>();

function memoryStorage(state: MemoryBans, clock: () => number): BanStorage {
  const { bans, offences } = state;
  return {
    isBannedNow: (subnet) => bans.get(subnet, clock()) !== undefined,
    getBan: async (subnet) => bans.get(subnet, clock()),
    setBan: async (subnet, record, ttlMs) => bans.set(subnet, record, clock() + ttlMs),
    deleteBan: async (subnet) => bans.delete(subnet, clock()),
    async addOffence(subnet, decayMs) {
      const now = clock();
      const count = (offences.get(subnet, now) ?? 0) + 1;
      offences.set(subnet, count, now + decayMs);
      return count;
    },
    offences: async (subnet) => offences.get(subnet, clock()) ?? 0,
    forgetOffences: async (subnet) => void offences.delete(subnet, clock()),
  };
}

function parseRecord(subnet: string, text: string): BanRecord {
  try {
    const value = JSON.parse(text) as Partial<BanRecord>;
    if (typeof value.until === 'number' && typeof value.reason === 'string') return { subnet, until: value.until, reason: value.reason };
  } catch {
    // Not ours: the key exists, so the subnet is banned; the details are unknown.
  }
  return { subnet, until: Number.NaN, reason: 'unknown' };
}

function storeStorage(store: SecurityStore): BanStorage {
  const banKey = (subnet: string) => storeKey('ban', subnet);
  const offenceKey = (subnet: string) => storeKey('offence', subnet);
  return {
    isBannedNow: () => false,
    async getBan(subnet) {
      const text = await store.get(banKey(subnet));
      return text === undefined ? undefined : parseRecord(subnet, text);
    },
    setBan: (subnet, record, ttlMs) => store.set(banKey(subnet), JSON.stringify({ until: record.until, reason: record.reason }), { ttlMs }),
    deleteBan: (subnet) => store.delete(banKey(subnet)),
    async addOffence(subnet, decayMs) {
      const count = await store.increment(offenceKey(subnet), { ttlMs: decayMs });
      await store.expire(offenceKey(subnet), { ttlMs: decayMs }); // decay counts from the last offence
      return count;
    },
    async offences(subnet) {
      const text = await store.get(offenceKey(subnet));
      return text === undefined ? 0 : Number(text) || 0;
    },
    forgetOffences: async (subnet) => void (await store.delete(offenceKey(subnet))),
  };
}

export function createBanStorage(store: SecurityStore | undefined, maxKeys: number, clock: () => number): BanStorage {
  if (store !== undefined && store.kind !== 'memory') return storeStorage(store);
  let state = store === undefined ? undefined : shared.get(store);
  if (state === undefined) {
    state = { bans: new BoundedExpiringMap<BanRecord>(maxKeys), offences: new BoundedExpiringMap<number>(maxKeys) };
    if (store !== undefined) shared.set(store, state);
  }
  return memoryStorage(state, clock);
}
