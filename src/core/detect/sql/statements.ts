/**
 * SQL that marks an injection wherever it appears, found from trigger words with a few tokens of
 * context: `UNION SELECT`, `; DROP TABLE`, `SLEEP(`, `information_schema`, `@@version`, `INTO
 * OUTFILE`, `WAITFOR DELAY`, `EXEC xp_cmdshell`, a whole `SELECT * FROM t WHERE ...`; and values that
 * are probes rather than text (`trim(` alone, `SELECT @@version`, `DECLARE @x`, `DROP TABLE t;`).
 */

import type { TextView } from '../scan.js';
import type { SecurityLevel } from '../types.js';
import { leadingWord } from './chars.js';
import { mayHavePlainCatalog, mayTrigger, ysMarks } from './keyword-gates.js';
import { CATALOG_NAMES as KEYWORD_CATALOG_NAMES, LITERAL_WORDS as KEYWORD_LITERAL_WORDS, SQL_FUNCTIONS as KEYWORD_SQL_FUNCTIONS, STRONG_FUNCTIONS as KEYWORD_STRONG_FUNCTIONS, STRONG_STATEMENTS as KEYWORD_STRONG_STATEMENTS, T as KEYWORD_T, lookupWord } from './keywords.js';
import { statementShape } from './statement-shape.js';
import { TokenStream } from './tokenizer.js';

// Local bindings: read once, not through the module's export on every token.
const CATALOG_NAMES = KEYWORD_CATALOG_NAMES;
const LITERAL_WORDS = KEYWORD_LITERAL_WORDS;
const SQL_FUNCTIONS = KEYWORD_SQL_FUNCTIONS;
const STRONG_FUNCTIONS = KEYWORD_STRONG_FUNCTIONS;
const STRONG_STATEMENTS = KEYWORD_STRONG_STATEMENTS;
const T = KEYWORD_T;

export interface SqlMatch {
  rule: string;
  index: number;
}

