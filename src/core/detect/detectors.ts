/** One entry point per injection kind, each over every decoded view of a text. */

import { findCommand } from './command.js';
import { views } from './decode.js';
import { snippet } from './evidence.js';
import { findLdap } from './ldap.js';
import { findNosql } from './nosql.js';
import { findPath } from './path.js';
import type { TextView } from './scan.js';
import { findSql } from './sql/detect.js';
import type { DetectorMatch, InjectionKind, SecurityLevel } from './types.js';
import { findXss } from './xss/detect.js';

/** A detector on one text; `view` carries what other detectors already computed about the same text. */
type Finder = (text: string, level: SecurityLevel, view?: TextView) => { rule: string; index: number } | undefined;

export const FINDERS: Readonly<Record<InjectionKind, Finder>> = {
  sql: findSql,
  xss: findXss,
  command: findCommand,
  path: findPath,
  nosql: findNosql,
  ldap: findLdap,
};

/** Runs one detector over the decoded views of a text. */
export function detectIn(kind: InjectionKind, views: readonly TextView[], level: SecurityLevel): DetectorMatch | undefined {
  const find = FINDERS[kind];
  for (const view of views) {
    const match = find(view.text, level, view);
    if (match) return { kind, rule: match.rule, evidence: snippet(view.text, match.index) };
  }
  return undefined;
}

function detector(kind: InjectionKind) {
  return (text: string, level: SecurityLevel = 'standard'): DetectorMatch | undefined => detectIn(kind, views(text), level);
}

/** SQL injection in one string: tokenized as a bare value and inside quotes, judged by its grammar. */
export const detectSql = detector('sql');
/** Cross-site scripting in one string: tags, attributes and script URLs, in text and attribute contexts. */
export const detectXss = detector('xss');
/** OS command injection in one string: substitution, separators followed by commands, exec functions. */
export const detectCommand = detector('command');
/** Path traversal and file inclusion in one string. */
export const detectPath = detector('path');
/** NoSQL operator injection in one string (for object keys, `inspect` checks the keys themselves). */
export const detectNosql = detector('nosql');
/** LDAP filter injection in one string. */
export const detectLdap = detector('ldap');
