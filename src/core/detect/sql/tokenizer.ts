/**
 * A small SQL tokenizer covering the dialects attackers aim at (MySQL, PostgreSQL, SQL Server,
 * Oracle, SQLite). It can start inside a string literal (`quote`), which is how an injected value
 * is read when the application put it between quotes. Comments: `/* *\/` reads as white space
 * (MySQL `/*! ... *\/` as the code inside it), `--` and `#` run to the end of the line. Multi-word
 * operators and clauses (`UNION ALL`, `ORDER BY`, `NOT LIKE`, `INTO OUTFILE`) are folded into one
 * token, and a word followed by `(` becomes a function. One pass, linear in the input.
 */

import { T as KEYWORD_T, type TokenType } from './keywords.js';
import { Lexer, token as makeToken, type Token } from './lexer.js';

// Local bindings: read once, not through the module's export on every token.
const T = KEYWORD_T;

export type { Token } from './lexer.js';

const PAIRS: ReadonlyMap<string, { follow: ReadonlySet<string>; type: TokenType }> = new Map([
  ['union', { follow: new Set(['all', 'distinct', 'distinctrow']), type: T.union }],
  ['order', { follow: new Set(['by']), type: T.clause }],
  ['group', { follow: new Set(['by']), type: T.clause }],
  ['partition', { follow: new Set(['by']), type: T.clause }],
  ['not', { follow: new Set(['like', 'rlike', 'regexp', 'ilike', 'in', 'between', 'similar', 'glob', 'exists']), type: T.operator }],
  ['is', { follow: new Set(['not']), type: T.operator }],
  ['sounds', { follow: new Set(['like']), type: T.operator }],
  ['similar', { follow: new Set(['to']), type: T.operator }],
  ['member', { follow: new Set(['of']), type: T.operator }],
  ['waitfor', { follow: new Set(['delay', 'time']), type: T.statement }],
  ['into', { follow: new Set(['outfile', 'dumpfile']), type: T.keyword }],
  ['procedure', { follow: new Set(['analyse']), type: T.keyword }],
  ['for', { follow: new Set(['update']), type: T.keyword }],
  ['character', { follow: new Set(['set']), type: T.keyword }],
  ['with', { follow: new Set(['rollup']), type: T.keyword }],
  ['execute', { follow: new Set(['immediate']), type: T.statement }],
]);

/** Whether a word may fold with the word after it (`order` + `by`). */
export function foldsWithNext(word: string): boolean {
  return PAIRS.has(word);
}

function isCallable(token: Token): boolean {
  return token.type === T.bareword || token.type === T.keyword || token.type === T.statement || token.type === T.operator || token.type === T.logic || token.type === T.unary;
}

function isValueEnd(token: Token | undefined): boolean {
  if (!token) return false;
  return token.type === T.number || token.type === T.string || token.type === T.bareword || token.type === T.variable || token.type === T.close ||
    (token.type === T.keyword && (token.value === 'true' || token.value === 'false' || token.value === 'null'));
}

/**
 * The folded tokens of a text, lexed only as far as someone looks: a parser that gives up at the
 * second word of a sentence costs two tokens, not the whole text. Multi-word operators are folded,
 * words before `(` become calls, `a.b` names are joined, and a line comment with more code after it
 * is dropped as white space.
 */
export class TokenStream {
  private readonly lexer: Lexer;
  private readonly out: Token[] = [];
  private raw = 0;
  /** A comment was used between tokens (`UNION/**\/SELECT`, `#x\nSELECT`). */
  inlineComment = false;

  /** Reads `text` from `from`, or from inside a string literal opened by `quote`. */
  constructor(text: string, quote?: "'" | '"' | '`', from = 0) {
    this.lexer = new Lexer(text, from);
    this.lexer.start(quote);
  }

  /** A MySQL executable comment or an optimizer hint was lexed (so far). */
  get codeComment(): boolean {
    return this.lexer.codeComment;
  }

  at(i: number): Token | undefined {
    if (i < 0) return undefined;
    while (this.out.length <= i && this.foldOne());
    return this.out[i];
  }

  all(): readonly Token[] {
    while (this.foldOne());
    return this.out;
  }

  private rawAt(k: number): Token | undefined {
    const { tokens } = this.lexer;
    while (tokens.length <= k && this.lexer.advance());
    return tokens[k];
  }

  private foldOne(): boolean {
    let token = this.rawAt(this.raw);
    if (!token) return false;
    while (token.type === T.comment && this.rawAt(this.raw + 1)) {
      this.inlineComment = this.lexer.inlineComment = true;
      this.raw++;
      token = this.rawAt(this.raw)!;
    }
    if (this.lexer.inlineComment) this.inlineComment = true;
    const next = this.rawAt(this.raw + 1);
    const out = this.out;
    const pair = PAIRS.get(token.value);
    if (pair && next && pair.follow.has(next.value) && token.type !== T.string && next.type !== T.string) {
      out.push(makeToken(pair.type, `${token.value} ${next.value}`, token.start, next.end));
      this.raw += 2;
      return true;
    }
    if (next?.type === T.open && isCallable(token) && token.quote === undefined && /^[a-z_][\w$.]*$/.test(token.value)) {
      // `char(`, `sleep (`: a call. An operator word after a value stays an operator: `1 DIV (SELECT ...)`.
      const operatorAfterValue = (token.type === T.operator || token.type === T.logic) && isValueEnd(out[out.length - 1]);
      if (token.type === T.bareword || (!KEEP_BEFORE_PAREN.has(token.value) && !operatorAfterValue)) {
        out.push(makeToken(T.func, token.value, token.start, token.end, token.open, token.fromContext, token.quote));
        this.raw++;
        return true;
      }
    }
    if (token.type === T.dot && out.length > 0 && out[out.length - 1]!.type === T.bareword) {
      // schema.table, db..table (SQL Server) and pkg.function read as one name.
      const name = next?.type === T.dot ? this.rawAt(this.raw + 2) : next;
      if (name && (name.type === T.bareword || name.type === T.func || name.type === T.keyword)) {
        const prev = out.pop()!;
        this.raw += name === next ? 2 : 3;
        const type = this.rawAt(this.raw)?.type === T.open ? T.func : T.bareword;
        out.push(makeToken(type, `${prev.value}.${name.value}`, prev.start, name.end));
        return true;
      }
    }
    out.push(token);
    this.raw++;
    return true;
  }
}

/** All tokens of `text` (for tests and tools; detectors read a TokenStream lazily). */
export function tokenize(text: string, quote?: "'" | '"' | '`'): { tokens: readonly Token[]; codeComment: boolean; inlineComment: boolean } {
  const stream = new TokenStream(text, quote);
  const tokens = stream.all();
  return { tokens, codeComment: stream.codeComment, inlineComment: stream.inlineComment };
}

/** Keywords that take a parenthesis without being calls. */
const KEEP_BEFORE_PAREN: ReadonlySet<string> = new Set(['in', 'not in', 'exists', 'not exists', 'values', 'and', 'or', 'xor', 'not', 'on', 'using', 'as', 'from', 'into', 'select', 'where', 'when', 'then', 'else', 'over', 'table', 'like', 'between', 'is', 'all', 'any', 'some', 'union', 'union all', 'union distinct', 'distinct', 'having', 'with', 'return', 'by', 'order by', 'group by', 'procedure analyse', 'exec', 'execute', 'binary', 'top', 'limit']);
