/**
 * `bulwark/passwords`: argon2id hashing with rehash and pepper rotation, a NIST-style policy, a
 * strength estimate, a k-anonymity breach check, history and (optional) expiry. The estimator and
 * the common-password list load on first use, so importing this module stays cheap.
 */
export {
  hashPassword,
  verifyPassword,
  dummyVerifyPassword,
  createPasswordHasher,
  MAX_PASSWORD_BYTES,
  PASSWORD_HASH_DEFAULTS,
  type PasswordHashOptions,
  type PasswordHasher,
  type PasswordVerification,
} from './hash.js';
export {
  createPasswordPolicy,
  type CompositionRules,
  type PasswordCheckContext,
  type PasswordIssue,
  type PasswordIssueCode,
  type PasswordPolicy,
  type PasswordPolicyOptions,
  type PasswordPolicyResult,
} from './policy.js';
export { estimatePasswordStrength, STRENGTH_LABELS, type PasswordStrength, type StrengthLabel } from './strength.js';
export {
  createBreachChecker,
  PWNED_PASSWORDS_RANGE_URL,
  type BreachChecker,
  type BreachCheckerOptions,
  type BreachFailure,
  type BreachResult,
} from './breach.js';
export { parseRangeResponse } from './breach-range.js';
export { isPasswordReused, addToPasswordHistory, DEFAULT_HISTORY_SIZE, type PasswordHistoryOptions } from './history.js';
export { createPasswordExpiry, type PasswordExpiry, type PasswordExpiryOptions, type PasswordExpiryStatus } from './expiry.js';
export type { Pepper, PepperOption, PepperRing } from '../keys/pepper.js';
