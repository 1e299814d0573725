/** `bulwark/tokens`: JWT access and refresh tokens with rotation, reuse detection, revocation and client binding. */
export { createTokenManager, type TokenManager } from './manager.js';
export type { TokenManagerOptions } from './options.js';
export type { AccessTokenClaims, TokenPair } from './claims.js';
export type { TokenBindingOptions, TokenContext } from './binding.js';
export type { TokenEvent, TokenEventType } from './events.js';
export {
  importKey,
  importKeys,
  publicJwks,
  TokenKey,
  TOKEN_ALGORITHMS,
  type PemKeyInput,
  type SecretKeyInput,
  type TokenAlgorithm,
  type TokenKeyInput,
} from './keys.js';
export { verifyJws, type VerifyJwsOptions } from './verify.js';
export { TokenError, TokenExpiredError, TokenInvalidError, TokenReusedError, TokenRevokedError, type TokenFailureReason } from './errors.js';
