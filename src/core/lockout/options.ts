/** Lockout options, checked once at construction. */

import { checkBoolean, checkInteger, checkKeys, checkOneOf, fail, toggle } from '../config/check-options.js';
import type { PinoLikeLogger } from '../events/types.js';
import { createMemoryStore } from '../store/memory.js';
import type { SecurityStore } from '../store/types.js';
import type { LockoutEvent } from './events.js';

export interface LockoutLimitOptions {
  /** Failures that lock. */
  maxFailures?: number;
  /** Failures are counted in a fixed window of this length from the first one. */
  windowMs?: number;
  /** How long a lock lasts. */
  lockoutMs?: number;
}

export interface LockoutGrowthOptions {
  /** Each further lock lasts `factor` times longer. Default 2. */
  factor?: number;
  /** The longest lock. Default 24 hours. */
  maxLockoutMs?: number;
  /** Locks count towards growth until this long after the last one. Default 24 hours. */
  resetAfterMs?: number;
}

export interface LockoutOptions extends LockoutLimitOptions {
  /** Where counters and locks live. Default: a private memory store (one process only). */
  store?: SecurityStore;
  /** Exponential growth of repeated account locks. Off by default. */
  growth?: boolean | LockoutGrowthOptions;
  /** A limiter per (client IP, account) pair. Default on, with the account's numbers. */
  pair?: boolean | LockoutLimitOptions;
  /** A limiter per client IP (IPv6 by /56) across all accounts, against password spraying. Default 100 failures / 15 min -> 15 min. */
  ip?: boolean | LockoutLimitOptions;
  /** When the store fails: 'deny' (default: refuse the attempt) or 'allow' (go on without lockout). */
  onStoreError?: 'deny' | 'allow';
  /** Accounts are compared after trim, NFKC and lower-casing, so `Alice` and `alice ` share a counter. Default true. */
  normalizeAccount?: boolean;
  /** Store key namespace; two lockouts on one store with different namespaces count separately. Default 'lockout'. */
  namespace?: string;
  onEvent?: (event: LockoutEvent) => void;
  logger?: PinoLikeLogger;
}

export interface Limit {
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
}

export interface ResolvedLockoutOptions {
  store: SecurityStore;
  account: Limit;
  growth: { factor: number; maxLockoutMs: number; resetAfterMs: number } | undefined;
  pair: Limit | undefined;
  ip: Limit | undefined;
  failOpen: boolean;
  normalizeAccount: boolean;
  namespace: string;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const KNOWN = [
  'store', 'maxFailures', 'windowMs', 'lockoutMs', 'growth', 'pair', 'ip', 'onStoreError', 'normalizeAccount', 'namespace', 'onEvent', 'logger',
] as const;
const LIMIT_KNOWN = ['maxFailures', 'windowMs', 'lockoutMs'] as const;
export const LOCKOUT_DEFAULTS: Readonly<Limit> = Object.freeze({ maxFailures: 5, windowMs: 15 * MINUTE, lockoutMs: 15 * MINUTE });
const IP_DEFAULTS: Readonly<Limit> = Object.freeze({ maxFailures: 100, windowMs: 15 * MINUTE, lockoutMs: 15 * MINUTE });

function limit(path: string, options: LockoutLimitOptions, defaults: Limit): Limit {
  return {
    maxFailures: checkInteger(`${path}.maxFailures`, options.maxFailures, 1, 1_000_000) ?? defaults.maxFailures,
    windowMs: checkInteger(`${path}.windowMs`, options.windowMs, 1000, 30 * DAY) ?? defaults.windowMs,
    lockoutMs: checkInteger(`${path}.lockoutMs`, options.lockoutMs, 1000, 30 * DAY) ?? defaults.lockoutMs,
  };
}

function optionalLimit(path: string, value: boolean | LockoutLimitOptions | undefined, defaults: Limit): Limit | undefined {
  const { enabled, options } = toggle(path, value);
  if (!enabled) return undefined;
  if (options) checkKeys(path, options, LIMIT_KNOWN);
  return limit(path, options ?? {}, defaults);
}

function isStore(value: unknown): value is SecurityStore {
  const store = value as SecurityStore | null;
  return typeof store === 'object' && store !== null && typeof store.increment === 'function' && typeof store.setIfAbsent === 'function';
}

export function resolveLockoutOptions(options: LockoutOptions): ResolvedLockoutOptions {
  checkKeys('lockout', options, KNOWN);
  if (options.store !== undefined && !isStore(options.store)) fail('lockout.store', 'expected a store from createMemoryStore(), createRedisStore() or createRedisClusterStore()');
  for (const sink of ['onEvent'] as const) {
    if (options[sink] !== undefined && typeof options[sink] !== 'function') fail(`lockout.${sink}`, 'expected a function (event) => void');
  }
  const account = limit('lockout', options, LOCKOUT_DEFAULTS);
  const growth = toggle('lockout.growth', options.growth ?? false);
  if (growth.options) checkKeys('lockout.growth', growth.options, ['factor', 'maxLockoutMs', 'resetAfterMs']);
  const factor = growth.options?.factor ?? 2;
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 1 || factor > 100) fail('lockout.growth.factor', 'expected a number from 1 to 100');
  const namespace = options.namespace ?? 'lockout';
  if (typeof namespace !== 'string' || !/^[a-z][a-z0-9_-]{0,23}$/.test(namespace)) fail('lockout.namespace', 'expected 1-24 characters a-z, 0-9, "_" or "-", starting with a letter');
  return {
    store: options.store ?? createMemoryStore(),
    account,
    growth: growth.enabled
      ? {
          factor,
          maxLockoutMs: checkInteger('lockout.growth.maxLockoutMs', growth.options?.maxLockoutMs, account.lockoutMs, 365 * DAY) ?? Math.max(DAY, account.lockoutMs),
          resetAfterMs: checkInteger('lockout.growth.resetAfterMs', growth.options?.resetAfterMs, 1000, 365 * DAY) ?? DAY,
        }
      : undefined,
    pair: optionalLimit('lockout.pair', options.pair, account),
    ip: optionalLimit('lockout.ip', options.ip, IP_DEFAULTS),
    failOpen: (checkOneOf('lockout.onStoreError', options.onStoreError, ['deny', 'allow'] as const) ?? 'deny') === 'allow',
    normalizeAccount: checkBoolean('lockout.normalizeAccount', options.normalizeAccount) ?? true,
    namespace,
  };
}
