/**
 * SQL injection: the input is tokenized three ways (as a bare value, inside '...', inside "...")
 * and judged twice. First by constructs that have no business in a form value wherever they appear
 * (`UNION SELECT`, a stacked `; DROP TABLE`, `SLEEP(`, `information_schema`, MySQL `/*!` comments):
 * each is looked up from its trigger word with a few tokens of context, so prose costs little.
 * Then by the grammar in `grammar.ts`: does the whole input read as a working fragment that does
 * something (breaks out of its quotes and adds logic, a comparison, a comment that cuts the query,
 * a clause, a call)? "O'Brien" breaks out of a quote but is followed by a bareword, which no SQL
 * continues with; "1 < 2" parses but only compares two literals.
 */

import { TextView } from '../scan.js';
import type { SecurityLevel } from '../types.js';
import { parseFragment, type Features } from './grammar.js';
import { T as KEYWORD_T } from './keywords.js';
import { failsAtSecond, plainWordsFirst, quoteThenWord } from './shortcuts.js';
import { anywhere, probe, reconProbe } from './statements.js';
import { TokenStream } from './tokenizer.js';

// Local bindings: read once, not through the module's export on every token.
const T = KEYWORD_T;

export interface SqlMatch {
  rule: string;
  /** Index in the text where the evidence starts. */
  index: number;
}

/** Judges a reading inside quotes. `broken` is the text of the string the input closed. */
function quotedRule(f: Features, level: SecurityLevel, quote: string, broken: string, reopened: string): string | undefined {
  if (f.union) return 'union-select';
  if (f.stacked) return 'stacked-query';
  const strong = f.subquery || f.strongCall || f.clause || (f.logic && (f.compare || f.call));
  // A payload that leaves the application's closing quote dangling fails with a syntax error, but is
  // an attack all the same when it carries a condition: ' OR UserID > 1
  if (level !== 'permissive' && (quote === "'" ? strong : f.subquery || f.strongCall || f.from || (f.logic && f.compare))) return 'quote-break';
  const closes = f.endsOpen || f.comment || f.endsWithSemicolon;
  if (!closes) return undefined;
  const identifierLike = !/\s/.test(broken.trim());
  const terminates = f.endsWithSemicolon && !f.comma && !f.concat && !f.closeParen && !f.logic && !f.arith && identifierLike;
  if (level === 'permissive' || (quote !== "'" && level !== 'strict')) {
    // Double quotes are everyday punctuation ("LIKE" STAMP): only a real condition counts there.
    if (strong || f.pgOperator || f.typeCast) return 'quote-break';
    if (level !== 'permissive' && (f.call || (f.comment && (f.logic || f.compare)))) return 'quote-break';
    if (level !== 'permissive' && terminates) return 'quote-terminate';
    if (level !== 'permissive' && f.comment && !f.wordyComment && identifierLike && !f.logic && !f.arith && !f.compare) return 'quote-comment';
    return undefined;
  }
  if (strong || f.compare || f.call || (f.logic && f.literal) || f.pgOperator || f.typeCast) return 'quote-break';
  // Bare logic or arithmetic between re-opened strings is MySQL's implicit-conversion trick: a' ^ 'b.
  // Prose before the quote ("select 'and'") or a run of quotes after it is not.
  const word = (text: string): boolean => /^[\w@.-]+$/.test(text.trim());
  const tight = /^[\w@.-]*$/.test(broken) || (word(broken) && word(reopened));
  if ((f.arith || f.logic) && f.endsOpen && tight && /^[\w@. -]*$/.test(reopened)) return 'quote-break';
  // admin'-- and admin'; cut the query short; "BAMBOO SOAP 1 '#" is prose before a stray quote.
  if (f.comment && !f.wordyComment && identifierLike) return 'quote-comment';
  if (terminates) return 'quote-terminate';
  return undefined;
}
function bareRule(f: Features, level: SecurityLevel): string | undefined {
  if (f.union) return 'union-select';
  if (f.stacked) return 'stacked-query';
  if (f.strongCall || f.subquery) return 'sql-expression';
  if (level === 'permissive') return f.logic && f.compare ? 'tautology' : undefined;
  // Strict: any SQL function call, any condition with a literal, any comment after SQL syntax.
  if (level === 'strict' && (f.sqlCall || (f.logic && (f.literal || f.stringOperand)) || (f.comment && (f.arith || f.literal || f.compare)))) return 'sql-syntax';
  // "Order by phone or email" is a sentence; ORDER BY 1--, HAVING 1=1 are not.
  if (f.clause && (!f.leadingClause || f.literal || f.compare || f.call || (f.comment && !f.wordyComment))) return 'sql-clause';
  // 1 OR 1=1, 1 AND SLEEP(5); but "x = a && b || c" (no literal, no call) is an expression in prose.
  if (f.logic && ((f.compare && (f.literal || f.stringOperand)) || f.call)) return 'tautology';
  if (f.leadingLogic && f.literal && !f.bareword) return 'tautology';
  if (f.nestedCall || f.callCompare || f.caseWhen || (f.sqlCall && f.arith) || (f.pgOperator && f.stringOperand) || f.typeCast) return 'sql-expression';
  if (f.comment && !f.wordyComment && (f.logic || f.compare || f.call || f.closeParen || f.group)) return 'comment-truncation';
  // `1--`, `@version /*`: a bare value and a comment that cuts the rest of the query.
  if (f.comment && !f.wordyComment && !f.bareword && !f.stringOperand && !f.concat && !f.comma) return 'comment-truncation';
  if (f.closeParen && (f.compare || (f.logic && f.literal))) return 'paren-break';
  return undefined;
}

const QUOTES = ["'", '"', '`'] as const;

/** Looks for SQL injection in one (already decoded) text. */
export function findSql(text: string, level: SecurityLevel, view = new TextView(text)): SqlMatch | undefined {
  if (text.length === 0) return undefined;
  const found = anywhere(text, level, view);
  if (found) return found;
  if (plainWordsFirst(text)) {
    // Prose: only the text-level probe can match the bare reading.
    const probed = level !== 'permissive' ? reconProbe(text) : undefined;
    if (probed) return probed;
  } else {
    const bare = new TokenStream(text);
    if (level !== 'permissive') {
      const probed = probe(bare, text);
      if (probed) return probed;
    }
    const bareParse = failsAtSecond(bare) ? undefined : parseFragment(bare, undefined);
    if (bareParse?.valid) {
      const rule = bareRule(bareParse.features, level);
      if (rule) return { rule, index: 0 };
    }
  }
  for (const quote of QUOTES) {
    if (!view.has(quote) || quoteThenWord(text, quote, view.has('\\'))) continue;
    const tokens = new TokenStream(text, quote);
    const parsed = parseFragment(tokens, quote);
    if (!parsed.valid) continue;
    const all = tokens.all();
    const last = all[all.length - 1]!;
    const rule = quotedRule(parsed.features, level, quote, all[0]!.value, last.type === T.string ? last.value : '');
    if (rule) return { rule, index: all[0]!.end - 1 };
  }
  return undefined;
}
