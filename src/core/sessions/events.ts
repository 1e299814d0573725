/** Session events, named after the OWASP Application Logging Vocabulary. Session ids appear only as salted hashes (`sidHash`). */

import { createEventEmitter } from '../events/emitter.js';
import type { PinoLikeLogger, SecurityEvent, SecurityEventLevel } from '../events/types.js';

export type SessionEventType =
  /** A login started a session. */
  | 'session_created'
  /** A session's id was replaced (periodic rotation, privilege change, MFA step-up). */
  | 'session_renewed'
  /** A session ended by time (absolute timeout), or a request named one that no longer exists (idle timeout, or never existed). */
  | 'session_expired'
  /** A session was ended on purpose: logout, revocation, password change, account lock, or the per-user cap. */
  | 'session_revoked';

export interface SessionEvent extends Omit<SecurityEvent, 'type'> {
  readonly type: SessionEventType;
}

export interface SessionEventContext {
  clientIp?: string | undefined;
  path?: string | undefined;
  requestId?: string | undefined;
}

export type EmitSessionEvent = (
  type: SessionEventType,
  level: SecurityEventLevel,
  description: string,
  details: Record<string, unknown>,
  context?: SessionEventContext,
) => void;

export function createSessionEvents(onEvent: ((event: SessionEvent) => void) | undefined, logger: PinoLikeLogger | undefined): EmitSessionEvent {
  // The event names join SecurityEventType in events/types.ts; until then the sink is cast.
  const emit = createEventEmitter({ onEvent: onEvent as ((event: SecurityEvent) => void) | undefined, logger });
  return (type, level, description, details, context) =>
    emit({ type: type as SecurityEvent['type'], level, description, details, clientIp: context?.clientIp, path: context?.path, requestId: context?.requestId });
}
