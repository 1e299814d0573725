/**
 * The raw SQL lexer: one token at a time, on demand, from any offset, optionally starting inside a
 * string literal the context opened. Folding into multi-word tokens happens in `tokenizer.ts`.
 */

import { isAlphanumeric, isDigit, isHex, isSpace, isWordPart, isWordStart } from './chars.js';
import { lookupWord as KEYWORD_lookupWord, T as KEYWORD_T, type TokenType } from './keywords.js';

// Local bindings: read once, not through the module's export on every token.
const lookupWord = KEYWORD_lookupWord;
const T = KEYWORD_T;

export interface Token {
  type: TokenType;
  /** Lower-cased word, operator text, or the string body. */
  value: string;
  start: number;
  end: number;
  /** Strings: no closing quote before the end of the input. Comments: a line or unterminated comment. */
  open?: boolean;
  /** The string the context opened: its start quote was in the application, not the input. */
  fromContext?: boolean;
  /** The quote character of a string token. */
  quote?: string;
}

const MAX_TOKENS = 4096;

/** A token, always with every field (in one order) so that the parser's reads see a single shape. */
export function token(type: TokenType, value: string, start: number, end: number, open?: boolean, fromContext?: boolean, quote?: string): Token {
  return { type, value, start, end, open, fromContext, quote };
}

