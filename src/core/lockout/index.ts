/** `bulwark/lockout`: per-account failure counting and temporary lockout, plus per-(IP, account) and per-IP limiters. */
export { createLockout, type Lockout, type LockoutScope, type LockoutStatus, type LoginAttempt } from './lockout.js';
export { LOCKOUT_DEFAULTS, type LockoutGrowthOptions, type LockoutLimitOptions, type LockoutOptions } from './options.js';
export type { LockoutEvent, LockoutEventType } from './events.js';
