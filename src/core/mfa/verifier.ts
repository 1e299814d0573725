/**
 * TOTP verification for logins: the code check, a replay guard (a time step, once used, is refused
 * for that user: one atomic `setIfAbsent` in the store, so two concurrent requests with the same
 * code cannot both pass) and the lockout (5 wrong codes lock by default).
 *
 *   const totp = createTotpVerifier({ store, lockout });
 *   const result = await totp.verify(user.id, req.body.code, user.totpSecret, { ip });
 */

import { checkKeys, checkOneOf } from '../config/check-options.js';
import { storeKey } from '../store/key.js';
import { resolveMfaCommon, checkUser, refusal, type MfaCommonOptions, type MfaFailure } from './shared.js';
import { matchTotp, TOTP_DEFAULTS, type TotpAlgorithm, type TotpSecret, type VerifyTotpOptions } from './totp.js';

export interface TotpVerifierOptions extends MfaCommonOptions {
  window?: number;
  digits?: number;
  period?: number;
  algorithm?: TotpAlgorithm;
  /** When the store fails: 'deny' (default) or 'allow' (accept a right code without the replay guard, marked `failedOpen`). */
  onStoreError?: 'deny' | 'allow';
}

export interface MfaResult {
  valid: boolean;
  /** Why not. */
  reason: MfaFailure | undefined;
  /** With reason 'locked': milliseconds until the next attempt is possible. */
  retryAfterMs: number;
  /** The store failed and `onStoreError: 'allow'` let the code through without the replay guard. */
  failedOpen: boolean;
}

export interface TotpVerifier {
  verify(user: string, token: string, secret: TotpSecret, options?: { timestamp?: number; ip?: string }): Promise<MfaResult>;
}

const KNOWN = ['store', 'lockout', 'onStoreError', 'onEvent', 'window', 'digits', 'period', 'algorithm'] as const;

/** Builds a TOTP verifier with a replay guard and lockout; options are checked here, once. */
export function createTotpVerifier(options: TotpVerifierOptions = {}): TotpVerifier {
  checkKeys('totpVerifier', options, KNOWN);
  const { store, lockout } = resolveMfaCommon('totpVerifier', options, 'mfa-totp-lockout');
  const failOpen = (checkOneOf('totpVerifier.onStoreError', options.onStoreError, ['deny', 'allow'] as const) ?? 'deny') === 'allow';
  const totpOptions: VerifyTotpOptions = { window: options.window, digits: options.digits, period: options.period, algorithm: options.algorithm };
  // Checks the TOTP options now (a wrong one throws ConfigurationError here, not at the first login).
  matchTotp('', 'AAAAAAAA', { ...totpOptions, timestamp: 0 });
  const window = options.window ?? TOTP_DEFAULTS.window;
  const period = options.period ?? TOTP_DEFAULTS.period;
  // A used step stays refused for as long as any clock in the window could still accept it.
  const usedTtlMs = (2 * window + 2) * period * 1000;

  async function verify(user: string, token: string, secret: TotpSecret, context: { timestamp?: number; ip?: string } = {}): Promise<MfaResult> {
    const id = checkUser('totpVerifier', user);
    const attempt = { account: id, ip: context.ip, factor: 'totp' };
    if (lockout) {
      const refused = refusal(await lockout.check(attempt));
      if (refused) return { valid: false, ...refused, failedOpen: false };
    }
    const match = matchTotp(token, secret, { ...totpOptions, timestamp: context.timestamp });
    if (!match) {
      const after = await lockout?.recordFailure(attempt);
      return { valid: false, reason: 'invalid', retryAfterMs: after?.retryAfterMs ?? 0, failedOpen: false };
    }
    let fresh: boolean;
    try {
      fresh = await store.setIfAbsent(storeKey('mfa-totp-used', id, match.step), '1', { ttlMs: usedTtlMs });
    } catch {
      if (!failOpen) return { valid: false, reason: 'store_unavailable', retryAfterMs: 0, failedOpen: false };
      await lockout?.recordSuccess(attempt);
      return { valid: true, reason: undefined, retryAfterMs: 0, failedOpen: true };
    }
    if (!fresh) {
      // A replayed code is someone else's or a double submit: it counts as a failure.
      const after = await lockout?.recordFailure(attempt);
      return { valid: false, reason: 'replayed', retryAfterMs: after?.retryAfterMs ?? 0, failedOpen: false };
    }
    await lockout?.recordSuccess(attempt);
    return { valid: true, reason: undefined, retryAfterMs: 0, failedOpen: false };
  }

  return { verify };
}
