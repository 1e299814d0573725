/**
 * The part of the SQL fragment parser that scans without judging: parenthesised groups and
 * function arguments, CASE ... END, statements after `;` or UNION. What they contain is noted as
 * features. Every step consumes a token, so the scan is linear.
 */

import { emptyFeatures } from './features.js';
import { SQL_FUNCTIONS as KEYWORD_SQL_FUNCTIONS, STRONG_FUNCTIONS as KEYWORD_STRONG_FUNCTIONS, T as KEYWORD_T } from './keywords.js';
import { statementShape } from './statement-shape.js';
import type { Token, TokenStream } from './tokenizer.js';

// Local bindings: read once, not through the module's export on every token.
const SQL_FUNCTIONS = KEYWORD_SQL_FUNCTIONS;
const STRONG_FUNCTIONS = KEYWORD_STRONG_FUNCTIONS;
const T = KEYWORD_T;

/** Comparison operators (the rest are arithmetic, bitwise or JSON operators). */
export const COMPARE = new Set(['=', '==', '<>', '!=', '<', '>', '<=', '>=', '<=>', 'like', 'rlike', 'regexp', 'ilike', 'glob', 'match', 'sounds like', 'not like', 'not rlike', 'not regexp', 'not ilike', 'not glob', 'similar to', 'not similar', 'is', 'is not', 'in', 'not in', 'between', 'not between', 'member of', '~', '!~', '~*', '!~*', '@>', '<@', '?', '?|', '?&', '@?', '@@']);

export class Scanner {
  readonly f = emptyFeatures();
  protected i = 0;
  private sawWhen = false;

  constructor(
    protected readonly tokens: TokenStream,
    /** The quote the context opened; only a string in the same quote absorbs the application's closing one. */
    protected readonly quote: string | undefined,
  ) {}

  protected openString(t: Token): void {
    if (t.open && t.quote === this.quote) this.f.endsOpen = true;
  }

  protected peek(offset = 0): Token | undefined {
    return this.tokens.at(this.i + offset);
  }

  /**
   * A parenthesised group at `(`, scanned to its matching `)` or to the end (the application may
   * close it). Inside, anything goes; what it contains still counts as features.
   */
  protected group(inSqlCall = false): void {
    const { tokens } = this;
    if (tokens.at(this.i)?.type !== T.open) return;
    this.i++;
    let depth = 1;
    // Depths at which an SQL function's arguments are open, to see `ascii(substring(` and `IF(1=1`.
    const calls: number[] = inSqlCall ? [1] : [];
    let pendingCall = false;
    for (let t = tokens.at(this.i); t; t = tokens.at(this.i)) {
      this.i++;
      if (t.type === T.open) {
        depth++;
        if (pendingCall) calls.push(depth);
        pendingCall = false;
        continue;
      }
      pendingCall = false;
      if (t.type === T.close) {
        if (calls[calls.length - 1] === depth) calls.pop();
        if (--depth === 0) return;
        continue;
      }
      if (t.type === T.func && SQL_FUNCTIONS.has(t.value)) {
        if (calls.length > 0) this.f.nestedCall = true;
        pendingCall = true;
      }
      if (calls.length > 0 && t.type === T.operator && COMPARE.has(t.value)) this.f.callCompare = true;
      this.note(t);
    }
  }

  /** CASE ... END: skipped as a unit, with what it contains noted. */
  protected caseExpression(): boolean {
    let depth = 0;
    let when = false;
    this.i++;
    for (let t = this.tokens.at(this.i); t; t = this.tokens.at(this.i)) {
      this.i++;
      if (t.type === T.open) depth++;
      else if (t.type === T.close) depth--;
      else if (depth === 0 && t.value === 'end') {
        if (when) this.f.caseWhen = true;
        return true;
      } else {
        if (t.value === 'when') when = true;
        else if (when && t.value === 'then') this.f.caseWhen = true;
        else if (when && t.type === T.operator && COMPARE.has(t.value)) this.f.caseWhen = true;
        this.note(t);
      }
    }
    return true;
  }

  protected noteCall(t: Token): void {
    this.f.call = true;
    if (SQL_FUNCTIONS.has(t.value)) this.f.sqlCall = true;
    if (STRONG_FUNCTIONS.has(t.value) || STRONG_FUNCTIONS.has(t.value.slice(t.value.lastIndexOf('.') + 1))) this.f.strongCall = true;
  }

  /** Features of a token met inside a group or a statement. */
  protected note(t: Token): void {
    if (t.value === 'when') this.sawWhen = true;
    switch (t.type) {
      case T.statement:
        if (t.value === 'select') this.f.subquery = true;
        break;
      case T.func:
        this.noteCall(t);
        break;
      case T.string:
        this.openString(t);
        break;
      case T.union:
        this.f.union = true;
        break;
      case T.logic:
        this.f.logic = true;
        break;
      case T.operator:
        if (COMPARE.has(t.value)) {
          this.f.compare = true;
          if (this.sawWhen) this.f.caseWhen = true;
        } else this.f.arith = true;
        break;
      case T.comment:
        this.f.comment = true;
        if (/[a-z0-9]{2}/i.test(t.value)) this.f.wordyComment = true;
        break;
      default:
        break;
    }
  }

  /**
   * A statement at its first word: checked for a statement-like start, then scanned to the next
   * top-level `;` or an unmatched `)`.
   */
  protected statement(): boolean {
    if (!statementShape(this.tokens, this.i)) return false;
    let depth = 0;
    for (let t = this.tokens.at(this.i); t; t = this.tokens.at(this.i)) {
      if (t.type === T.semicolon && depth === 0) return true;
      if (t.type === T.close && depth === 0) return true;
      if (t.type === T.open) depth++;
      else if (t.type === T.close) depth--;
      else this.note(t);
      this.i++;
    }
    return true;
  }
}
