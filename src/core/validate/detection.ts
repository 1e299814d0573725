/** The bridge to the injection detectors: validated level and kinds, and a fail-closed call to `inspect`. */

import { checkOneOf, fail } from '../config/check-options.js';
import { INJECTION_KINDS, inspect, SECURITY_LEVELS, type Finding, type InjectionKind, type SecurityLevel } from '../detect/index.js';

export interface DetectionOptions {
  /** Which detectors run and how eagerly. Default `standard`. */
  level?: SecurityLevel;
  /** Restrict the detectors to these kinds. Default: every kind the level runs. `[]` runs none. */
  kinds?: readonly InjectionKind[];
}

export interface Detection {
  readonly level: SecurityLevel;
  readonly kinds: readonly InjectionKind[] | undefined;
}

export function normalizeDetection(path: string, options: DetectionOptions): Detection {
  const level = checkOneOf(`${path}.level`, options.level, SECURITY_LEVELS) ?? 'standard';
  let kinds: InjectionKind[] | undefined;
  if (options.kinds !== undefined) {
    if (!Array.isArray(options.kinds)) fail(`${path}.kinds`, `expected an array of ${INJECTION_KINDS.join(', ')}`);
    kinds = options.kinds.map((kind, i) => checkOneOf(`${path}.kinds[${i}]`, kind, INJECTION_KINDS)!);
  }
  return Object.freeze({ level, kinds: kinds && Object.freeze(kinds) });
}

export type DetectionOutcome = { readonly safe: true } | { readonly safe: false; readonly findings: readonly Finding[]; readonly message: string };

const SAFE: DetectionOutcome = Object.freeze({ safe: true });

/** Runs the detectors on a value. An error inside them is reported as unsafe (fail closed), not thrown. */
export function detectInjection(value: unknown, detection: Detection, maxStringLength?: number): DetectionOutcome {
  if (detection.kinds?.length === 0) return SAFE;
  try {
    const result = inspect(value, {
      level: detection.level,
      ...(detection.kinds && { kinds: detection.kinds }),
      ...(maxStringLength !== undefined && { limits: { maxStringLength } }),
    });
    if (result.safe) return SAFE;
    const kinds = [...new Set(result.findings.map((f) => f.kind))];
    return { safe: false, findings: result.findings, message: `possible ${kinds.join(', ') || 'unknown'} injection` };
  } catch (error) {
    const reason = error instanceof Error && 'limit' in error ? ` (limit ${String(error.limit)})` : '';
    return { safe: false, findings: [], message: `the value could not be inspected for injection${reason}` };
  }
}
