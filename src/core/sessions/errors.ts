/** Session errors for calls the application makes on a session handle (request-time denials are decisions, not errors). */

import { BulwarkError } from '../errors.js';

/** The call needs an active session (rotate, step-up, data) and there is none, or it ended meanwhile. */
export class SessionRequiredError extends BulwarkError {
  static override code = 'ERR_BULWARK_SESSION_REQUIRED' as const;
  override readonly code = 'ERR_BULWARK_SESSION_REQUIRED' as const;
}

/** A login lost its place under the per-user cap to concurrent logins of the same user. */
export class SessionLimitError extends BulwarkError {
  static override code = 'ERR_BULWARK_SESSION_LIMIT' as const;
  override readonly code = 'ERR_BULWARK_SESSION_LIMIT' as const;
}
