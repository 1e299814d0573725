/**
 * Worker-thread mode: large documents are sanitized off the event loop, under a time budget; a
 * worker that runs past it is terminated and replaced.
 */

import { afterAll, describe, expect, it } from 'vitest';
import { BulwarkError, ConfigurationError, LimitExceededError, TimeBudgetExceededError } from '../../src/core/errors.js';
import { createSanitizer, defineProfile, type Sanitizer } from '../../src/core/sanitize/index.js';

const paragraph = '<p>Lorem <b>ipsum</b> <a href="https://example.com/x" onclick="x()">dolor</a><img src=x onerror=alert(1)> sit amet.</p>';
const open: Sanitizer[] = [];
function sanitizer(options: Parameters<typeof createSanitizer>[0]): Sanitizer {
  const created = createSanitizer(options);
  open.push(created);
  return created;
}

afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
});

describe('sanitizeAsync in worker mode', () => {
  it('gives the same output as sanitize, for built-in and custom profiles', async () => {
    const s = sanitizer({ worker: { minInputBytes: 1024, timeBudgetMs: 60_000 } });
    const large = paragraph.repeat(40);
    const custom = defineProfile({ tags: ['p', 'a'], tagAttributes: { a: ['href'] }, linkRel: false });
    expect(await s.sanitizeAsync(large)).toBe(s.sanitize(large));
    expect(await s.sanitizeAsync(large, { profile: 'rich' })).toBe(s.sanitize(large, { profile: 'rich' }));
    expect(await s.sanitizeAsync(large, { profile: custom })).toBe(s.sanitize(large, { profile: custom }));
    expect(await s.sanitizeAsync(paragraph)).toBe(s.sanitize(paragraph));
  }, 120_000);

  it('stops a document that runs past the time budget and serves the next one from a fresh worker', async () => {
    // About 700 KB: seconds of work, far past a one-second budget; the small one takes milliseconds.
    const s = sanitizer({ worker: { minInputBytes: 0, timeBudgetMs: 1000 } });
    expect(await s.sanitizeAsync('<i>warm</i>')).toBe('<i>warm</i>');
    const started = performance.now();
    await expect(s.sanitizeAsync(paragraph.repeat(6000))).rejects.toThrow(TimeBudgetExceededError);
    console.log(`time budget: the 700 KB document was stopped after ${(performance.now() - started).toFixed(0)} ms (budget 1000 ms)`);
    expect(await s.sanitizeAsync('<b onclick="x()">ok</b>')).toBe('<b>ok</b>');
  }, 120_000);

  it('refuses hooks in workers, bounds the queue, and fails pending calls on close', async () => {
    const s = sanitizer({ worker: { minInputBytes: 0, maxQueue: 1, timeBudgetMs: 60_000 } });
    const hooked = defineProfile({ tags: ['p'], hooks: { afterSanitizeElements: () => {} } });
    await expect(s.sanitizeAsync('<p>x</p>', { profile: hooked })).rejects.toThrow(ConfigurationError);
    const first = s.sanitizeAsync('<p>1</p>');
    const second = s.sanitizeAsync('<p>2</p>');
    await expect(second).rejects.toThrow(LimitExceededError);
    const closing = s.close();
    await expect(first).rejects.toThrow(BulwarkError);
    await closing;
    await expect(s.sanitizeAsync('<p>3</p>')).rejects.toThrow(/closed/);
  }, 120_000);

  it('still applies the input cap before anything reaches a worker', async () => {
    const s = sanitizer({ maxInputBytes: 100, worker: { minInputBytes: 0 } });
    await expect(s.sanitizeAsync('x'.repeat(101))).rejects.toThrow(LimitExceededError);
  });
});
