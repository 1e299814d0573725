/**
 * Temporary bans by client subnet (IPv4 address, IPv6 /56 by default: the same keys as limits),
 * kept in the store so every process sees them, and enforced by the pipeline's IP-rules step
 * (`createBulwark({ bans })`). Manual `ban` / `unban`, and progressive penalties: each offence
 * within the decay period bans for longer (1 min, 4 min, 16 min, ... up to a day by default).
 */

import { checkInteger, checkKeys, checkOneOf, fail, isPlainObject } from '../config/check-options.js';
import { InvalidInputError } from '../errors.js';
import { subnetKey } from '../http/ip.js';
import type { BanList } from '../ip-rules/ip-rules.js';
import type { SecurityStore } from '../store/types.js';
import { createBanStorage, type BanStorage } from './ban-storage.js';
import { CircuitCall } from './circuit.js';
import { circuitFor } from './limiter.js';
import { checkFunction, checkStore, normalizeFailureOptions } from './options.js';
import type { RateLimitEventSink } from './types.js';

export interface ProgressiveBanOptions {
  /** Offences (within `decayMs`) before the first ban. Default 1. */
  threshold?: number;
  /** The first ban, in ms. Default 60,000. */
  firstMs?: number;
  /** Each further offence multiplies the ban by this. Default 4. */
  factor?: number;
  /** The longest ban, in ms. Default 86,400,000 (a day). */
  maxMs?: number;
  /** Offences are forgotten this long after the last one, in ms. Default 86,400,000. */
  decayMs?: number;
}

export interface BanListOptions {
  /** Where bans live. Default: this process's memory (bounded). Use the Redis store of your limits so every process sees them. */
  store?: SecurityStore;
  /** Prefix length that groups IPv6 clients. Default 56, as for limits. */
  ipv6Prefix?: number;
  progressive?: ProgressiveBanOptions;
  /** The longest `isBanned` waits for the store, in ms. Default 50. */
  timeoutMs?: number;
  breakerMs?: number;
  /** `isBanned` while the store is unreachable: `'allow'` (default: treat as not banned) or `'deny'`. */
  onStoreError?: 'allow' | 'deny';
  /** Bans and offence counts held in memory. Default 100,000. */
  maxKeys?: number;
  onEvent?: RateLimitEventSink;
  now?: () => number;
}

export interface BanRecord {
  /** The banned subnet, e.g. `203.0.113.7/32` or `2001:db8:0:100::/56`. */
  readonly subnet: string;
  /** Milliseconds since the epoch. */
  readonly until: number;
  readonly reason: string;
}

export interface PenaltyOutcome {
  /** Offences within the decay period, this one included. */
  readonly offences: number;
  /** The ban now in force, if any. */
  readonly ban: BanRecord | undefined;
}

/** A `BanList` for `createBulwark({ bans })`, with the operations that write it. */
export interface Bans extends BanList {
  isBanned(clientIp: string): boolean | Promise<boolean>;
  /** Bans the client's subnet for `durationMs` (replacing a shorter or longer ban). */
  ban(clientIp: string, durationMs: number, reason?: string): Promise<BanRecord>;
  /** Lifts the ban and forgets the offences. True when there was a ban. */
  unban(clientIp: string): Promise<boolean>;
  /** Counts an offence; bans for the progressive duration once the threshold is reached. A banned client is not counted again. */
  penalize(clientIp: string, reason?: string): Promise<PenaltyOutcome>;
  lookup(clientIp: string): Promise<BanRecord | undefined>;
}

const KEYS = ['store', 'ipv6Prefix', 'progressive', 'timeoutMs', 'breakerMs', 'onStoreError', 'maxKeys', 'onEvent', 'now'] as const;
const PROGRESSIVE_KEYS = ['threshold', 'firstMs', 'factor', 'maxMs', 'decayMs'] as const;
const MAX_BAN_MS = 366 * 24 * 3600 * 1000;

function progressiveOptions(value: unknown): Required<ProgressiveBanOptions> {
  const options = value ?? {};
  checkKeys('bans.progressive', options, PROGRESSIVE_KEYS);
  const o = options as ProgressiveBanOptions;
  const factor = o.factor ?? 4;
  if (typeof factor !== 'number' || !(factor >= 1 && factor <= 100)) fail('bans.progressive.factor', 'expected a number from 1 to 100');
  return {
    threshold: checkInteger('bans.progressive.threshold', o.threshold, 1, 1000) ?? 1,
    firstMs: checkInteger('bans.progressive.firstMs', o.firstMs, 1000, MAX_BAN_MS) ?? 60_000,
    factor,
    maxMs: checkInteger('bans.progressive.maxMs', o.maxMs, 1000, MAX_BAN_MS) ?? 86_400_000,
    decayMs: checkInteger('bans.progressive.decayMs', o.decayMs, 1000, MAX_BAN_MS) ?? 86_400_000,
  };
}

