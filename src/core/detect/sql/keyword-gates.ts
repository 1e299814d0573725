/**
 * Cheap tests that spare prose two keyword searches of `statements.ts`: the plain catalog names
 * (`sysobjects`, `tempdb`, `northwind`...) and the trigger words (`union`, `select`, `into`...).
 * Each looks in the lower-cased text, with native scans, for words the search cannot match without,
 * starting from a rarer part of them (`xec` before `exec`), and says no only when the search cannot
 * find anything.
 */

/** Below this length one pattern costs less than several scans: the gates are patterns, or let the search run. */
const SHORT = 64;
// Every plain catalog name contains one of these (one pattern for all four).
const PLAIN_CATALOG_GATE = /sys|tempdb|msdb|northwind/;
/** Bits of `ysMarks`: a `sys` in the text, a `yse`. */
const SYS = 1;
const YSE = 2;

/** Which of `sys` and `yse` the text holds: both are found where `ys` is (one scan for the two gates). */
export function ysMarks(lower: string): number {
  if (lower.length < SHORT) return SYS | YSE;
  let marks = 0;
  for (let at = lower.indexOf('ys'); at >= 0 && marks !== (SYS | YSE); at = lower.indexOf('ys', at + 1)) {
    if (lower.charCodeAt(at - 1) === 115 /* s */) marks |= SYS;
    if (lower.charCodeAt(at + 2) === 101 /* e */) marks |= YSE;
  }
  return marks;
}

/** Whether `lower` may hold a plain catalog name: each contains `sys`, `db` or `wind`. */
export function mayHavePlainCatalog(lower: string, ys: number): boolean {
  if (lower.length < SHORT) return PLAIN_CATALOG_GATE.test(lower);
  return (ys & SYS) !== 0 || lower.indexOf('db') >= 0 || lower.indexOf('wind') >= 0;
}

/**
 * Whether a trigger word may match: `fromTrigger` cannot match without one of these as a token's
 * value. A union needs `select`, `into` needs `outfile` or `dumpfile`, `procedure` needs `analyse`;
 * the statements are `select`, `waitfor` and `exec`.
 */
export function mayTrigger(text: string, lower: string, ys: number): boolean {
  // Lower-casing that changed the length (`İ`) shifts positions: the trigger loop then reads `text` elsewhere.
  if (lower.length !== text.length || lower.length < SHORT) return true;
  return (lower.indexOf('xec') >= 0 && lower.indexOf('exec') >= 0) ||
    (lower.indexOf('lect') >= 0 && lower.indexOf('select') >= 0) ||
    (lower.indexOf('fil') >= 0 && (lower.indexOf('outfile') >= 0 || lower.indexOf('dumpfile') >= 0)) ||
    ((ys & YSE) !== 0 && lower.indexOf('analyse') >= 0) ||
    (lower.indexOf('wai') >= 0 && lower.indexOf('waitfor') >= 0);
}
