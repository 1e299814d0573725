import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEventEmitter } from '../../src/core/events/emitter.js';
import { redact, redactString, REDACTED } from '../../src/core/events/redact.js';
import type { PinoLikeLogger, SecurityEvent } from '../../src/core/events/types.js';

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const FERNET = 'gAAAAABkT8u2Y0i9wd2Q0mVm1nqzQ6r1vYxX2iG4bN3oZcP6gq8l5sKxJtUuA1rHfQ9yE7wD3cB0aL4=';

/** A pino-compatible logger that records its calls (pino's `(object, message)` signature). */
class RecordingLogger implements PinoLikeLogger {
  readonly calls: { level: string; object: object; message: string | undefined }[] = [];
  info(object: object, message?: string): void {
    this.calls.push({ level: 'info', object, message });
  }
  warn(object: object, message?: string): void {
    this.calls.push({ level: 'warn', object, message });
  }
  error(object: object, message?: string): void {
    this.calls.push({ level: 'error', object, message });
  }
}

class ThrowingLogger extends RecordingLogger {
  override info(): void {
    throw new Error('log sink down');
  }
}

describe('redact by key', () => {
  it('redacts secret-named keys at any depth, in objects and arrays', () => {
    const input = {
      user: 'alice',
      password: 'hunter2',
      newPassword: 'x',
      token: 't',
      refresh_token: 'r',
      headers: { Authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l', cookie: 'sid=1', 'x-api-key': 'k', accept: 'text/html' },
      apiKey: 'k',
      list: [{ secret: 's', name: 'n' }, 'plain'],
      deep: { a: { b: { sessionId: 'abc', ok: 1 } } },
    };
    expect(redact(input)).toEqual({
      user: 'alice',
      password: REDACTED,
      newPassword: REDACTED,
      token: REDACTED,
      refresh_token: REDACTED,
      headers: { Authorization: REDACTED, cookie: REDACTED, 'x-api-key': REDACTED, accept: 'text/html' },
      apiKey: REDACTED,
      list: [{ secret: REDACTED, name: 'n' }, 'plain'],
      deep: { a: { b: { sessionId: REDACTED, ok: 1 } } },
    });
  });

  it('keeps a __proto__ key from parsed JSON as data', () => {
    const out = redact(JSON.parse('{"__proto__": {"token": "t", "note": "n"}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(out))).toEqual(JSON.parse('{"__proto__": {"token": "[REDACTED]", "note": "n"}}'));
  });

  it('does not modify its input', () => {
    const input = { password: 'p', nested: { token: 't' } };
    redact(input);
    expect(input).toEqual({ password: 'p', nested: { token: 't' } });
  });

  it('handles cycles, depth, dates, errors and primitives', () => {
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    expect(redact(cyclic)).toEqual({ name: 'a', self: '[Circular]' });
    let deep: unknown = 'bottom';
    for (let i = 0; i < 20; i++) deep = { next: deep };
    expect(JSON.stringify(redact(deep))).toContain('[Truncated]');
    expect(redact(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(redact({ at: new Date(Number.NaN) })).toEqual({ at: 'Invalid Date' });
    expect(redact(new Error(`bad token ${JWT}`))).toEqual({ name: 'Error', message: `bad token ${REDACTED}` });
    for (const value of [null, undefined, 1, true, 10n]) expect(redact(value)).toBe(value);
  });

  it('bounds huge arrays', () => {
    expect((redact(Array(1_000).fill(1)) as unknown[]).length).toBe(200);
  });
});

describe('redact by shape', () => {
  it.each([
    ['a JWT', `user sent ${JWT} today`, `user sent ${REDACTED} today`],
    ['a Bearer credential', 'Authorization: Bearer abc.DEF-123_xyz', `Authorization: Bearer ${REDACTED}`],
    ['a lower-case bearer', 'bearer 0123456789abcdef', `bearer ${REDACTED}`],
    ['a Basic credential', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l', `Basic ${REDACTED}`],
    ['a Fernet token', `ciphertext=${FERNET}`, `ciphertext=${REDACTED}`],
    ['user:pass@ in a URL', 'redis://default:s3cr3t@cache.internal:6379/0', `redis://${REDACTED}@cache.internal:6379/0`],
    ['?token= in a query', '/reset?token=abc123&lang=en', `/reset?token=${REDACTED}&lang=en`],
    ['&password= in a query', '/login?user=a&password=p%40ss#frag', `/login?user=a&password=${REDACTED}#frag`],
    ['?api_key= (any case)', 'GET /v1?API_KEY=zzz', `GET /v1?API_KEY=${REDACTED}`],
  ])('redacts %s', (_label, input, expected) => {
    expect(redactString(input)).toBe(expected);
    expect(redact({ message: input })).toEqual({ message: expected });
  });

  it.each(['GET /search?q=tokenize', 'Bearer short', 'https://example.com/user@host', 'the eyJ prefix alone', 'keyboard=1'])(
    'leaves %j alone',
    (input) => {
      expect(redactString(input)).toBe(input);
    },
  );

  it('property: a bearer credential never survives, whatever surrounds it', () => {
    const credential = fc.string({ unit: fc.constantFrom(...'ABCDEFabcdef0123456789._~+/=-'), minLength: 8, maxLength: 60 });
    fc.assert(
      fc.property(fc.string(), credential, fc.string(), (before, secret, after) => {
        fc.pre(!before.includes(secret) && !after.includes(secret));
        expect(redactString(`${before} Bearer ${secret} ${after}`)).not.toContain(secret);
      }),
    );
  });

  it('property: never throws, and the result always serializes to JSON', () => {
    fc.assert(
      fc.property(fc.anything({ withDate: true, withMap: true, withSet: true, withNullPrototype: true, withBigInt: false }), (value) => {
        expect(() => JSON.stringify(redact(value))).not.toThrow();
      }),
    );
  });
});

describe('createEventEmitter', () => {
  const base = { type: 'input_validation_fail', level: 'WARN', description: `saw ${JWT}` } as const;

  it('sends timestamped, redacted events to onEvent and to the logger', () => {
    const events: SecurityEvent[] = [];
    const logger = new RecordingLogger();
    const emit = createEventEmitter({ onEvent: (e) => events.push(e), logger });
    emit({ ...base, details: { authorization: 'Bearer abcdefghijk', url: '/x?token=1' } });
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(Date.parse(event.time)).not.toBeNaN();
    expect(event).toMatchObject({
      type: 'input_validation_fail',
      level: 'WARN',
      description: `saw ${REDACTED}`,
      details: { authorization: REDACTED, url: `/x?token=${REDACTED}` },
    });
    expect(logger.calls).toEqual([{ level: 'warn', object: { event }, message: `input_validation_fail: saw ${REDACTED}` }]);
    expect(JSON.stringify(logger.calls)).not.toContain(JWT);
  });

  it('maps levels to pino methods: INFO->info, WARN->warn, CRITICAL->error', () => {
    const logger = new RecordingLogger();
    const emit = createEventEmitter({ logger });
    emit({ type: 'http_access', level: 'INFO', description: 'a' });
    emit({ type: 'input_validation_fail', level: 'WARN', description: 'b' });
    emit({ type: 'sys_crash', level: 'CRITICAL', description: 'c' });
    expect(logger.calls.map((c) => [c.level, c.message])).toEqual([
      ['info', 'http_access: a'],
      ['warn', 'input_validation_fail: b'],
      ['error', 'sys_crash: c'],
    ]);
  });

  it('a throwing onEvent neither throws out nor stops the logger', () => {
    const logger = new RecordingLogger();
    const emit = createEventEmitter({
      onEvent: () => {
        throw new Error('sink failed');
      },
      logger,
    });
    expect(() => emit(base)).not.toThrow();
    expect(logger.calls).toHaveLength(1);
  });

  it('a throwing logger never throws out, and onEvent still gets the event', () => {
    const events: SecurityEvent[] = [];
    const emit = createEventEmitter({ onEvent: (e) => events.push(e), logger: new ThrowingLogger() });
    expect(() => emit({ type: 'http_access', level: 'INFO', description: 'x' })).not.toThrow();
    expect(events).toHaveLength(1);
  });

  it('details that cannot be read never throw out; the event is still delivered', () => {
    const events: SecurityEvent[] = [];
    const emit = createEventEmitter({ onEvent: (e) => events.push(e) });
    const details = {
      get broken(): string {
        throw new Error('getter failed');
      },
    };
    expect(() => emit({ ...base, details })).not.toThrow();
    expect(events).toEqual([expect.objectContaining({ type: 'input_validation_fail', details: { redactionFailed: true } })]);
  });

  it('with no sinks, emitting is a no-op', () => {
    expect(() => createEventEmitter({})(base)).not.toThrow();
  });
});
