/**
 * LDAP filter injection: input that closes the application's filter and opens another, or widens
 * it (`*)(uid=*))(|(uid=*`, `admin)(&)`, `*)(|(objectClass=*)`). At `standard`, the structure is
 * what counts: `)(`, a composed filter `(|(`, `(&(`, `(!(`, or a wildcard against a parenthesis, so
 * "1 (917) 666-0987" and "(see note)" pass. At `strict`, any unescaped filter metacharacter
 * (`* ( ) \` or NUL, raw or as `\2a`-style escapes) is refused.
 */

import { CharClass, matchesAt, searchAt } from './scan.js';
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
// Every pattern above starts with `)(`, `(|`, `(&`, `(!`, `*)` or ends with `*)`. In a long text the
// gate is tried only where its first character is.
const FILTER_GATE = /[)*]\s*[()]|\(\s*[|&!]/;
const CLOSE_THEN_PAREN = /[)*]\s*[()]/y;
const OPEN_THEN_OPERATOR = /\(\s*[|&!]/y;
const ESCAPED_METACHARACTER = /\\(?:2[89a]|5c|00)/iy;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const METACHARACTER = new CharClass('*()\\\u0000', /[*()\\\u0000]/g);

function filterGate(text: string): boolean {
  if (text.length < 32) return FILTER_GATE.test(text);
  return matchesAt(text, ')', CLOSE_THEN_PAREN) || matchesAt(text, '*', CLOSE_THEN_PAREN) || matchesAt(text, '(', OPEN_THEN_OPERATOR);
}

/** Looks for LDAP filter injection in one (already decoded) text. */
export function findLdap(text: string, level: SecurityLevel): LdapMatch | undefined {
  if (filterGate(text)) {
    for (const pattern of FILTER_BREAK) {
      const at = text.search(pattern);
      if (at >= 0) return { rule: 'filter-break', index: at };
    }
  }
  if (level === 'strict') {
    const meta = METACHARACTER.first(text);
    if (meta >= 0) return { rule: 'filter-metacharacter', index: meta };
    const escaped = searchAt(text, '\\', ESCAPED_METACHARACTER);
    if (escaped >= 0) return { rule: 'filter-metacharacter', index: escaped };
  }
  return undefined;
}
