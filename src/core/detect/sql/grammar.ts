/**
 * Does a token sequence read as a working SQL fragment, and what does it do? The parser accepts
 * what an injected value must be to run: in a quoted context, a string that the input closes,
 * followed by SQL, ending where the application's own closing quote is swallowed (an open string or
 * a comment); in a bare (numeric) context, a value followed by SQL. It records the constructs it
 * met (logic, comparisons, UNION, stacked statements, clauses, calls, comments) for the rules in
 * `detect.ts`. English prose almost never parses: two barewords in a row end it. Linear: every
 * step consumes a token, and parenthesised groups are scanned once.
 */

import type { Features } from './features.js';
import { LITERAL_WORDS as KEYWORD_LITERAL_WORDS, SQL_FUNCTIONS as KEYWORD_SQL_FUNCTIONS, STRONG_STATEMENTS as KEYWORD_STRONG_STATEMENTS, T as KEYWORD_T } from './keywords.js';
import { COMPARE, Scanner } from './scanner.js';
import type { Token, TokenStream } from './tokenizer.js';

// Local bindings: read once, not through the module's export on every token.
const LITERAL_WORDS = KEYWORD_LITERAL_WORDS;
const SQL_FUNCTIONS = KEYWORD_SQL_FUNCTIONS;
const STRONG_STATEMENTS = KEYWORD_STRONG_STATEMENTS;
const T = KEYWORD_T;

export type { Features } from './features.js';

/** Keywords that shape a statement and can never stand where a value goes. */
const STRUCTURAL = new Set([
  ...LITERAL_WORDS,
  ...'from where having limit offset into outfile dumpfile procedure for asc desc as on join inner outer left right cross natural full straight_join using values top distinct distinctrow all any some exists case when then else end cast convert interval collate with rollup by escape separator over partition if while return returns'.split(' '),
]);
const PG_OPERATORS = new Set(['@>', '<@', '?|', '?&', '@?', '@@', '#>', '#>>', '#-', '->', '->>']);
const CAST_TYPES = new Set('int integer bigint smallint int2 int4 int8 text varchar char bool boolean json jsonb numeric float float4 float8 real double bytea date timestamp regclass oid xml uuid inet'.split(' '));
const LEADING_CLAUSES = new Set(['having', 'where', 'limit', 'as', 'procedure analyse', 'into outfile', 'into dumpfile', 'for update']);
const PREFIX = new Set(['-', '+', '~', '!', 'not', 'binary']);

export interface ParseResult {
  valid: boolean;
  features: Features;
}

class Parser extends Scanner {
  fragment(quoted: boolean): boolean {
    const first = this.peek();
    if (!first) return false;
    if (quoted) {
      if (first.type !== T.string || !first.fromContext || first.open) return false;
      this.i = 1;
      return this.tail();
    }
    if (first.type === T.logic) {
      this.f.logic = true;
      this.f.leadingLogic = true;
      this.i++;
      if (!this.operand()) return false;
    } else if (first.type === T.keyword && LEADING_CLAUSES.has(first.value)) {
      this.f.leadingClause = true;
      // ` HAVING 1=1`, ` AS x WHERE 1=1`: a clause appended to the application's query.
    } else if (first.type === T.clause) {
      this.f.leadingClause = true;
    } else if (first.type !== T.close && first.type !== T.union && first.type !== T.semicolon && first.type !== T.comment) {
      if (!this.operand()) return false;
    }
    return this.tail();
  }

  /** After a value: operators and operands, clauses, UNION, `;` statements, comments, up to the end. */
  private tail(): boolean {
    const { tokens } = this;
    for (let t = tokens.at(this.i); t; t = tokens.at(this.i)) {
      switch (t.type) {
        case T.comment:
          this.f.comment = true;
          if (/[a-z0-9]{2}/i.test(t.value) && !/sp_password/i.test(t.value)) this.f.wordyComment = true;
          this.i++;
          break;
        case T.operator:
        case T.logic:
        case T.comma:
          if (!this.binary(t)) return false;
          break;
        case T.close:
          this.f.closeParen = true;
          this.i++;
          break;
        case T.union:
          this.i++;
          if (!tokens.at(this.i) || (!tokens.at(this.i + 1) && tokens.at(this.i)!.type === T.comment)) {
            // `-1 UNION` at the very end: probing whether UNION gets through.
            this.f.union = true;
            break;
          }
          while (this.peek()?.type === T.open) this.i++;
          if (this.peek()?.value !== 'select') return false;
          this.f.union = true;
          this.statement();
          break;
        case T.semicolon:
          this.i++;
          if (!tokens.at(this.i)) {
            this.f.endsWithSemicolon = true;
            return true;
          }
          if (this.peek()!.type === T.comment || this.peek()!.type === T.semicolon) break;
          if (!this.statement()) return false;
          this.f.stacked = true;
          break;
        case T.clause:
          this.f.clause = true;
          this.i++;
          if (!this.list()) return false;
          break;
        case T.keyword:
          if (!this.keywordClause(t)) return false;
          break;
        case T.statement: {
          // `' WAITFOR DELAY '0:0:5'`, or SQL Server's statement without `;` right after the break: `' SELECT 1`.
          const previous = tokens.at(this.i - 1)!;
          if (this.quote !== "'" || (previous.type !== T.close && !previous.fromContext)) return false;
          if (!STRONG_STATEMENTS.has(t.value) && !t.value.startsWith('waitfor')) return false;
          if (!this.statement()) return false;
          this.f.stacked = true;
          break;
        }
        case T.string:
          // Adjacent literals concatenate in MySQL: 'a' 'b'.
          if (tokens.at(this.i - 1)?.type !== T.string) return false;
          this.f.concat = true;
          this.operand();
          break;
        default:
          return false;
      }
    }
    return true;
  }

