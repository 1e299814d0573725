/** `bulwark/sessions`: server-side sessions with rotation, idle and absolute timeouts, a per-user cap, revocation and step-up. */
export {
  createSessionGuard,
  type RevokeAllReason,
  type SessionDenial,
  type SessionDenyCode,
  type SessionGuard,
  type SessionLoadContext,
  type SessionLoadResult,
} from './guard.js';
export { SessionHandle, type HeaderSink, type PendingHeader, type SessionListEntry } from './handle.js';
export type { SessionInfo } from './records.js';
export type { SessionOptions, StepUpOptions } from './options.js';
export type { SessionCookieOptions } from './cookie.js';
export type { SessionEvent, SessionEventType } from './events.js';
export { SessionLimitError, SessionRequiredError } from './errors.js';
