/**
 * Interleaved micro-measurements timed by this process's CPU time (mitata), so other processes on a
 * busy machine cost a bench little more than cache pressure. Cases of one group run A B A B ...,
 * alternating the order each round, and the median round is reported.
 */

import { measure } from 'mitata';
import { median, type BenchRow } from './report.js';

export interface MicroCase {
  id: string;
  label: string;
  /** One operation; may return a promise, which is awaited. */
  run: () => unknown;
}

export function cpuNow(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

/**
 * The wrapper an asynchronous case is measured through: one per case, compiled apart, that awaits
 * the case and returns nothing.
 * - One per case: a wrapper shared by all cases shares V8's feedback, so what V8 inlined into it
 *   depended on which case ran first, and one case's ratio to another swung between processes.
 * - Nothing returned: handing each result to mitata's loop, a long-lived frame in the old
 *   generation, made every fresh result pay V8's write barrier there (about 50 instructions per
 *   call, bench/rate-limit.bench.ts), a cost of the harness that only cases returning new objects paid.
 */
const wrappers = new WeakMap<() => unknown, () => Promise<void>>();

function awaitedApart(run: () => unknown): () => Promise<void> {
  let wrapper = wrappers.get(run);
  if (wrapper === undefined) {
    // new Function compiles a new function each time; a closure literal here would be one function for all cases.
    wrapper = new Function('run', 'return async () => { await run(); };')(run) as () => Promise<void>;
    wrappers.set(run, wrapper);
  }
  return wrapper;
}

async function opsPerSecond(run: () => unknown): Promise<number> {
  const stats = run() instanceof Promise ? await measure(awaitedApart(run), { now: cpuNow }) : await measure(run, { now: cpuNow });
  return 1e9 / stats.avg;
}

export async function measureInterleaved(cases: readonly MicroCase[], rounds: number): Promise<BenchRow[]> {
  const samples = new Map<string, number[]>(cases.map((item) => [item.id, []]));
  for (let round = 0; round < rounds; round++) {
    const ordered = round % 2 === 0 ? cases : [...cases].reverse();
    for (const item of ordered) samples.get(item.id)!.push(await opsPerSecond(item.run));
  }
  return cases.map((item) => {
    const values = samples.get(item.id)!;
    return { id: item.id, label: item.label, value: median(values), unit: 'ops/s', rounds: values };
  });
}
