/**
 * Token errors: one class per failure kind, each with a stable `code` and a `reason` that is safe
 * to log (never the token). Verification failures share one generic message per class, so an error
 * does not tell a forger which check stopped them; the `reason` is for your logs, not for clients.
 */

import { BulwarkError } from '../errors.js';

/** Why a token was refused: stable strings for logs and metrics. */
export type TokenFailureReason =
  | 'malformed'
  | 'too_long'
  | 'header'
  | 'algorithm'
  | 'key'
  | 'signature'
  | 'type'
  | 'claims'
  | 'expired'
  | 'not_yet_valid'
  | 'binding'
  | 'revoked'
  | 'family_revoked'
  | 'subject_revoked'
  | 'unknown'
  | 'reused';

/** Base of the token errors; `reason` says which check failed. */
export abstract class TokenError extends BulwarkError {
  constructor(
    message: string,
    readonly reason: TokenFailureReason,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The token's `exp` has passed (beyond the clock tolerance). */
export class TokenExpiredError extends TokenError {
  static override code = 'ERR_BULWARK_TOKEN_EXPIRED' as const;
  override readonly code = 'ERR_BULWARK_TOKEN_EXPIRED' as const;
  constructor(options?: { cause?: unknown }) {
    super('token expired', 'expired', options);
  }
}

/** The token is malformed, not signed by a trusted key with an allowed algorithm, of the wrong type, or its claims do not match. */
export class TokenInvalidError extends TokenError {
  static override code = 'ERR_BULWARK_TOKEN_INVALID' as const;
  override readonly code = 'ERR_BULWARK_TOKEN_INVALID' as const;
  constructor(reason: TokenFailureReason, options?: { cause?: unknown }) {
    super('token invalid', reason, options);
  }
}

/** The token was revoked: by itself, with its family (logout, reuse), or with every token of its subject. */
export class TokenRevokedError extends TokenError {
  static override code = 'ERR_BULWARK_TOKEN_REVOKED' as const;
  override readonly code = 'ERR_BULWARK_TOKEN_REVOKED' as const;
  constructor(reason: 'revoked' | 'family_revoked' | 'subject_revoked' | 'unknown') {
    super('token revoked', reason);
  }
}

/** A refresh token was presented a second time: its whole family is now revoked. */
export class TokenReusedError extends TokenError {
  static override code = 'ERR_BULWARK_TOKEN_REUSED' as const;
  override readonly code = 'ERR_BULWARK_TOKEN_REUSED' as const;
  constructor() {
    super('refresh token reused; its family is revoked', 'reused');
  }
}
