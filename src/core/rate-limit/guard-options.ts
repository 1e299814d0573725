/** Options of the pipeline guard that compile to something smaller: header dialects and exemptions. */

import { checkKeys, checkOneOf, fail } from '../config/check-options.js';
import { parseCidr, parseIp, rangeContains } from '../http/ip.js';
import { compilePathPattern } from '../routes/path-pattern.js';
import type { HeaderDialects } from './headers.js';

export function dialectsOf(value: unknown): HeaderDialects {
  const mode = value === false ? false : (checkOneOf('rateLimit.headers', value, ['standard', 'legacy', 'both'] as const) ?? 'standard');
  return { standard: mode === 'standard' || mode === 'both', legacy: mode === 'legacy' || mode === 'both' };
}

export type ExemptionCheck = (path: string, clientIp: string | undefined) => boolean;

/** Undefined when nothing is exempt, so the guard skips the check. */
export function exemptionsOf(value: unknown): ExemptionCheck | undefined {
  if (value === undefined) return undefined;
  checkKeys('rateLimit.exempt', value, ['paths', 'ips']);
  const { paths: patterns = [], ips = [] } = value as { paths?: unknown; ips?: unknown };
  if (!Array.isArray(patterns) || !Array.isArray(ips)) fail('rateLimit.exempt', 'expected { paths?: string[], ips?: string[] }');
  const paths = patterns.map((pattern: unknown, i) => compilePathPattern(`rateLimit.exempt.paths[${i}]`, pattern));
  const ranges = ips.map((entry: unknown, i) => {
    const range = typeof entry === 'string' ? parseCidr(entry.trim()) : undefined;
    if (range === undefined) fail(`rateLimit.exempt.ips[${i}]`, `${JSON.stringify(entry)} is not an IP address or CIDR range such as "10.0.0.0/8"`);
    return range;
  });
  if (paths.length === 0 && ranges.length === 0) return undefined;
  return (path, clientIp) => {
    for (const matches of paths) if (matches(path)) return true;
    if (ranges.length === 0 || clientIp === undefined) return false;
    const address = parseIp(clientIp);
    return address !== undefined && ranges.some((range) => rangeContains(range, address));
  };
}
