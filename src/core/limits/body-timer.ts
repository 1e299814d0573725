/**
 * Timeouts for reading a request body: an idle limit (longest wait for the next chunk) and a total
 * limit, kept with one lazily re-armed timer rather than a timer per chunk.
 */

import { TimeBudgetExceededError } from '../errors.js';

const ignore = (): void => {};

export interface BodyTimer {
  /** Call before each read of the source. May expire at once when the total time is used up. */
  started(): void;
  /** Call when that read settles. */
  ended(): void;
  stop(): void;
  /** The timeout error, once the timer has expired. */
  readonly error: TimeBudgetExceededError | undefined;
  /** Rejects with the timeout error; for sources that cannot be interrupted any other way. */
  readonly expired: Promise<never>;
}

export interface BodyTimeouts {
  readonly idleTimeoutMs: number | undefined;
  readonly timeoutMs: number | undefined;
}

/**
 * Times the waits for the source with one lazily re-armed timer: a read only records when it
 * started; the timer, when it fires, checks how long the pending read has waited and re-arms for the
 * rest. Time spent while the consumer is not reading does not count as idle. `onExpire` runs once,
 * when a pending read waited too long (or the total time ran out), and should stop the source.
 */
export function bodyTimer(limits: BodyTimeouts, onExpire: (error: TimeBudgetExceededError) => void): BodyTimer | undefined {
  const { idleTimeoutMs, timeoutMs } = limits;
  if (idleTimeoutMs === undefined && timeoutMs === undefined) return undefined;
  let deadline: number | undefined;
  let waitingSince: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let error: TimeBudgetExceededError | undefined;
  let expired: Promise<never> | undefined;
  let rejectExpired: ((error: Error) => void) | undefined;

  const fire = (overall: boolean): void => {
    stopped = true;
    // Made only on expiry: capturing a stack per chunk would cost more than the timing itself.
    error = overall
      ? new TimeBudgetExceededError(`request body not received within ${timeoutMs} ms`)
      : new TimeBudgetExceededError(`request body stalled: no data for ${idleTimeoutMs} ms`);
    rejectExpired?.(error);
    onExpire(error);
  };
  const arm = (now: number): void => {
    const idleLeft = idleTimeoutMs === undefined ? Infinity : idleTimeoutMs - (now - waitingSince!);
    const totalLeft = deadline === undefined ? Infinity : deadline - now;
    timer = setTimeout(check, Math.max(0, Math.min(idleLeft, totalLeft)));
  };
  function check(): void {
    timer = undefined;
    if (stopped || waitingSince === undefined) return; // the next read re-arms
    const now = performance.now();
    if (deadline !== undefined && now >= deadline) fire(true);
    else if (idleTimeoutMs !== undefined && now - waitingSince >= idleTimeoutMs) fire(false);
    else arm(now);
  }

  return {
    started() {
      if (stopped) return;
      const now = performance.now();
      if (timeoutMs !== undefined) deadline ??= now + timeoutMs;
      waitingSince = now;
      if (deadline !== undefined && now >= deadline) fire(true);
      else if (timer === undefined) arm(now);
    },
    ended() {
      waitingSince = undefined;
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
    get error() {
      return error;
    },
    get expired() {
      if (expired === undefined) {
        expired = error ? Promise.reject(error) : new Promise<never>((_, reject) => (rejectExpired = reject));
        expired.catch(ignore);
      }
      return expired;
    },
  };
}
