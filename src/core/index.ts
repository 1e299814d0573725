/** The core barrel: `import { createBulwark } from 'bulwark'`. */
export { createBulwark, type Bulwark, type BulwarkOptions, type RequestIdOptions } from './bulwark.js';
export type { SecurityRequest, Decision, AllowDecision, DenyDecision, DenyCode, RequestContext } from './http/types.js';
export { denyBody, type DenyBody } from './http/deny-body.js';
export { createClientIpResolver, type ClientIpOptions, type ClientIpResolver, type ProxyHeader, type ResolvedClient, type TrustProxy } from './http/client-ip.js';
export { parseIp, normalizeIp, parseCidr, rangeContains, subnetKey, type IpAddress, type IpRange, type SubnetKeyOptions } from './http/ip.js';
export { parseForwarded, type ForwardedElement } from './http/forwarded.js';
export { parseCookies, serializeCookie, type CookieOptions } from './http/cookies.js';
export type { HttpsRedirectOptions } from './http/https-redirect.js';
export * from './headers/index.js';
export { BulwarkError, ConfigurationError, InvalidInputError, LimitExceededError, TimeBudgetExceededError, BlockedUrlError, InvalidToken, type BulwarkErrorCode } from './errors.js';
export { redact, REDACTED } from './events/redact.js';
export type { SecurityEvent, SecurityEventType, SecurityEventLevel, PinoLikeLogger } from './events/types.js';
export type { EventSinks } from './events/emitter.js';