function isInteger(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

const OPERATORS_3 = new Set(['<=>', '->>', '#>>', '!~*']);
const OPERATORS_2 = new Set(['<>', '!=', '<=', '>=', '<<', '>>', ':=', '::', '||', '&&', '->', '#>', '#-', '@>', '<@', '?|', '?&', '@?', '@@', '!~', '~*', '**', '=>', '==']);
const OPERATOR_CHARS = '=<>+-*/%^|&~!?:';

export class Lexer {
  readonly tokens: Token[] = [];
  codeComment = false;
  inlineComment = false;
  private inConditional = false;
  private pos: number;

  constructor(
    private readonly text: string,
    from: number,
  ) {
    this.pos = from;
  }

  /** Starts inside a string literal the context opened. */
  start(quote: string | undefined): void {
    if (quote) this.tokens.push(this.readString(this.pos, quote, true));
  }

  /** Lexes until one more raw token exists; false at the end of the input. */
  advance(): boolean {
    const { text } = this;
    const before = this.tokens.length;
    while (this.tokens.length === before) {
      if (this.pos >= text.length || before >= MAX_TOKENS) return false;
      const code = text.charCodeAt(this.pos);
      if (isSpace(code)) {
        this.pos++;
        continue;
      }
      const start = this.pos;
      const next = text.charCodeAt(start + 1);
      if (code === 47 /* / */ && next === 42 /* * */) {
        this.blockComment(start);
        continue;
      }
      if (code === 42 /* * */ && next === 47 /* / */ && this.inConditional) {
        this.inConditional = false;
        this.pos += 2;
        continue;
      }
      if ((code === 45 /* - */ && next === 45 && !isAlphanumeric(text.charCodeAt(start + 2))) || (code === 35 /* # */ && next !== 62 && !(next === 45 && isSpace(text.charCodeAt(start + 2))))) {
        const newline = text.indexOf('\n', start);
        this.pos = newline < 0 ? text.length : newline + 1;
        this.tokens.push(token(T.comment, text.slice(start, this.pos), start, this.pos, true));
        continue;
      }
      if (code === 39 || code === 34) {
        this.tokens.push(this.readString(start + 1, text.charAt(start), false));
        continue;
      }
      if (code === 96 /* ` */) {
        const close = text.indexOf('`', start + 1);
        this.pos = close < 0 ? text.length : close + 1;
        this.push(T.bareword, text.slice(start + 1, close < 0 ? text.length : close).toLowerCase(), start, '`');
        continue;
      }
      if (code === 91 /* [ */) {
        const close = text.indexOf(']', start + 1);
        const inner = close < 0 ? '' : text.slice(start + 1, close);
        if (close > start + 1 && close - start <= 129 && !/[[\s'"]/.test(inner)) {
          this.pos = close + 1;
          this.push(T.bareword, inner.toLowerCase(), start, '[');
          continue;
        }
      }
      if (isDigit(code) || (code === 46 /* . */ && isDigit(next))) {
        this.number(start);
        continue;
      }
      if (code === 64 /* @ */) {
        let end = start + 1;
        if (text.charCodeAt(end) === 64) end++;
        const nameStart = end;
        if (text.charCodeAt(end) === 96 || text.charCodeAt(end) === 39 || text.charCodeAt(end) === 34) {
          const close = text.indexOf(text.charAt(end), end + 1);
          end = close < 0 ? text.length : close + 1;
        } else {
          while (end < text.length && (isWordPart(text.charCodeAt(end)) || text.charCodeAt(end) === 46)) end++;
        }
        if (end === nameStart && (OPERATOR_CHARS.includes(text.charAt(end)) || isSpace(text.charCodeAt(end)) || end === text.length)) {
          this.operator(start);
          continue;
        }
        this.pos = end;
        this.push(T.variable, text.slice(start, end).toLowerCase(), start);
        continue;
      }
      if (code === 92 /* \ */ && (text.charCodeAt(start + 1) | 0x20) === 110 /* \N is NULL in MySQL */) {
        this.pos = start + 2;
        this.push(T.number, '\\n', start);
        continue;
      }
      if (isWordStart(code)) {
        this.word(start);
        continue;
      }
      if (code === 40 || code === 91) this.single(T.open, start);
      else if (code === 41 || code === 93) this.single(T.close, start);
      else if (code === 44) this.single(T.comma, start);
      else if (code === 59) this.single(T.semicolon, start);
      else if (code === 46) this.single(T.dot, start);
      else if (OPERATOR_CHARS.includes(text.charAt(start)) || code === 35 || code === 64) this.operator(start);
      else this.single(T.unknown, start);
    }
    return true;
  }

  private push(type: TokenType, value: string, start: number, quote?: string): void {
    this.tokens.push(token(type, value, start, this.pos, undefined, undefined, quote));
  }

  private single(type: TokenType, start: number): void {
    this.pos = start + 1;
    this.push(type, this.text.charAt(start), start);
  }

  private operator(start: number): void {
    const { text } = this;
    const three = text.slice(start, start + 3);
    const two = text.slice(start, start + 2);
    const op = OPERATORS_3.has(three) ? three : OPERATORS_2.has(two) ? two : text.charAt(start);
    this.pos = start + op.length;
    this.push(op === '&&' || op === '||' ? T.logic : op === '!' || op === '~' ? T.unary : T.operator, op, start);
  }

  private blockComment(start: number): void {
    const { text } = this;
    let mark = start + 2;
    while (mark < start + 6 && isSpace(text.charCodeAt(mark))) mark++;
    if (text.charCodeAt(mark) === 43 /* + */ && text.indexOf('*/', mark) > mark + 1) this.codeComment = true;
    if (text.charCodeAt(start + 2) === 33 /* ! */) {
      // MySQL runs the inside of /*! ... */ (optionally versioned: /*!50000 ... */).
      let at = start + 3;
      while (at < text.length && at < start + 8 && isDigit(text.charCodeAt(at))) at++;
      this.codeComment = true;
      this.inConditional = true;
      this.pos = at;
      return;
    }
    const close = text.indexOf('*/', start + 2);
    if (close < 0) {
      this.pos = text.length;
      this.tokens.push(token(T.comment, '/*', start, this.pos, true));
      return;
    }
    this.pos = close + 2;
    if (this.tokens.length > 0 && this.pos < text.length) this.inlineComment = true;
  }

  private readString(from: number, quote: string, fromContext: boolean): Token {
    const { text } = this;
    const q = quote.charCodeAt(0);
    let body = '';
    let chunk = from;
    for (let at = from; at < text.length; at++) {
      const code = text.charCodeAt(at);
      if (code === 92 /* \ */) {
        at++;
        continue;
      }
      if (code !== q) continue;
      if (text.charCodeAt(at + 1) === q) {
        // A doubled quote is an escaped quote.
        body += text.slice(chunk, at + 1);
        chunk = at + 2;
        at++;
        continue;
      }
      body += text.slice(chunk, at);
      this.pos = at + 1;
      return token(T.string, body, from - (fromContext ? 0 : 1), this.pos, undefined, fromContext, quote);
    }
    body += text.slice(chunk);
    this.pos = text.length;
    return token(T.string, body, from - (fromContext ? 0 : 1), this.pos, true, fromContext, quote);
  }

  private number(start: number): void {
    const { text } = this;
    let at = start;
    const second = text.charCodeAt(start + 1) | 0x20;
    if (text.charCodeAt(start) === 48 && (second === 120 || second === 98) && isHex(text.charCodeAt(start + 2))) {
      at = start + 2;
      while (at < text.length && isHex(text.charCodeAt(at))) at++;
    } else {
      while (at < text.length && isDigit(text.charCodeAt(at))) at++;
      if (text.charCodeAt(at) === 46) {
        at++;
        while (at < text.length && isDigit(text.charCodeAt(at))) at++;
      }
      if ((text.charCodeAt(at) | 0x20) === 101 /* e */) {
        let exp = at + 1;
        if (text.charCodeAt(exp) === 43 || text.charCodeAt(exp) === 45) exp++;
        while (exp < text.length && isDigit(text.charCodeAt(exp))) exp++;
        // `1.e(` and `1e` are numbers to MySQL too: a known way to glue tokens together.
        if (exp > at + 1 || !isWordPart(text.charCodeAt(exp))) at = exp;
      }
    }
    if (at < text.length && isWordPart(text.charCodeAt(at)) && !isDigit(text.charCodeAt(at)) && isInteger(text, start, at)) {
      // `4pcs`, `2nd`, `1x`: an identifier, not a number; but `1or`, `1union` split as MySQL reads them.
      let end = at;
      while (end < text.length && isWordPart(text.charCodeAt(end))) end++;
      const tail = lookupWord(text.slice(at, end).toLowerCase());
      if (!tail || (tail.type !== T.logic && tail.type !== T.union && tail.type !== T.operator)) {
        this.pos = end;
        this.push(T.bareword, text.slice(start, end).toLowerCase(), start);
        return;
      }
    }
    this.pos = at;
    this.push(T.number, text.slice(start, at), start);
  }

  private word(start: number): void {
    const { text } = this;
    let at = start + 1;
    while (at < text.length && isWordPart(text.charCodeAt(at))) at++;
    this.pos = at;
    const lower = text.slice(start, at).toLowerCase();
    // N'...', X'...', B'...', E'...': prefixed string literals.
    if (at - start === 1 && 'nxbe'.includes(lower) && (text.charCodeAt(at) === 39)) {
      this.tokens.push(this.readString(at + 1, "'", false));
      return;
    }
    const info = lookupWord(lower);
    this.push(info?.type ?? T.bareword, lower, start);
  }
}
