/** `bulwark/rate-limit`: limiters on memory, Redis and Redis Cluster; the pipeline guard; bans. */
export { createRateLimiter } from './limiter.js';
export type {
  RateLimitAlgorithm,
  RateLimitEvent,
  RateLimitEventSink,
  RateLimitEventType,
  RateLimitResult,
  RateLimitSource,
  RateLimiter,
  RateLimiterOptions,
  StoreErrorPolicy,
} from './types.js';
export {
  createRateLimitGuard,
  type RateLimitGuard,
  type RateLimitGuardInput,
  type RateLimitGuardOptions,
  type RateLimitOutcome,
  type RateLimitReport,
} from './guard.js';
export type { RateLimitRule } from './rules.js';
export type { KeyFunction, KeySources, RuleKey } from './keys.js';
export { RATE_LIMIT_TIERS, type LimitOptions } from './tiers.js';
export { createBanList, type BanListOptions, type BanRecord, type Bans, type PenaltyOutcome, type ProgressiveBanOptions } from './bans.js';
