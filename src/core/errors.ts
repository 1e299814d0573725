/**
 * One error base with a stable `code`, one subclass per failure kind. Switch on `err.code`:
 *
 *   if (err instanceof BulwarkError && err.code === 'ERR_BULWARK_CONFIGURATION') ...
 *
 * Messages never contain secrets, tokens, passwords or cookies.
 */

export type BulwarkErrorCode = 'ERR_BULWARK' | 'ERR_BULWARK_CONFIGURATION' | 'ERR_BULWARK_INVALID_INPUT';

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
