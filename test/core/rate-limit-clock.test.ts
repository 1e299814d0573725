/**
 * The pipeline guard's own memory counts on the monotonic clock: a wall-clock step neither stretches
 * nor reopens a window. A store shared with other limiters stays on the wall clock.
 */

import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBulwark, type SecurityRequest } from '../../src/core/index.js';
import { createMemoryStore } from '../../src/core/store/index.js';

const request = (): SecurityRequest => ({ method: 'GET', url: 'https://app.example/items', headers: new Headers({ host: 'app.example' }), remoteAddress: '198.51.100.7', secure: true });
const rules = [{ name: 'api', limits: { points: 2, duration: 1 } }];

/** Moves the monotonic clock (performance.now) and the wall clock (Date.now) independently. */
function clocks() {
  let monotonic = 1_000;
  let wall = 1_700_000_000_000;
  vi.spyOn(performance, 'now').mockImplementation(() => monotonic);
  vi.spyOn(Date, 'now').mockImplementation(() => wall);
  return {
    advance(ms: number) {
      monotonic += ms;
      wall += ms;
    },
    stepWallClock(ms: number) {
      wall += ms;
    },
  };
}

async function allowedCount(protect: (r: SecurityRequest) => unknown, times: number): Promise<boolean[]> {
  const answers: boolean[] = [];
  for (let i = 0; i < times; i++) answers.push(((await protect(request())) as { allowed: boolean }).allowed);
  return answers;
}

afterEach(() => vi.restoreAllMocks());

describe('rate-limit guard clock', () => {
  it('own memory: a wall clock stepped back an hour does not stretch the window', async () => {
    const time = clocks();
    const bulwark = createBulwark({ rateLimit: { rules } });
    expect(await allowedCount(bulwark.protect, 3)).toEqual([true, true, false]);
    time.stepWallClock(-3_600_000);
    time.advance(1_001);
    expect(await allowedCount(bulwark.protect, 3)).toEqual([true, true, false]);
  });

  it('own memory: a wall clock stepped forward does not reopen the window early', async () => {
    const time = clocks();
    const bulwark = createBulwark({ rateLimit: { rules } });
    expect(await allowedCount(bulwark.protect, 3)).toEqual([true, true, false]);
    time.stepWallClock(3_600_000);
    expect(await allowedCount(bulwark.protect, 1)).toEqual([false]);
  });

  it('a memory store shared with other limiters counts on the wall clock, as they do', async () => {
    const time = clocks();
    const bulwark = createBulwark({ rateLimit: { rules, store: createMemoryStore() } });
    expect(await allowedCount(bulwark.protect, 3)).toEqual([true, true, false]);
    time.stepWallClock(1_001);
    expect(await allowedCount(bulwark.protect, 1)).toEqual([true]);
  });
});