const SYSTEM_VARIABLE = /@@(?:version|datadir|hostname|basedir|tmpdir|servername|spid|language|identity|rowcount|error|trancount|version_compile_os)\b/i;
const CODE_COMMENT = /\/\*(?:!|\s{0,4}\+)/;
const NUMBER_GLUE = /\d\.e[(.a-z_]/i;
const TRIGGER = /union|intersect|except|select|into|procedure|waitfor|exec/g;
const RECON_AT_END = /(?:^|[^\w.])(?:user|current_user|system_user|session_user|database|schema|version|db_name|user_name)\s*\(\s*$/i;

/** Catalog names without `_`, `.` or `$` (sysobjects, msdb, tempdb, northwind), as whole words. */
const PLAIN_CATALOG = /\b(?:sysobjects|syscolumns|sysdatabases|sysusers|syslogins|sysprocesses|sysxlogins|msysaccessobjects|msysobjects|msysqueries|msysrelationships|tempdb|msdb|northwind)\b/;
// Catalog and internal-function names all contain `_` or `$`, or start with one of DOTTED.
const DOTTED = ['mysql.', 'sys.', 'master.'];

/** Internal functions that are recognizable by name alone, without a call: `SELECT pg_sleep`. */
const NAMED_FUNCTIONS = new Set([...STRONG_FUNCTIONS].filter((name) => name.includes('_')));

function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function isStrongFunction(name: string): boolean {
  if (name.indexOf('.') < 0) return STRONG_FUNCTIONS.has(name);
  return name.split('.').some((part) => STRONG_FUNCTIONS.has(part)) || STRONG_FUNCTIONS.has(name);
}

function isCatalog(name: string): boolean {
  if (name.indexOf('.') < 0) return CATALOG_NAMES.has(name);
  const parts = name.split('.');
  if (parts.length > 1 && CATALOG_NAMES.has(`${parts[0]}.${parts[1]}`)) return true;
  return parts.some((part) => CATALOG_NAMES.has(part));
}

function isWordChar(code: number): boolean {
  const lower = code | 0x20;
  return (lower >= 97 && lower <= 122) || (code >= 48 && code <= 57) || code === 95 || code === 36;
}

/**
 * Catalog names and internal function names in one pass over the words of the text (a word here
 * may contain `.` and `$`: `information_schema.tables`, `v$version`).
 */
function findIdentifier(view: TextView, level: SecurityLevel, dots: readonly number[], ys: number): SqlMatch | undefined {
  const { lower } = view;
  if (mayHavePlainCatalog(lower, ys)) {
    const plain = lower.search(PLAIN_CATALOG);
    if (plain >= 0) return { rule: 'system-catalog', index: plain };
  }
  // Only words with `_` or `$` (or a dotted catalog prefix, found from its dot) need a closer look;
  // find those marks natively.
  const marks: number[] = [];
  for (let at = lower.indexOf('_'); at >= 0; at = lower.indexOf('_', at + 1)) marks.push(at);
  if (view.has('$')) for (let at = lower.indexOf('$'); at >= 0; at = lower.indexOf('$', at + 1)) marks.push(at);
  for (const dot of dots) {
    // mysql. sys. master.: only a dot after `l`, `s` or `r` can end one.
    const last = lower.charCodeAt(dot - 1);
    if (last !== 108 && last !== 115 && last !== 114) continue;
    for (const prefix of DOTTED) {
      const at = dot + 1 - prefix.length;
      if (at >= 0 && lower.startsWith(prefix, at)) marks.push(at);
    }
  }
  if (marks.length === 0) return undefined;
  let done = -1;
  for (const index of marks.sort((a, b) => a - b)) {
    if (index < done) continue;
    let start = index;
    while (start > 0 && isNameChar(lower.charCodeAt(start - 1))) start--;
    let end = index + 1;
    while (end < lower.length && isNameChar(lower.charCodeAt(end))) end++;
    done = end;
    const word = trimDots(lower.slice(start, end));
    if (isCatalog(word)) return { rule: 'system-catalog', index: start };
    if (level !== 'permissive' && word.split('.').some((part) => NAMED_FUNCTIONS.has(part))) return { rule: 'sql-function', index: start };
  }
  return undefined;
}

function trimDots(word: string): string {
  let start = 0;
  let end = word.length;
  while (start < end && word.charCodeAt(start) === 46) start++;
  while (end > start && word.charCodeAt(end - 1) === 46) end--;
  return word.slice(start, end);
}

function isNameChar(code: number): boolean {
  return isWordChar(code) || code === 46;
}

/** The name right before `(` at `paren` (`sleep (`, `dbms_pipe.receive_message(`) in a lower-cased text. */
function nameBefore(text: string, paren: number): string {
  let end = paren;
  while (end > 0 && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
  let start = end;
  while (start > 0 && (isWordChar(text.charCodeAt(start - 1)) || text.charCodeAt(start - 1) === 46)) start--;
  return text.slice(start, end);
}

/** Whether one of the dots at `dots` is followed by `e` (`lower.includes('.e')`). */
function followedByE(lower: string, dots: readonly number[]): boolean {
  for (const dot of dots) if (lower.charCodeAt(dot + 1) === 101) return true;
  return false;
}

/** Constructs that mark SQL injection wherever they appear (`view` is the view of `text`). */
export function anywhere(text: string, level: SecurityLevel, view: TextView): SqlMatch | undefined {
  if (text.includes('/*') && CODE_COMMENT.test(text)) return { rule: 'code-comment', index: text.indexOf('/*') };
  const { lower } = view;
  const dots = view.inLower(view.dots, '.');
  const ys = ysMarks(lower);
  const identifier = findIdentifier(view, level, dots, ys);
  if (identifier) return identifier;
  if (level !== 'permissive' && lower.includes('@@')) {
    const variable = lower.search(SYSTEM_VARIABLE);
    if (variable >= 0) return { rule: 'system-variable', index: variable };
  }
  if (followedByE(lower, dots)) {
    const glue = text.search(NUMBER_GLUE);
    // `1.e(ascii ...`, `1.e.tables`: MySQL reads `1.e` as a number, a known way to glue tokens.
    if (glue >= 0 && (glue === 0 || !isWordChar(text.charCodeAt(glue - 1)))) return { rule: 'number-glue', index: glue };
  }
  for (const at of view.inLower(view.parens, '(')) {
    const name = nameBefore(lower, at);
    if (name && (isStrongFunction(name) || isCatalog(name))) return { rule: isCatalog(name) ? 'system-catalog' : 'sql-function', index: at - name.length };
  }
  for (let at = lower.indexOf(';'); at >= 0; at = lower.indexOf(';', at + 1)) {
    if (text.charCodeAt(at) === 59 && !followedBy(text, at + 1, startsStatement)) continue;
    const found = fromTrigger(new TokenStream(text, undefined, at), level);
    if (found) return { rule: found, index: at };
  }
  if (!mayTrigger(text, lower, ys)) return undefined;
  TRIGGER.lastIndex = 0;
  for (let match = TRIGGER.exec(lower); match; match = TRIGGER.exec(lower)) {
    const at = match.index;
    if ((at > 0 && /[a-z_]/.test(lower.charAt(at - 1))) || isWordChar(lower.charCodeAt(at + match[0].length))) continue;
    if (!mayFollowTrigger(text, at, match[0])) continue;
    const found = fromTrigger(new TokenStream(text, undefined, at), level);
    if (found) return { rule: found, index: at };
  }
  return undefined;
}

/**
 * Whether the word the lexer reads first from `from` passes `test`; true (look closer) when the
 * first token is not a plain word. Lets prose skip building a token stream at every `;` and `into`.
 */
function followedBy(text: string, from: number, test: (word: string) => boolean): boolean {
  const next = leadingWord(text, from);
  return next === undefined || test(next.word);
}

/** Only these words can start the token that `statementShape` accepts. */
function startsStatement(word: string): boolean {
  return lookupWord(word)?.type === T.statement || word === 'if' || word === 'while';
}

const UNION_FOLLOWERS = (word: string): boolean => word === 'select' || word === 'all' || word === 'distinct' || word === 'distinctrow';
/** The words `fromTrigger` needs right after each trigger word (all but `select`, which it judges on its own). */
const TRIGGER_FOLLOWERS: ReadonlyMap<string, (word: string) => boolean> = new Map([
  ['union', UNION_FOLLOWERS],
  ['intersect', UNION_FOLLOWERS],
  ['except', UNION_FOLLOWERS],
  ['into', (word: string) => word === 'outfile' || word === 'dumpfile'],
  ['procedure', (word: string) => word === 'analyse'],
  ['waitfor', (word: string) => word === 'delay' || word === 'time'],
  ['exec', (word: string) => /^(?:master\b|xp_|sp_)/.test(word)],
]);

/** Whether the trigger word at `at` may match: false when the lexer reads it and then a word it cannot go on with. */
function mayFollowTrigger(text: string, at: number, trigger: string): boolean {
  const follows = TRIGGER_FOLLOWERS.get(trigger);
  const first = follows && leadingWord(text, at);
  if (!follows || !first || first.word !== trigger) return true;
  return followedBy(text, first.end, follows);
}

/** The rule that a stream starting at a trigger word matches, if any. */
function fromTrigger(tokens: TokenStream, level: SecurityLevel): string | undefined {
  const t = tokens.at(0);
  if (!t) return undefined;
  switch (t.type) {
    case T.union: {
      let j = 1;
      while (tokens.at(j)?.type === T.open) j++;
      const select = tokens.at(j);
      return select?.value === 'select' && (!tokens.at(j + 1) || statementShape(tokens, j)) ? 'union-select' : undefined;
    }
    case T.semicolon:
      return statementShape(tokens, 1) ? 'stacked-query' : undefined;
    case T.keyword:
      if (t.value === 'into outfile' || t.value === 'into dumpfile') return 'file-write';
      if (t.value === 'procedure analyse') return 'sql-clause';
      return undefined;
    case T.statement:
      if ((t.value === 'waitfor delay' || t.value === 'waitfor time') && statementShape(tokens, 0)) return 'time-delay';
      if (t.value === 'select' && level !== 'permissive' && selectStatement(tokens)) return 'select-statement';
      if ((t.value === 'exec' || t.value === 'execute') && /^(?:master\b|xp_|sp_)/.test(tokens.at(1)?.value ?? '')) return 'stored-procedure';
      return undefined;
    default:
      return undefined;
  }
}

const AFTER_TABLE = new Set(['where', 'limit', 'having', 'join', 'inner', 'left', 'right', 'into', 'offset', 'procedure analyse', 'for update', 'as']);

/** `SELECT * FROM`, `SELECT a, f(b) FROM t WHERE x = 1`: a whole statement with SQL-only signs. */
function selectStatement(tokens: TokenStream): boolean {
  let signs = 0;
  let from = -1;
  for (let j = 1; j < 32; j++) {
    const t = tokens.at(j);
    if (!t) break;
    if (t.value === 'from' && t.type === T.keyword) {
      from = j;
      break;
    }
    // SELECT x GROUP BY y HAVING COUNT(id) >= 9: a query without FROM.
    if ((t.type === T.clause || t.value === 'having' || t.value === 'where') && j > 1 && tokens.at(j + 2)) {
      if (signs > 0) return true;
      for (let k = j; k < j + 40 && tokens.at(k); k++) if (tokens.at(k)!.type === T.func || tokens.at(k)!.type === T.operator) return true;
      return false;
    }
    if (t.value === '*' || t.type === T.func || t.type === T.variable || t.type === T.open) signs++;
    if ((t.type === T.number || t.type === T.string) && j === 1) signs++;
  }
  if (from < 0) return false;
  const target = tokens.at(from + 1);
  if (!target || (target.type !== T.bareword && target.type !== T.open)) return false;
  const rest = tokens.at(from + 2);
  // "SELECT * FROM users is a classic example": a statement quoted in prose goes on in English.
  if (rest && rest.type !== T.semicolon && rest.type !== T.comment && rest.type !== T.close && rest.type !== T.comma && rest.type !== T.clause &&
    rest.type !== T.union && !AFTER_TABLE.has(rest.value)) {
    return false;
  }
  if (rest && (rest.value === 'where' || rest.type === T.clause || rest.value === 'limit') && tokens.at(from + 3)) signs++;
  if (rest?.type === T.semicolon || rest?.type === T.comment) signs++;
  return signs > 0;
}

/** The probe that needs no tokens: a short value ending in `user(`, `version (`... */
export function reconProbe(text: string): SqlMatch | undefined {
  return text.length < 200 && RECON_AT_END.test(text) ? { rule: 'function-probe', index: 0 } : undefined;
}

/** Values that are probes, not text: `trim(`, `... user(`, `SELECT @@version`, `DECLARE @x`, `DROP TABLE t;`. */
export function probe(tokens: TokenStream, text: string): SqlMatch | undefined {
  const recon = reconProbe(text);
  if (recon) return recon;
  let start = 0;
  while (tokens.at(start) && (tokens.at(start)!.type === T.operator || tokens.at(start)!.type === T.comma)) start++;
  const first = tokens.at(start);
  const second = tokens.at(start + 1);
  if (!first || !second) return undefined;
  if (first.type === T.func && SQL_FUNCTIONS.has(lastSegment(first.value)) && second.type === T.open && !tokens.at(start + 2)) {
    return { rule: 'function-probe', index: first.start };
  }
  const third = tokens.at(start + 2);
  if (['drop', 'create', 'alter', 'truncate'].includes(first.value) && ['table', 'database', 'schema'].includes(second.value) &&
    third?.type === T.bareword && (!tokens.at(start + 3) || tokens.at(start + 3)!.type === T.semicolon || tokens.at(start + 3)!.type === T.comment)) {
    return { rule: 'sql-statement', index: first.start };
  }
  if (first.value.startsWith('exec') && (second.type === T.open || second.type === T.variable || (first.value === 'execute immediate' && second.type === T.string))) {
    return { rule: 'stored-procedure', index: first.start };
  }
  if (first.value === 'declare' && second.type === T.variable) return { rule: 'sql-statement', index: first.start };
  if (first.type === T.statement && STRONG_STATEMENTS.has(first.value) && first.value !== 'select' && statementShape(tokens, start) &&
    (text.includes('`') || tokens.all().some((t) => t.type === T.open || t.type === T.semicolon || t.type === T.comma || t.value === '='))) {
    // CREATE FUNCTION f (...), ALTER TABLE `t` ..., INSERT INTO t (...): a statement, not a sentence.
    return { rule: 'sql-statement', index: first.start };
  }
  // SELECT * FROM ... is judged as a whole statement by selectStatement.
  if (first.value !== 'select' || tokens.all().some((t) => t.type === T.keyword && t.value === 'from')) return undefined;
  const item = second.type === T.open ? third : second;
  const sql = !!item && (item.type === T.variable || item.value === '*' || (item.type === T.func && SQL_FUNCTIONS.has(lastSegment(item.value))) ||
    (item.type === T.keyword && LITERAL_WORDS.has(item.value) && !['true', 'false', 'null', 'default', 'unknown'].includes(item.value)));
  return sql ? { rule: 'select-statement', index: first.start } : undefined;
}
