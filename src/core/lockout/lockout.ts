/**
 * Account lockout: failed logins are counted per account in the store, and 5 failures lock the
 * account for 15 minutes (by default), optionally longer for each repeated lock. Two more limiters
 * work beside it: one per (client IP, account) pair and one per client IP across accounts, which
 * is what catches password spraying (few attempts on each of many accounts).
 *
 *   const lockout = createLockout({ store, onEvent });
 *   const result = await lockout.attempt({ account: email, ip }, () => verifyPassword(user?.hash, password).then((r) => r.valid));
 *   if (!result.ok) return result.locked ? tooManyAttempts(result.retryAfterMs) : wrongPassword();
 *
 * Every counter is one atomic `increment` and every lock one `setIfAbsent`, so the count is exact
 * and exactly one caller creates each lock, across processes on Redis.
 */

import { InvalidInputError } from '../errors.js';
import { subnetKey } from '../http/ip.js';
import { storeKey } from '../store/key.js';
import type { StoreKey } from '../store/types.js';
import { createLockoutEvents } from './events.js';
import { resolveLockoutOptions, type Limit, type LockoutOptions } from './options.js';

export type LockoutScope = 'account' | 'pair' | 'ip';

export interface LoginAttempt {
  /** The login name or user id. */
  account: string;
  /** The client IP from bulwark's resolver (`context.clientIp`); without it only the account limiter applies. */
  ip?: string | undefined;
  /** What was tried, for the event log: 'password' (default), 'totp', 'backup_code', ... */
  factor?: string | undefined;
}

export interface LockoutStatus {
  /** The attempt may go on (check) / further attempts may (after a failure). */
  allowed: boolean;
  /** A lock is in force. */
  locked: boolean;
  /** Which limiter locked (the one that lasts longest). */
  scope: LockoutScope | undefined;
  /** Milliseconds until the lock ends; 0 when not locked. */
  retryAfterMs: number;
  /** Failures counted for the account in the current window (after `recordFailure`). */
  failures: number | undefined;
  /** The store did not answer; `allowed` then follows `onStoreError`. */
  storeError: boolean;
}

export interface Lockout {
  /** Before verifying credentials: is any lock in force for this attempt? */
  check(attempt: LoginAttempt): Promise<LockoutStatus>;
  /** After a failed verification: counts it, locks when a limit is reached. */
  recordFailure(attempt: LoginAttempt): Promise<LockoutStatus>;
  /** After a successful login: resets the account's and the pair's counters (not the IP's). */
  recordSuccess(attempt: LoginAttempt): Promise<void>;
  /** check, verify, record: the whole flow. `verify` runs only when no lock is in force. */
  attempt(attempt: LoginAttempt, verify: () => boolean | Promise<boolean>): Promise<LockoutStatus & { ok: boolean }>;
  /** Lifts the account lock and clears its counter and growth (an administrator's unlock). */
  unlock(account: string): Promise<void>;
}

interface Limiter {
  scope: LockoutScope;
  limit: Limit;
  fail: StoreKey;
  lock: StoreKey;
}

const MAX_ACCOUNT_LENGTH = 512;

