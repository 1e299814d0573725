/** The one error a store outage surfaces as. Features choose allow, deny or a fallback on top of it. */

import { BulwarkError } from '../errors.js';

/**
 * The store did not answer: connection refused or lost, the command timeout passed, the server
 * refused the command (out of memory, cluster down), or the store was closed. Messages never name
 * keys or values. A timed-out write may still have been applied by the server.
 */
export class StoreUnavailableError extends BulwarkError {
  static override code = 'ERR_BULWARK_STORE_UNAVAILABLE' as const;
  override readonly code = 'ERR_BULWARK_STORE_UNAVAILABLE' as const;
}
