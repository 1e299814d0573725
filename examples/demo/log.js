/**
 * Where the demo's security events go:
 * - a pino-compatible console logger (bulwark's `logger` option) prints every event, one line each,
 *   including the access log (`http_access`);
 * - an in-memory feed (bulwark's `onEvent` option) keeps the latest security events for /events.
 * Events arrive already redacted: tokens, cookies and passwords never reach either sink.
 */


/** A minimal pino-like logger: `info/warn/error(object, message)`. `write` defaults to console.log. */
export function createConsoleLogger(write = console.log) {
  const line = (level) => (object, message) => {
    const event = object?.event ?? {};
    const extras = [];
    if (event.details?.durationMs !== undefined) extras.push(`${event.details.durationMs} ms`);
    if (event.clientIp) extras.push(`ip=${event.clientIp}`);
    if (event.requestId) extras.push(`id=${event.requestId}`);
    write(`[bulwark] ${level.padEnd(5)} ${message ?? ''}${extras.length ? `  (${extras.join(', ')})` : ''}`);
  };
  return { info: line('INFO'), warn: line('WARN'), error: line('ERROR') };
}

/** Keeps the newest `size` events, leaving out the access log (it is on the console). */
export function createEventFeed(size = 50) {
  const events = [];
  return {
    record(event) {
      if (event.type === 'http_access') return;
      events.push(event);
      if (events.length > size) events.shift();
    },
    /** Newest first. */
    list() {
      return [...events].reverse();
    },
  };
}

/** A logger that prints nothing (tests). */
export const silentLogger = { info() {}, warn() {}, error() {} };
