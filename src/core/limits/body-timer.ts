/**
 * Timeouts for reading a request body: an idle limit (longest wait for the next chunk) and a total
 * limit, kept with one lazily re-armed timer rather than a timer per chunk.
 */

import { TimeBudgetExceededError } from '../errors.js';

const ignore = (): void => {};

export interface BodyTimer {
  /** `next()`, rejected with TimeBudgetExceededError if it waits too long. */
  wait<T>(next: () => Promise<T>): Promise<T>;
  stop(): void;
}

/**
 * Times the waits for the source with one lazily re-armed timer, not a timer per chunk: a read only
 * records when it started; the timer, when it fires, checks how long the pending read has waited and
 * re-arms for the rest. Time spent while the consumer is not reading does not count as idle.
 */
export function bodyTimer(limits: { readonly idleTimeoutMs: number | undefined; readonly timeoutMs: number | undefined }): BodyTimer | undefined {
  const { idleTimeoutMs, timeoutMs } = limits;
  if (idleTimeoutMs === undefined && timeoutMs === undefined) return undefined;
  let deadline: number | undefined;
  let waitingSince: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let expire!: (error: Error) => void;
  const expired = new Promise<never>((_, reject) => (expire = reject));
  expired.catch(ignore);

  const fire = (overall: boolean): void => {
    stopped = true;
    expire(
      overall
        ? new TimeBudgetExceededError(`request body not received within ${timeoutMs} ms`)
        : new TimeBudgetExceededError(`request body stalled: no data for ${idleTimeoutMs} ms`),
    );
  };
  const arm = (now: number): void => {
    const idleLeft = idleTimeoutMs === undefined ? Infinity : idleTimeoutMs - (now - waitingSince!);
    const totalLeft = deadline === undefined ? Infinity : deadline - now;
    timer = setTimeout(check, Math.max(0, Math.min(idleLeft, totalLeft)));
  };
  function check(): void {
    timer = undefined;
    if (stopped || waitingSince === undefined) return; // re-armed by the next read
    const now = performance.now();
    if (deadline !== undefined && now >= deadline) fire(true);
    else if (idleTimeoutMs !== undefined && now - waitingSince >= idleTimeoutMs) fire(false);
    else arm(now);
  }
  const ended = (): void => {
    waitingSince = undefined;
  };

  return {
    wait(next) {
      const now = performance.now();
      if (timeoutMs !== undefined) deadline ??= now + timeoutMs;
      waitingSince = now;
      if (!stopped && deadline !== undefined && now >= deadline) fire(true);
      else if (!stopped && timer === undefined) arm(now);
      const result = Promise.race([next(), expired]);
      result.then(ended, ended);
      return result;
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
