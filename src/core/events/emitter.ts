/** Delivers security events to the configured sinks, redacted, without ever throwing into the request path. */

import { redact } from './redact.js';
import type { PinoLikeLogger, SecurityEvent } from './types.js';

export interface EventSinks {
  /** Called with each event (already redacted). Errors it throws are swallowed. */
  onEvent?: ((event: SecurityEvent) => void) | undefined;
  /** Any pino-compatible logger. */
  logger?: PinoLikeLogger | undefined;
}

export type EmitEvent = (event: Omit<SecurityEvent, 'time'>) => void;

const LOGGER_METHOD = { INFO: 'info', WARN: 'warn', CRITICAL: 'error' } as const;

export function createEventEmitter({ onEvent, logger }: EventSinks): EmitEvent {
  if (!onEvent && !logger) return () => {};
  return (partial) => {
    const event = redact({ time: new Date().toISOString(), ...partial }) as SecurityEvent;
    try {
      onEvent?.(event);
    } catch {
      // A failing sink must not turn into a failing request.
    }
    try {
      logger?.[LOGGER_METHOD[event.level]]({ event }, `${event.type}: ${event.description}`);
    } catch {
      // Same for the logger.
    }
  };
}