/** Builds a lockout; options are checked once. */
export function createLockout(options: LockoutOptions = {}): Lockout {
  const config = resolveLockoutOptions(options);
  const { store, namespace } = config;
  const emit = createLockoutEvents(options.onEvent, options.logger);

  function accountOf(account: unknown): string {
    if (typeof account !== 'string') throw new InvalidInputError('lockout: the account must be a string');
    const name = config.normalizeAccount ? account.trim().normalize('NFKC').toLowerCase() : account;
    if (name.length === 0 || name.length > MAX_ACCOUNT_LENGTH) throw new InvalidInputError(`lockout: the account must be 1-${MAX_ACCOUNT_LENGTH} characters`);
    return name;
  }

  function limiters(attempt: LoginAttempt): { account: string; list: Limiter[] } {
    const account = accountOf(attempt?.account);
    const ip = typeof attempt.ip === 'string' && attempt.ip !== '' ? (subnetKey(attempt.ip) ?? attempt.ip.slice(0, 64)) : undefined;
    const list: Limiter[] = [{ scope: 'account', limit: config.account, fail: storeKey(namespace, 'fail', 'a', account), lock: storeKey(namespace, 'lock', 'a', account) }];
    if (ip !== undefined && config.pair) {
      list.push({ scope: 'pair', limit: config.pair, fail: storeKey(namespace, 'fail', 'p', ip, account), lock: storeKey(namespace, 'lock', 'p', ip, account) });
    }
    if (ip !== undefined && config.ip) {
      list.push({ scope: 'ip', limit: config.ip, fail: storeKey(namespace, 'fail', 'i', ip), lock: storeKey(namespace, 'lock', 'i', ip) });
    }
    return { account, list };
  }

  function storeFailed(error: unknown, attempt: LoginAttempt, operation: string): LockoutStatus {
    emit('store_unavailable', 'WARN', `lockout: the ${store.kind} store failed during ${operation}; onStoreError: ${config.failOpen ? 'allow' : 'deny'}`, {
      component: 'lockout',
      store: store.kind,
      policy: config.failOpen ? 'allow' : 'deny',
      error: error instanceof Error ? error.name : 'unknown',
    }, attempt?.ip);
    return { allowed: config.failOpen, locked: false, scope: undefined, retryAfterMs: 0, failures: undefined, storeError: true };
  }

  /** The longest lock in force among the given limiters. */
  async function lockStatus(list: Limiter[], failures: number | undefined): Promise<LockoutStatus> {
    const remaining = await Promise.all(list.map((limiter) => store.ttlMs(limiter.lock)));
    let scope: LockoutScope | undefined;
    let retryAfterMs = 0;
    remaining.forEach((ms, i) => {
      if (ms !== undefined && ms > retryAfterMs) {
        retryAfterMs = ms;
        scope = list[i]!.scope;
      }
    });
    return { allowed: scope === undefined, locked: scope !== undefined, scope, retryAfterMs, failures, storeError: false };
  }

  /** How long this account's next lock lasts, counting recent locks when growth is on. */
  async function lockDuration(account: string, limiter: Limiter): Promise<{ ms: number; level: number }> {
    const growth = config.growth;
    if (limiter.scope !== 'account' || !growth) return { ms: limiter.limit.lockoutMs, level: 1 };
    const levelKey = storeKey(namespace, 'level', account);
    const level = await store.increment(levelKey, { ttlMs: growth.resetAfterMs });
    const ms = Math.min(growth.maxLockoutMs, Math.round(limiter.limit.lockoutMs * growth.factor ** (level - 1)));
    await store.expire(levelKey, { ttlMs: Math.min(growth.resetAfterMs + ms, 365 * 86_400_000) });
    return { ms, level };
  }

  async function countFailure(account: string, limiter: Limiter, attempt: LoginAttempt): Promise<number> {
    const { maxFailures, windowMs, lockoutMs } = limiter.limit;
    const count = await store.increment(limiter.fail, { ttlMs: windowMs });
    if (count < maxFailures) return count;
    // Of all the calls that pass the limit, exactly one creates the lock (and its event).
    if (!(await store.setIfAbsent(limiter.lock, String(Date.now()), { ttlMs: lockoutMs }))) return count;
    const { ms, level } = await lockDuration(account, limiter);
    if (ms !== lockoutMs) await store.set(limiter.lock, String(Date.now()), { ttlMs: ms });
    emit('authn_login_lock', 'WARN', `lockout: ${limiter.scope} locked for ${Math.round(ms / 1000)} s after ${count} failures`, {
      account,
      scope: limiter.scope,
      failures: count,
      lockoutMs: ms,
      level,
    }, attempt.ip);
    return count;
  }

  async function check(attempt: LoginAttempt): Promise<LockoutStatus> {
    const { list } = limiters(attempt);
    try {
      return await lockStatus(list, undefined);
    } catch (error) {
      return storeFailed(error, attempt, 'check');
    }
  }

  async function recordFailure(attempt: LoginAttempt): Promise<LockoutStatus> {
    const { account, list } = limiters(attempt);
    emit('authn_login_fail', 'WARN', `lockout: failed ${attempt.factor ?? 'password'} attempt`, { account, factor: attempt.factor ?? 'password' }, attempt.ip);
    try {
      const counts = await Promise.all(list.map((limiter) => countFailure(account, limiter, attempt)));
      const over = list.filter((limiter, i) => counts[i]! >= limiter.limit.maxFailures);
      if (over.length === 0) return { allowed: true, locked: false, scope: undefined, retryAfterMs: 0, failures: counts[0], storeError: false };
      return await lockStatus(over, counts[0]);
    } catch (error) {
      return storeFailed(error, attempt, 'recordFailure');
    }
  }

  async function recordSuccess(attempt: LoginAttempt): Promise<void> {
    const { list } = limiters(attempt);
    try {
      await Promise.all(list.filter((limiter) => limiter.scope !== 'ip').map((limiter) => store.delete(limiter.fail)));
    } catch (error) {
      storeFailed(error, attempt, 'recordSuccess');
    }
  }

  async function attemptLogin(attempt: LoginAttempt, verify: () => boolean | Promise<boolean>): Promise<LockoutStatus & { ok: boolean }> {
    const before = await check(attempt);
    if (!before.allowed) return { ...before, ok: false };
    if ((await verify()) === true) {
      await recordSuccess(attempt);
      return { ...before, ok: true };
    }
    return { ...(await recordFailure(attempt)), ok: false };
  }

  async function unlock(account: string): Promise<void> {
    const name = accountOf(account);
    await Promise.all([
      store.delete(storeKey(namespace, 'lock', 'a', name)),
      store.delete(storeKey(namespace, 'fail', 'a', name)),
      store.delete(storeKey(namespace, 'level', name)),
    ]);
  }

  return { check, recordFailure, recordSuccess, attempt: attemptLogin, unlock };
}
