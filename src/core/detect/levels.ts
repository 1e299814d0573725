/**
 * What each security level runs. `standard` (the default) runs every detector with structural
 * rules tuned for free text; `strict` adds blunt rules for fields that should never hold syntax
 * (any markup, shell metacharacter, absolute path, LDAP metacharacter, `$` key); `permissive` runs
 * only SQL, XSS and NoSQL, with their highest-confidence rules, for fields where people paste code.
 */

import { checkKeys, checkOneOf, fail } from '../config/check-options.js';
import { normalizeJsonLimits, type JsonLimits } from '../validate/json-limits.js';
import type { InjectionKind, InspectOptions, SecurityLevel } from './types.js';

export const SECURITY_LEVELS = ['strict', 'standard', 'permissive'] as const satisfies readonly SecurityLevel[];
export const INJECTION_KINDS = ['sql', 'xss', 'command', 'path', 'nosql', 'ldap'] as const satisfies readonly InjectionKind[];

export const LEVEL_KINDS: Readonly<Record<SecurityLevel, readonly InjectionKind[]>> = Object.freeze({
  strict: INJECTION_KINDS,
  standard: INJECTION_KINDS,
  permissive: Object.freeze(['sql', 'xss', 'nosql'] as const),
});

export interface NormalizedInspectOptions {
  readonly level: SecurityLevel;
  readonly kinds: ReadonlySet<InjectionKind>;
  readonly limits: Readonly<JsonLimits>;
}

const DEFAULTS: NormalizedInspectOptions = Object.freeze({
  level: 'standard',
  kinds: new Set(LEVEL_KINDS.standard),
  limits: normalizeJsonLimits(undefined),
});

/** Validates inspect options (ConfigurationError with a suggestion on a typo) and fills in defaults. */
export function normalizeInspectOptions(options: InspectOptions | undefined, path = 'inspect'): NormalizedInspectOptions {
  if (options === undefined) return DEFAULTS;
  checkKeys(path, options, ['level', 'kinds', 'limits']);
  const level = checkOneOf(`${path}.level`, options.level, SECURITY_LEVELS) ?? 'standard';
  let kinds: readonly InjectionKind[] = LEVEL_KINDS[level];
  if (options.kinds !== undefined) {
    if (!Array.isArray(options.kinds)) fail(`${path}.kinds`, `expected an array of ${INJECTION_KINDS.join(', ')}`);
    kinds = options.kinds.map((kind, i) => checkOneOf(`${path}.kinds[${i}]`, kind, INJECTION_KINDS)!);
  }
  const limits = normalizeJsonLimits(options.limits, `${path}.limits`);
  return { level, kinds: new Set(kinds), limits };
}
