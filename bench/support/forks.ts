/**
 * A micro-bench measured in several child processes, its rounds pooled, as JMH runs "forks". What
 * V8 makes of a case (what it inlines, which allocation sites it pretenures) is settled once per
 * process and then holds for every round: a pair of cases whose rounds agree within 5% inside one
 * process measured 0.87 in one process and 1.06 in the next (bench/rate-limit.bench.ts, memory).
 * Interleaved rounds take out drift within a process; forks sample what differs between processes.
 */

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, type BenchRow } from './report.js';

const FORK_ENV = 'BULWARK_BENCH_FORK';

/** In a fork, measures and writes the rows to stdout for the parent; true when this process is a fork. */
export async function runAsFork(measure: () => Promise<BenchRow[]>): Promise<boolean> {
  if (process.env[FORK_ENV] !== '1') return false;
  process.stdout.write(JSON.stringify(await measure()));
  return true;
}

/** Runs the bench module at `moduleUrl` as `forks` child processes in turn (it calls runAsFork) and pools their rounds. */
export function measureInForks(moduleUrl: string, forks: number): BenchRow[] {
  const pooled = new Map<string, BenchRow>();
  for (let fork = 0; fork < forks; fork++) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(moduleUrl)], {
      env: { ...process.env, [FORK_ENV]: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    });
    if (child.status !== 0) throw new Error(`bench fork ${fork} of ${moduleUrl} exited with ${child.status ?? child.signal}`);
    for (const row of JSON.parse(child.stdout) as BenchRow[]) {
      const seen = pooled.get(row.id);
      if (seen === undefined) pooled.set(row.id, row);
      else seen.rounds.push(...row.rounds);
    }
  }
  return [...pooled.values()].map((row) => ({ ...row, value: median(row.rounds) }));
}
