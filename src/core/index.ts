/** The core barrel: `import { createBulwark } from 'bulwark'`. */
export { createBulwark, type Bulwark, type BulwarkOptions, type RequestIdOptions } from './bulwark.js';
export type { RouteOptions } from './routes/route-policies.js';
export * from './limits/index.js';
export * from './csrf/index.js';
export * from './ip-rules/index.js';
export * from './tokens/index.js';
export * from './sessions/index.js';
export * from './passwords/index.js';
export * from './lockout/index.js';
export * from './mfa/index.js';
export * from './keys/index.js';
export * from './validate/index.js';
export { inspect, scanQuery, parseQuery, detectSql, detectXss, detectCommand, detectPath, detectNosql, detectLdap, type Finding, type InjectionKind, type InspectOptions, type InspectResult, type SecurityLevel, type DetectorMatch } from './detect/index.js';
export type { InjectionGuardOptions } from './detect/guard.js';
export * from './rate-limit/index.js';
export * from './abuse/index.js';
// bulwark/sanitize stays on its own subpath: it needs jsdom and worker threads, which edge runtimes lack.
export { Fernet, MultiFernet, createFieldEncryptor, fernetKeyId, MAX_CLOCK_SKEW, type DecryptOptions as FernetDecryptOptions, type EncryptOptions as FernetEncryptOptions, type FernetData, type FernetToken, type FieldEncryptor, type FieldEncryptorOptions, type FieldKey, type JsonValue } from './crypto/index.js';
export { fromEnv, checkEnv, describeEnvConfig, ENV_VARIABLES, maskSecret, secretWeakness, MIN_SECRET_LENGTH, type EnvCheck, type EnvConfig, type EnvProblem, type FromEnvOptions, type RequirableSecret, type SecretWeakness } from './config/index.js';
export type { SecurityRequest, Decision, AllowDecision, DenyDecision, DenyCode, RequestContext, BodyLimit } from './http/types.js';
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
// The memory store only: the Redis stores (and ioredis) load from `bulwark/store`, so this barrel runs on edge runtimes.
export { createMemoryStore, type MemorySecurityStore, type MemoryStoreOptions } from './store/memory.js';
export { storeKey, taggedKey } from './store/key.js';
export { StoreUnavailableError } from './store/errors.js';
export type { SecurityStore, StoreKey, TaggedStoreKey } from './store/types.js';
