/** Shared shapes and helpers for the benches: medians, number formatting, plain-text tables. */

export interface BenchRow {
  /** Stable key, used by run.ts and results.json. */
  id: string;
  label: string;
  /** ops/s for micro benches, req/s for HTTP benches (median of the rounds). */
  value: number;
  unit: 'ops/s' | 'req/s';
  /** Every round's value, for judging the spread. */
  rounds: number[];
  /** Extra detail, e.g. latency. */
  note?: string;
}

export interface BenchRatio {
  id: string;
  label: string;
  ratio: number;
  /** The issue's target for this ratio, when it has one. */
  target?: number;
}

export interface BenchResult {
  name: string;
  method: string;
  rows: BenchRow[];
  ratios: BenchRatio[];
  durationMs: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function formatNumber(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatRatio(ratio: BenchRatio): string {
  const verdict = ratio.target === undefined ? '' : ratio.ratio >= ratio.target ? ` (target >= ${ratio.target}: met)` : ` (target >= ${ratio.target}: NOT met)`;
  return `${ratio.ratio.toFixed(2)}${verdict}`;
}

/** Prints a bench result as an aligned plain-text table. */
export function printResult(result: BenchResult): void {
  const width = Math.max(...result.rows.map((row) => row.label.length), ...result.ratios.map((r) => r.label.length));
  console.log(`\n== ${result.name} (${(result.durationMs / 1000).toFixed(1)} s)`);
  console.log(result.method);
  for (const row of result.rows) {
    const spread = row.rounds.map((r) => formatNumber(r)).join(' / ');
    console.log(`  ${row.label.padEnd(width)}  ${formatNumber(row.value).padStart(12)} ${row.unit}   rounds: ${spread}${row.note ? `   ${row.note}` : ''}`);
  }
  for (const ratio of result.ratios) console.log(`  ${ratio.label.padEnd(width)}  ${formatRatio(ratio)}`);
}

/** Ratio of two rows' medians, by id. */
/**
 * The median of per-round ratios, for two rows measured back to back in each round: a machine that
 * speeds up or slows down between rounds moves both sides of a round alike, so this is steadier
 * than the ratio of the two medians.
 */
export function pairedRatioOf(rows: readonly BenchRow[], id: string, label: string, over: string, under: string, target?: number): BenchRatio {
  const top = rows.find((row) => row.id === over);
  const bottom = rows.find((row) => row.id === under);
  if (!top || !bottom) throw new Error(`ratio ${id}: missing row ${top ? under : over}`);
  if (top.rounds.length !== bottom.rounds.length) throw new Error(`ratio ${id}: rows measured in different rounds`);
  const ratio = median(top.rounds.map((value, i) => value / bottom.rounds[i]!));
  return { id, label, ratio, ...(target === undefined ? {} : { target }) };
}

export function ratioOf(rows: readonly BenchRow[], id: string, label: string, over: string, under: string, target?: number): BenchRatio {
  const top = rows.find((row) => row.id === over);
  const bottom = rows.find((row) => row.id === under);
  if (!top || !bottom) throw new Error(`ratio ${id}: missing row ${top ? under : over}`);
  return { id, label, ratio: top.value / bottom.value, ...(target === undefined ? {} : { target }) };
}