  private binary(t: Token): boolean {
    this.i++;
    if (t.type === T.logic) this.f.logic = true;
    else if (t.type === T.comma) this.f.comma = true;
    else if (COMPARE.has(t.value)) this.f.compare = true;
    else this.f.arith = true;
    if (PG_OPERATORS.has(t.value)) this.f.pgOperator = true;
    if (t.value === 'is' || t.value === 'is not') {
      if (this.peek()?.type === T.unary) this.i++;
      const next = this.peek();
      if (next && LITERAL_WORDS.has(next.value)) {
        this.i++;
        return true;
      }
    }
    if (t.value === '::') {
      // A PostgreSQL cast: any type name, possibly two words (`double precision`).
      const next = this.peek();
      if (!next || (next.type !== T.bareword && next.type !== T.keyword && next.type !== T.func)) return false;
      if (CAST_TYPES.has(next.value)) this.f.typeCast = true;
      this.i++;
      if (next.type === T.func) this.group();
      else if (this.peek()?.value === 'precision') this.i++;
      return true;
    }
    return this.operand();
  }

  private keywordClause(t: Token): boolean {
    const v = t.value;
    this.i++;
    switch (v) {
      case 'having':
      case 'where':
        this.f.clause = true;
        return this.operand();
      case 'limit':
      case 'offset': {
        this.f.clause = true;
        const next = this.peek();
        if (!next || (next.type !== T.number && next.type !== T.variable)) return false;
        this.i++;
        return true;
      }
      case 'into outfile':
      case 'into dumpfile':
        this.f.clause = true;
        return this.operand();
      case 'procedure analyse':
        this.f.clause = true;
        if (this.peek()?.type === T.open) this.group();
        return true;
      case 'for update':
      case 'asc':
      case 'desc':
      case 'with rollup':
        return true;
      case 'collate':
      case 'as':
      case 'escape': {
        const next = this.peek();
        if (!next || (next.type !== T.bareword && next.type !== T.string && next.type !== T.keyword)) return false;
        this.i++;
        return true;
      }
      case 'from':
        this.f.clause = true;
        this.f.from = true;
        return this.list();
      default:
        return false;
    }
  }

  /** A comma-separated list of operands (ORDER BY 1,2 / FROM a, b). */
  private list(): boolean {
    if (!this.tokens.at(this.i)) return true;
    if (!this.operand()) return false;
    while (this.peek()?.type === T.comma) {
      this.i++;
      if (!this.operand()) return false;
    }
    return true;
  }

  private operand(): boolean {
    let t = this.peek();
    while (t && (t.type === T.unary || (t.type === T.operator && PREFIX.has(t.value)))) {
      this.i++;
      t = this.peek();
    }
    if (!t) return false;
    switch (t.type) {
      case T.number:
        this.f.literal = true;
        this.i++;
        return true;
      case T.variable:
        this.i++;
        return true;
      case T.bareword:
        this.f.bareword = true;
        this.i++;
        return true;
      case T.string:
        if (!t.fromContext) this.f.stringOperand = true;
        this.i++;
        this.openString(t);
        while (this.peek()?.type === T.string) {
          this.f.concat = true;
          this.openString(this.peek()!);
          this.i++;
        }
        return true;
      case T.func:
        this.noteCall(t);
        this.i++;
        this.group(SQL_FUNCTIONS.has(t.value));
        return true;
      case T.open:
        this.f.group = true;
        return this.parenthesized();
      case T.keyword:
        if (!STRUCTURAL.has(t.value)) {
          // `table`, `column`, `password`, `date`: reserved somewhere, column names everywhere.
          this.f.bareword = true;
          this.i++;
          return true;
        }
        if (LITERAL_WORDS.has(t.value)) {
          this.f.literal = true;
          this.i++;
          return true;
        }
        if (t.value === 'case') return this.caseExpression();
        if (t.value === 'exists' || t.value === 'all' || t.value === 'any' || t.value === 'some') {
          this.i++;
          if (this.peek()?.type !== T.open) return false;
          this.group();
          return true;
        }
        if (t.value === 'interval') {
          this.i++;
          if (!this.operand()) return false;
          if (this.peek()?.type === T.bareword || this.peek()?.type === T.keyword) this.i++;
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  /**
   * `( expression, ... )` or `( SELECT ... )` as an operand, parsed strictly: a sentence in
   * parentheses is still a sentence. The group may stay open at the end of the input.
   */
  private parenthesized(): boolean {
    const { tokens } = this;
    this.i++;
    const first = tokens.at(this.i);
    if (!first) return true;
    if (first.type === T.close) {
      this.i++;
      return true;
    }
    if (first.value === 'select') {
      this.f.subquery = true;
      if (!this.statement()) return false;
    } else {
      if (!this.operand()) return false;
      for (let t = tokens.at(this.i); t && (t.type === T.operator || t.type === T.logic || t.type === T.comma); t = tokens.at(this.i)) {
        if (!this.binary(t)) return false;
      }
    }
    const close = tokens.at(this.i);
    if (!close) return true;
    if (close.type !== T.close) return false;
    this.i++;
    return true;
  }

}

/** Parses `tokens` as an injected fragment; `quoted` when the context opened a string. */
export function parseFragment(tokens: TokenStream, quote: string | undefined): ParseResult {
  const parser = new Parser(tokens, quote);
  const valid = parser.fragment(quote !== undefined);
  return { valid, features: parser.f };
}
