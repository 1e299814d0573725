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
    const time = new Date().toISOString();
    let event: SecurityEvent;
    try {
      event = redact({ time, ...partial }) as SecurityEvent;
    } catch {
      // Details that cannot be read (a throwing getter) are dropped; the event still goes out.
      event = redact({ time, ...partial, details: { redactionFailed: true } }) as SecurityEvent;
    }
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
