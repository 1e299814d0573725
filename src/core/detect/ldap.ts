/**
 * LDAP filter injection: input that closes the application's filter and opens another, or widens
 * it (`*)(uid=*))(|(uid=*`, `admin)(&)`, `*)(|(objectClass=*)`). At `standard`, the structure is
 * what counts: `)(`, a composed filter `(|(`, `(&(`, `(!(`, or a wildcard against a parenthesis, so
 * "1 (917) 666-0987" and "(see note)" pass. At `strict`, any unescaped filter metacharacter
 * (`* ( ) \` or NUL, raw or as `\2a`-style escapes) is refused.
 */

import type { SecurityLevel } from './types.js';

export interface LdapMatch {
  rule: string;
  index: number;
}

/** Filter structure an input should never carry, each a small pattern of its own. */
const FILTER_BREAK: readonly RegExp[] = [
  // `)(uid=`, `)(|`, `)((`: closes the application's filter and opens another.
  /\)\s*\(\s*[|&!(]/,
  /\)\s*\(\s*[\w.;-]+\s*[~<>]?=/,
  // `(|(`, `(&(`, `(!(`: composes a new filter.
  /\(\s*[|&!]\s*\(/,
  // `*)(`: a wildcard that closes the filter; `(&)` and `(|)`: the absolute true and false filters.
  /\*\s*\)\s*\(/,
  /\(\s*[&|]\s*\)/,
  // `(uid=*))` at the end: a wildcard filter that swallows what follows.
  /\(\s*[\w.;-]+\s*[~<>]?=\s*\*\s*\)\s*\)?$/,
];
// Every pattern above starts with `)(`, `(|`, `(&`, `(!`, `*)` or ends with `*)`.
const FILTER_GATE = /[)*]\s*[()]|\(\s*[|&!]/;
const ESCAPED_METACHARACTER = /\\(?:2[89a]|5c|00)/i;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const METACHARACTER = /[*()\\\u0000]/;

/** Looks for LDAP filter injection in one (already decoded) text. */
export function findLdap(text: string, level: SecurityLevel): LdapMatch | undefined {
  if (FILTER_GATE.test(text)) {
    for (const pattern of FILTER_BREAK) {
      const at = text.search(pattern);
      if (at >= 0) return { rule: 'filter-break', index: at };
    }
  }
  if (level === 'strict') {
    const meta = text.search(METACHARACTER);
    if (meta >= 0) return { rule: 'filter-metacharacter', index: meta };
    const escaped = text.search(ESCAPED_METACHARACTER);
    if (escaped >= 0) return { rule: 'filter-metacharacter', index: escaped };
  }
  return undefined;
}
