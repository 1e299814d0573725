/**
 * The pipeline's injection guard: every query parameter name and value through the detectors at
 * one level. `block` (the default) refuses a request with findings (400); `report` lets it through
 * and only emits the event. Options are validated once; requests without a query cost nothing.
 */

import { checkKeys, checkOneOf } from '../config/check-options.js';
import { LimitExceededError } from '../errors.js';
import type { InspectOptions, InspectResult } from './types.js';
import { scanQuery } from './query.js';

export interface InjectionGuardOptions extends Pick<InspectOptions, 'level' | 'kinds' | 'limits'> {
  /** `block` (default): 400 with code `injection_detected`; `report`: an event only. */
  mode?: 'block' | 'report';
}

export interface InjectionGuard {
  readonly mode: 'block' | 'report';
  /** Findings for the query of `url`; a query over the limits counts as a finding of its own. */
  scan(url: string, search: string): InspectResult | 'over-limits';
}

export function createInjectionGuard(options: InjectionGuardOptions): InjectionGuard {
  checkKeys('injection', options, ['level', 'kinds', 'limits', 'mode']);
  const mode = checkOneOf('injection.mode', options.mode, ['block', 'report'] as const) ?? 'block';
  const inspectOptions: InspectOptions = { level: options.level, kinds: options.kinds, limits: options.limits };
  // Fails now, at construction, on bad options rather than on the first request with a query.
  scanQuery('http://check.invalid/?a=1', inspectOptions);
  return {
    mode,
    scan(url, search) {
      if (search.length <= 1) return { safe: true, findings: [] };
      try {
        return scanQuery(url, inspectOptions);
      } catch (error) {
        if (error instanceof LimitExceededError) return 'over-limits';
        throw error;
      }
    },
  };
}
