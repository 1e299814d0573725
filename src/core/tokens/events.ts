/** Token events, named after the OWASP Application Logging Vocabulary, delivered redacted to the configured sinks. */

import { createEventEmitter } from '../events/emitter.js';
import type { PinoLikeLogger, SecurityEvent, SecurityEventLevel } from '../events/types.js';

export type TokenEventType =
  /** `issue()` created a token pair (a new family). */
  | 'authn_token_created'
  /** A token, a family or every token of a subject was revoked. */
  | 'authn_token_revoked'
  /** A consumed refresh token was presented again: the family is revoked. */
  | 'authn_token_reuse'
  /** A token came from another client than it was issued to (binding). */
  | 'authn_token_binding_mismatch'
  /** The store did not answer and `onStoreError: 'allow'` let a token through unchecked against the denylist. */
  | 'authn_token_store_fail_open';

/** A security event from the token manager. `details` never holds a token; ids (`jti`, family) are not secrets. */
export interface TokenEvent extends Omit<SecurityEvent, 'type'> {
  readonly type: TokenEventType;
}

export type EmitTokenEvent = (type: TokenEventType, level: SecurityEventLevel, description: string, details: Record<string, unknown>) => void;

export function createTokenEvents(onEvent: ((event: TokenEvent) => void) | undefined, logger: PinoLikeLogger | undefined): EmitTokenEvent {
  // The event names join SecurityEventType in events/types.ts; until then the sink is cast.
  const emit = createEventEmitter({ onEvent: onEvent as ((event: SecurityEvent) => void) | undefined, logger });
  return (type, level, description, details) => emit({ type: type as SecurityEvent['type'], level, description, details });
}
