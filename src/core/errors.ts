/**
 * One error base with a stable `code`, one subclass per failure kind. Switch on `err.code`:
 *
 *   if (err instanceof BulwarkError && err.code === 'ERR_BULWARK_CONFIGURATION') ...
 *
 * Messages never contain secrets, tokens, passwords or cookies.
 */

export type BulwarkErrorCode =
  | 'ERR_BULWARK'
  | 'ERR_BULWARK_CONFIGURATION'
  | 'ERR_BULWARK_INVALID_INPUT'
  | 'ERR_BULWARK_LIMIT_EXCEEDED'
  | 'ERR_BULWARK_TIME_BUDGET_EXCEEDED'
  | 'ERR_BULWARK_URL_BLOCKED'
  | 'ERR_BULWARK_DECRYPTION_FAILED'
  | 'ERR_BULWARK_STORE_UNAVAILABLE'
  | 'ERR_BULWARK_TOKEN_EXPIRED'
  | 'ERR_BULWARK_TOKEN_INVALID'
  | 'ERR_BULWARK_TOKEN_REVOKED'
  | 'ERR_BULWARK_TOKEN_REUSED'
  | 'ERR_BULWARK_SESSION_REQUIRED'
  | 'ERR_BULWARK_SESSION_LIMIT';

export class BulwarkError extends Error {
  static code: BulwarkErrorCode = 'ERR_BULWARK';
  readonly code: BulwarkErrorCode = 'ERR_BULWARK';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Invalid options. Thrown at construction, never at request time. The message says what to write instead. */
export class ConfigurationError extends BulwarkError {
  static override code = 'ERR_BULWARK_CONFIGURATION' as const;
  override readonly code = 'ERR_BULWARK_CONFIGURATION' as const;
}

/** A value handed to a helper function (not a request) is malformed. */
export class InvalidInputError extends BulwarkError {
  static override code = 'ERR_BULWARK_INVALID_INPUT' as const;
  override readonly code = 'ERR_BULWARK_INVALID_INPUT' as const;
}

/** A size, depth or count limit was passed. `limit` names which one (for example `maxDepth`). */
export class LimitExceededError extends BulwarkError {
  static override code = 'ERR_BULWARK_LIMIT_EXCEEDED' as const;
  override readonly code = 'ERR_BULWARK_LIMIT_EXCEEDED' as const;

  constructor(
    message: string,
    readonly limit: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Work was stopped because it ran longer than its configured time budget. */
export class TimeBudgetExceededError extends BulwarkError {
  static override code = 'ERR_BULWARK_TIME_BUDGET_EXCEEDED' as const;
  override readonly code = 'ERR_BULWARK_TIME_BUDGET_EXCEEDED' as const;
}

/** A URL was refused as an SSRF risk: a forbidden scheme, or a host that is or resolves to an internal address. */
export class BlockedUrlError extends BulwarkError {
  static override code = 'ERR_BULWARK_URL_BLOCKED' as const;
  override readonly code = 'ERR_BULWARK_URL_BLOCKED' as const;
}

/**
 * A Fernet token did not decrypt: bad format, wrong key, tampered, or expired. One class and one
 * message for all of them, so the error cannot serve as an oracle. Named as in Python's `cryptography`.
 */
export class InvalidToken extends BulwarkError {
  static override code = 'ERR_BULWARK_DECRYPTION_FAILED' as const;
  override readonly code = 'ERR_BULWARK_DECRYPTION_FAILED' as const;
}
