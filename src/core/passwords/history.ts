/**
 * Password history: refuse the last N passwords (default 5) when a user changes theirs. The
 * history is a list of PHC hashes, newest first, kept wherever the user record lives.
 *
 *   if (await isPasswordReused(newPassword, user.passwordHistory)) refuse();
 *   user.passwordHistory = addToPasswordHistory(user.passwordHistory, newHash);
 */

import { checkInteger } from '../config/check-options.js';
import { InvalidInputError } from '../errors.js';
import { verifyPassword, type PasswordHashOptions } from './hash.js';

export const DEFAULT_HISTORY_SIZE = 5;

export interface PasswordHistoryOptions extends PasswordHashOptions {
  /** How many earlier passwords are refused. Default 5. */
  size?: number;
}

function sizeOf(options: PasswordHistoryOptions | undefined): number {
  return checkInteger('passwordHistory.size', options?.size, 1, 100) ?? DEFAULT_HISTORY_SIZE;
}

function checkHistory(history: unknown): readonly string[] {
  if (!Array.isArray(history) || history.some((entry) => typeof entry !== 'string')) {
    throw new InvalidInputError('passwordHistory: expected an array of PHC hash strings');
  }
  return history as string[];
}

/**
 * True when the password matches one of the newest `size` hashes. Each comparison is a full argon2
 * verification, so this costs up to `size` verifications (run one after another to bound memory).
 */
export async function isPasswordReused(password: string, history: readonly string[], options?: PasswordHistoryOptions): Promise<boolean> {
  const size = sizeOf(options);
  const { size: _size, ...hashOptions } = options ?? {};
  for (const stored of checkHistory(history).slice(0, size)) {
    if ((await verifyPassword(stored, password, hashOptions)).valid) return true;
  }
  return false;
}

/** The history with `hash` in front, cut to `size` entries (a new array; the input is not changed). */
export function addToPasswordHistory(history: readonly string[], hash: string, options?: { size?: number }): string[] {
  if (typeof hash !== 'string' || hash === '') throw new InvalidInputError('passwordHistory: expected a PHC hash string');
  return [hash, ...checkHistory(history).filter((entry) => entry !== hash)].slice(0, sizeOf(options));
}
