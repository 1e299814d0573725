/** What the TOTP verifier and the backup codes share: the store, the lockout and the store-failure policy. */

import { fail } from '../config/check-options.js';
import { InvalidInputError } from '../errors.js';
import { createLockout, type Lockout, type LockoutStatus } from '../lockout/lockout.js';
import type { LockoutEvent } from '../lockout/events.js';
import { createMemoryStore } from '../store/memory.js';
import type { SecurityStore } from '../store/types.js';

export interface MfaCommonOptions {
  /** Where used steps, codes and counters live. Default: a private memory store (one process only). */
  store?: SecurityStore;
  /**
   * Attempts go through this lockout (pass your login lockout to count both together). Default: a
   * lockout of its own on the same store (5 failures -> 15 minutes). `false` turns it off.
   */
  lockout?: Lockout | false;
  /** Events of the default lockout. */
  onEvent?: (event: LockoutEvent) => void;
}

export type MfaFailure = 'invalid' | 'replayed' | 'locked' | 'store_unavailable';

export interface MfaCommon {
  store: SecurityStore;
  lockout: Lockout | undefined;
}

export function resolveMfaCommon(path: string, options: MfaCommonOptions, namespace: string): MfaCommon {
  const store = options.store ?? createMemoryStore();
  if (typeof store !== 'object' || store === null || typeof store.setIfAbsent !== 'function') fail(`${path}.store`, 'expected a bulwark store');
  const lockout = options.lockout;
  if (lockout !== undefined && lockout !== false && (typeof lockout !== 'object' || typeof lockout.attempt !== 'function')) {
    fail(`${path}.lockout`, 'expected a lockout from createLockout(), or false');
  }
  return {
    store,
    lockout: lockout === false ? undefined : (lockout ?? createLockout({ store, namespace, onEvent: options.onEvent })),
  };
}

export function checkUser(path: string, user: unknown): string {
  if (typeof user !== 'string' || user.length === 0 || user.length > 512) throw new InvalidInputError(`${path}: the user id must be 1-512 characters`);
  return user;
}

/** The lockout's verdict as a refusal, or undefined when the attempt may go on. */
export function refusal(status: LockoutStatus): { reason: MfaFailure; retryAfterMs: number } | undefined {
  if (status.allowed) return undefined;
  return { reason: status.storeError ? 'store_unavailable' : 'locked', retryAfterMs: status.retryAfterMs };
}
