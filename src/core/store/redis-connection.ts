/**
 * Bounded calls to an ioredis client (standalone or Cluster): every operation settles within
 * `timeoutMs`, a client that is not connected fails at once instead of queueing, and every failure
 * becomes a `StoreUnavailableError` whose message names neither keys nor values.
 *
 * A server that stops answering without dropping the connection (paused, partitioned) would cost
 * every operation the full timeout, so after `BREAKER_TIMEOUTS` timeouts in a row operations fail
 * at once for `BREAKER_OPEN_MS`; then they are tried again.
 */

import { InvalidInputError } from '../errors.js';
import { StoreUnavailableError } from './errors.js';
import type { RedisScript } from './redis-scripts.js';

/** What the store needs from an ioredis `Redis` or `Cluster`. */
export interface RedisCaller {
  readonly status: string;
  call(command: string, args: (string | number)[]): Promise<unknown>;
  once(event: 'ready', listener: () => void): unknown;
  removeListener(event: 'ready', listener: () => void): unknown;
  connect(): Promise<void>;
}

export interface BoundedCaller {
  /** Runs one command within the time bound. */
  call(command: string, args: (string | number)[]): Promise<unknown>;
  /** Runs a script (EVALSHA, falling back to EVAL when the server does not have it yet). */
  script(script: RedisScript, keys: string[], args: (string | number)[]): Promise<unknown>;
  /** Waits up to `timeoutMs` for the client to be connected, also through a reconnect. */
  ready(timeoutMs: number): Promise<void>;
  close(): void;
}

export const BREAKER_TIMEOUTS = 3;
export const BREAKER_OPEN_MS = 1000;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Keeps only name and message: ioredis errors carry the command's arguments (keys and values). */
function toStoreError(error: unknown): Error {
  if (error instanceof StoreUnavailableError || error instanceof InvalidInputError) return error;
  const message = messageOf(error);
  if (message.includes('not an integer')) return new InvalidInputError('store: increment: the key does not hold an integer');
  const cause = new Error(message.slice(0, 200));
  cause.name = error instanceof Error ? error.name : 'Error';
  return new StoreUnavailableError('store: the Redis command failed', { cause });
}

/** Wraps a client so each call is bounded by `timeoutMs` and fails fast while the client is down. */
export function boundedCaller(client: RedisCaller, timeoutMs: number): BoundedCaller {
  let closed = false;
  let ready: Promise<void> | undefined;
  let timeoutsInARow = 0;
  let openUntil = 0;

  const whenReady = (): Promise<void> | undefined => {
    const status = client.status;
    if (status === 'ready') return undefined;
    // reconnecting, disconnecting, close, end: an outage, so fail now rather than queue
    if (status !== 'wait' && status !== 'connecting' && status !== 'connect') {
      throw new StoreUnavailableError('store: Redis is not connected');
    }
    if (status === 'wait') client.connect().catch(() => undefined); // lazyConnect: failures surface through the deadline
    ready ??= new Promise<void>((resolve) => {
      client.once('ready', () => {
        ready = undefined;
        resolve();
      });
    });
    return ready;
  };

  async function bounded<T>(work: () => Promise<T>): Promise<T> {
    if (closed) throw new StoreUnavailableError('store: the Redis store is closed');
    if (openUntil !== 0 && Date.now() < openUntil) throw new StoreUnavailableError('store: Redis is not answering (retrying shortly)');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailableError(`store: Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const attempt = (async () => {
      const waiting = whenReady();
      if (waiting !== undefined) await waiting;
      return work();
    })();
    attempt.catch(() => undefined); // when the deadline wins, the late result or error is dropped
    try {
      const result = await Promise.race([attempt, deadline]);
      timeoutsInARow = openUntil = 0;
      return result;
    } catch (error) {
      // Our deadline or ioredis's commandTimeout: the server is not answering.
      if (/did not answer|timed out/.test(messageOf(error))) {
        if (++timeoutsInARow >= BREAKER_TIMEOUTS) openUntil = Date.now() + BREAKER_OPEN_MS;
      } else {
        timeoutsInARow = openUntil = 0;
      }
      throw toStoreError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    call: (command, args) => bounded(() => client.call(command, args)),
    script: (script, keys, args) =>
      bounded(async () => {
        const params = [script.keys, ...keys, ...args];
        try {
          return await client.call('EVALSHA', [script.sha1, ...params]);
        } catch (error) {
          if (!messageOf(error).startsWith('NOSCRIPT')) throw error;
          return client.call('EVAL', [script.source, ...params]);
        }
      }),
    ready: async (waitMs) => {
      if (closed || client.status === 'end') throw new StoreUnavailableError('store: the Redis client is closed');
      if (client.status === 'ready') return;
      if (client.status === 'wait') client.connect().catch(() => undefined);
      let onReady = (): void => undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await new Promise<void>((resolve, reject) => {
          onReady = resolve;
          client.once('ready', onReady);
          timer = setTimeout(() => reject(new StoreUnavailableError(`store: Redis was not ready within ${waitMs} ms`)), waitMs);
        });
      } finally {
        clearTimeout(timer);
        client.removeListener('ready', onReady);
      }
    },
    close: () => {
      closed = true;
    },
  };
}
