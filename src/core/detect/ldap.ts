/**
 * LDAP filter injection: input that closes the application's filter and opens another, or widens
 * it (`*)(uid=*))(|(uid=*`, `admin)(&)`, `*)(|(objectClass=*)`). At `standard`, the structure is
 * what counts: `)(`, a composed filter `(|(`, `(&(`, `(!(`, or a wildcard against a parenthesis, so
 * "1 (917) 666-0987" and "(see note)" pass. At `strict`, any unescaped filter metacharacter
 * (`* ( ) \` or NUL, raw or as `\2a`-style escapes) is refused.
 */

import { CharClass, isSpace, searchAt, TextView } from './scan.js';
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
const ESCAPED_METACHARACTER = /\\(?:2[89a]|5c|00)/iy;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const METACHARACTER = new CharClass('*()\\\u0000', /[*()\\\u0000]/g);

const isParen = (code: number): boolean => code === 40 || code === 41;
const isComposer = (code: number): boolean => code === 124 /* | */ || code === 38 /* & */ || code === 33 /* ! */;

/** Whether the character after `at` in `text`, white space (`\s*`) skipped, is one `next` accepts. */
function then(text: string, at: number, next: (code: number) => boolean): boolean {
  let i = at + 1;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i < text.length && next(text.charCodeAt(i));
}

/** Whether some `char` in `text` is followed, after white space, by a character `next` accepts. */
function charThen(text: string, char: string, next: (code: number) => boolean): boolean {
  for (let at = text.indexOf(char); at >= 0; at = text.indexOf(char, at + 1)) if (then(text, at, next)) return true;
  return false;
}

function filterGate(view: TextView): boolean {
  const { text } = view;
  if (text.length < 32) return FILTER_GATE.test(text);
  return charThen(text, ')', isParen) || charThen(text, '*', isParen) || view.parens.some((at) => then(text, at, isComposer));
}

/** Looks for LDAP filter injection in one (already decoded) text. */
export function findLdap(text: string, level: SecurityLevel, view = new TextView(text)): LdapMatch | undefined {
  if (filterGate(view)) {
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
