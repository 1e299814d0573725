/**
 * Password expiry: off by default, as NIST SP 800-63B and OWASP advise (forced periodic changes
 * make passwords weaker). When enabled, it reports the days left and a force-change flag; an
 * administrator's "must change" mark forces a change whatever the age.
 */

import { checkInteger, checkKeys } from '../config/check-options.js';
import { InvalidInputError } from '../errors.js';

export interface PasswordExpiryOptions {
  /** Days a password stays valid. Unset (the default): passwords never expire. */
  maxAgeDays?: number;
  /** Start warning this many days before expiry. Default 14. */
  warnDays?: number;
}

export interface PasswordExpiryStatus {
  /** The user must set a new password before going on. */
  mustChange: boolean;
  /** Show a reminder: expiry is within `warnDays`. */
  warn: boolean;
  /** Whole days until expiry (0 or less when expired); undefined when passwords do not expire. */
  daysUntilExpiry: number | undefined;
  expiresAt: Date | undefined;
}

export interface PasswordExpiry {
  status(record: { changedAt: Date | number; forceChange?: boolean }, now?: Date | number): PasswordExpiryStatus;
}

const DAY_MS = 86_400_000;

function toTime(value: unknown, what: string): number {
  const time = value instanceof Date ? value.getTime() : value;
  if (typeof time !== 'number' || !Number.isFinite(time)) throw new InvalidInputError(`passwordExpiry: ${what} must be a Date or a time in ms`);
  return time;
}

/** Builds the expiry rule once; `status()` is then a pure function of the record and the time. */
export function createPasswordExpiry(options: PasswordExpiryOptions = {}): PasswordExpiry {
  checkKeys('passwordExpiry', options, ['maxAgeDays', 'warnDays']);
  const maxAgeDays = checkInteger('passwordExpiry.maxAgeDays', options.maxAgeDays, 1, 3650);
  const warnDays = checkInteger('passwordExpiry.warnDays', options.warnDays, 0, 3650) ?? 14;
  return {
    status(record, now = Date.now()) {
      const forced = record?.forceChange === true;
      if (maxAgeDays === undefined) return { mustChange: forced, warn: false, daysUntilExpiry: undefined, expiresAt: undefined };
      const expiresAt = toTime(record?.changedAt, 'changedAt') + maxAgeDays * DAY_MS;
      const daysUntilExpiry = Math.ceil((expiresAt - toTime(now, 'now')) / DAY_MS);
      const expired = daysUntilExpiry <= 0;
      return { mustChange: forced || expired, warn: !expired && daysUntilExpiry <= warnDays, daysUntilExpiry, expiresAt: new Date(expiresAt) };
    },
  };
}
