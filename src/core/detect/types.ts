/** Public shapes of the injection detectors. */

import type { JsonLimits } from '../validate/json-limits.js';

/** How eagerly the detectors flag input: which detectors run and how much evidence each one needs. */
export type SecurityLevel = 'strict' | 'standard' | 'permissive';

export type InjectionKind = 'sql' | 'xss' | 'command' | 'path' | 'nosql' | 'ldap';

export interface Finding {
  kind: InjectionKind;
  /** Where in the inspected value: `$` for the value itself, `$.user.name`, `$[2]`, `$["odd key"]`. */
  path: string;
  /** A short snippet of the decoded input around the match (truncated; it is user input, do not log it raw). */
  evidence: string;
}

export interface InspectResult {
  safe: boolean;
  findings: Finding[];
}

export interface InspectOptions {
  /** Default `standard`. */
  level?: SecurityLevel;
  /** Which detectors run. Default: those the level enables. */
  kinds?: readonly InjectionKind[];
  /** Structure limits for the walk; over them, `inspect` throws `LimitExceededError`. */
  limits?: Partial<JsonLimits>;
}

/** What one detector reports for one string. */
export interface DetectorMatch {
  kind: InjectionKind;
  /** A short name of the rule that matched, for logs and tests (`union-select`, `event-handler`, ...). */
  rule: string;
  /** The snippet of the decoded input the rule matched on. */
  evidence: string;
}
