/** Status, client message and event for each way a request can be stopped. */

import type { SecurityEventLevel, SecurityEventType } from '../events/types.js';
import type { DenyCode } from './types.js';

export interface Denial {
  readonly status: number;
  /** Short and generic: this is what the client sees. */
  readonly message: string;
  readonly event: SecurityEventType;
  readonly level: SecurityEventLevel;
}

export const DENIALS: Readonly<Record<DenyCode, Denial>> = {
  bad_request: { status: 400, message: 'Bad request', event: 'input_validation_fail', level: 'WARN' },
  https_required: { status: 308, message: 'HTTPS required', event: 'sys_https_redirect', level: 'INFO' },
  internal_error: { status: 500, message: 'Request could not be checked', event: 'sys_crash', level: 'CRITICAL' },
  uri_too_long: { status: 414, message: 'URI too long', event: 'input_validation_fail', level: 'WARN' },
  headers_too_large: { status: 431, message: 'Request header fields too large', event: 'input_validation_fail', level: 'WARN' },
  method_not_allowed: { status: 405, message: 'Method not allowed', event: 'input_validation_fail', level: 'WARN' },
  payload_too_large: { status: 413, message: 'Payload too large', event: 'input_validation_fail', level: 'WARN' },
  request_timeout: { status: 408, message: 'Request timeout', event: 'input_validation_fail', level: 'WARN' },
  unsupported_media_type: { status: 415, message: 'Unsupported media type', event: 'input_validation_fail', level: 'WARN' },
  ip_forbidden: { status: 403, message: 'Forbidden', event: 'authz_fail', level: 'WARN' },
  rate_limited: { status: 429, message: 'Too many requests', event: 'excess_rate_limit_exceeded', level: 'WARN' },
  injection_detected: { status: 400, message: 'Bad request', event: 'input_validation_fail', level: 'WARN' },
  csrf_failed: { status: 403, message: 'Forbidden', event: 'malicious_csrf', level: 'WARN' },
  session_required: { status: 401, message: 'Sign-in required', event: 'authz_fail', level: 'INFO' },
  step_up_required: { status: 401, message: 'Recent second-factor verification required', event: 'authz_fail', level: 'INFO' },
  session_unavailable: { status: 503, message: 'Service unavailable', event: 'store_unavailable', level: 'CRITICAL' },
};
