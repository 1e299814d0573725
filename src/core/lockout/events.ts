/** Lockout events, named after the OWASP Application Logging Vocabulary. */

import { createEventEmitter } from '../events/emitter.js';
import type { PinoLikeLogger, SecurityEvent, SecurityEventLevel } from '../events/types.js';

export type LockoutEventType =
  /** A login (or second-factor) attempt failed. */
  | 'authn_login_fail'
  /** Too many failures: the account, the (IP, account) pair or the IP is locked for a while. */
  | 'authn_login_lock'
  /** The store did not answer; `details.policy` says whether attempts were let through. */
  | 'store_unavailable';

export interface LockoutEvent extends Omit<SecurityEvent, 'type'> {
  readonly type: LockoutEventType;
}

export type EmitLockoutEvent = (
  type: LockoutEventType,
  level: SecurityEventLevel,
  description: string,
  details: Record<string, unknown>,
  clientIp: string | undefined,
) => void;

export function createLockoutEvents(onEvent: ((event: LockoutEvent) => void) | undefined, logger: PinoLikeLogger | undefined): EmitLockoutEvent {
  // The event names join SecurityEventType in events/types.ts; until then the sink is cast.
  const emit = createEventEmitter({ onEvent: onEvent as ((event: SecurityEvent) => void) | undefined, logger });
  return (type, level, description, details, clientIp) => emit({ type: type as SecurityEvent['type'], level, description, details, clientIp });
}