/** One `isBanned` lookup on the store, as the circuit runs it. */
class BanCheck extends CircuitCall<boolean> {
  declare readonly storage: BanStorage;
  declare readonly subnet: string;
  declare readonly whenDown: boolean;

  constructor(storage: BanStorage, subnet: string, whenDown: boolean) {
    super();
    this.storage = storage;
    this.subnet = subnet;
    this.whenDown = whenDown;
  }

  start(): Promise<unknown> {
    return this.storage.getBan(this.subnet);
  }

  answer(record: unknown): boolean {
    return record !== undefined;
  }

  fallback(): boolean {
    return this.whenDown;
  }
}

/** Creates a ban list on a store (default memory). */
export function createBanList(options: BanListOptions = {}): Bans {
  const raw: unknown = options;
  if (!isPlainObject(raw)) fail('bans', 'expected an options object');
  checkKeys('bans', raw, KEYS);
  const store = checkStore('bans.store', options.store);
  const failure = normalizeFailureOptions('bans', { ...raw, onStoreError: undefined });
  const onStoreError = checkOneOf('bans.onStoreError', options.onStoreError, ['allow', 'deny'] as const) ?? 'allow';
  const ipv6Prefix = checkInteger('bans.ipv6Prefix', options.ipv6Prefix, 32, 128) ?? 56;
  const progressive = progressiveOptions(options.progressive);
  const clock = checkFunction<() => number>('bans.now', options.now) ?? Date.now;
  const onEvent = checkFunction<RateLimitEventSink>('bans.onEvent', options.onEvent);
  const circuit = store === undefined || store.kind === 'memory' ? undefined : circuitFor(store, { ...failure, onStoreError: 'insurance' }, 'bans', onEvent);
  const storage: BanStorage = createBanStorage(store, failure.maxKeys, clock);

  const subnetOf = (clientIp: string): string => {
    const subnet = typeof clientIp === 'string' ? subnetKey(clientIp, { ipv6Prefix }) : undefined;
    if (subnet === undefined) throw new InvalidInputError('bans: expected an IP address');
    return subnet;
  };

  function durationFor(offences: number): number {
    const steps = offences - progressive.threshold;
    return Math.min(progressive.maxMs, Math.round(progressive.firstMs * progressive.factor ** steps));
  }

  async function ban(clientIp: string, durationMs: number, reason = 'manual'): Promise<BanRecord> {
    const subnet = subnetOf(clientIp);
    if (!Number.isInteger(durationMs) || durationMs < 1 || durationMs > MAX_BAN_MS) throw new InvalidInputError(`bans: durationMs must be an integer from 1 to ${MAX_BAN_MS}`);
    const record: BanRecord = { subnet, until: clock() + durationMs, reason: String(reason).slice(0, 200) };
    await storage.setBan(subnet, record, durationMs);
    return record;
  }

  return {
    isBanned(clientIp) {
      const subnet = typeof clientIp === 'string' ? subnetKey(clientIp, { ipv6Prefix }) : undefined;
      if (subnet === undefined) return false;
      if (circuit === undefined) return storage.isBannedNow(subnet);
      if (!circuit.admit()) return onStoreError === 'deny';
      return circuit.run(new BanCheck(storage, subnet, onStoreError === 'deny'));
    },
    ban,
    async unban(clientIp) {
      const subnet = subnetOf(clientIp);
      await storage.forgetOffences(subnet);
      return storage.deleteBan(subnet);
    },
    async penalize(clientIp, reason = 'penalty') {
      const subnet = subnetOf(clientIp);
      const current = await storage.getBan(subnet);
      if (current !== undefined) return { offences: await storage.offences(subnet), ban: current };
      const offences = await storage.addOffence(subnet, progressive.decayMs);
      if (offences < progressive.threshold) return { offences, ban: undefined };
      return { offences, ban: await ban(clientIp, durationFor(offences), reason) };
    },
    lookup: async (clientIp) => storage.getBan(subnetOf(clientIp)),
  };
}
