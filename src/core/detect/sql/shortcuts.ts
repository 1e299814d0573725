/**
 * Readings the SQL detector can rule out from their first tokens, as prose usually allows: a text
 * that is one plain word or starts with two ("Springfield", "Hi there"), a quote closed and followed
 * by a plain word ("O'Brien"). Each answers what the lexer, tokenizer and parser would answer;
 * whenever the first tokens are anything else, the caller runs those as before.
 */

import { closingQuote, leadingWord, skipSpace } from './chars.js';
import { lookupWord, T } from './keywords.js';
import { foldsWithNext, type TokenStream } from './tokenizer.js';

/**
 * Where the plain word that the lexer reads first from `from` ends, or -1. Plain: no SQL word, no
 * word that folds with the next (`order by`), not the one-letter prefix of a string (`N'...'`).
 * Such a word stays a bareword, or becomes a call or a dotted name: never an operator or a clause.
 */
function plainWordEnd(text: string, from: number): number {
  return plainEnd(text, leadingWord(text, from));
}

/** `plainWordEnd` from the word the lexer reads there (`leadingWord`'s answer). */
function plainEnd(text: string, next: { word: string; end: number } | undefined): number {
  if (next === undefined || lookupWord(next.word) !== undefined || foldsWithNext(next.word)) return -1;
  if (next.word.length === 1 && text.charCodeAt(next.end) === 39 /* ' */) return -1;
  return next.end;
}

/**
 * Whether the reading inside `quote` fails at its second token: the input never closes the quote,
 * or closes it and goes on with a plain word, which no SQL continues a string with. `escapes`:
 * whether the text holds a back slash, when the caller knows.
 */
export function quoteThenWord(text: string, quote: string, escapes?: boolean): boolean {
  const close = closingQuote(text, 0, quote, escapes);
  return close < 0 || plainWordEnd(text, close + 1) >= 0;
}

/**
 * Whether the bare reading is a plain word alone ("Springfield") or starts with two ("Hi there").
 * Then no bare rule can match: a lone bareword parses but does nothing, two values in a row do not
 * parse. Of the token probes only the text-level one can match: the others need a second token or a
 * first one that is a call, an SQL word or a word starting with `exec`.
 */
export function plainWordsFirst(text: string): boolean {
  const first = leadingWord(text, 0);
  if (first === undefined || first.word.startsWith('exec')) return false;
  const end = plainEnd(text, first);
  return end >= 0 && (skipSpace(text, end) === text.length || plainWordEnd(text, end) >= 0);
}

// A plain value: the operand reads it as one token.
const SINGLE_OPERANDS: ReadonlySet<string> = new Set([T.bareword, T.number, T.variable]);
// What `tail` rejects at once: a second value, a call, a group, a dot, a string after a non-string.
const NO_TAIL: ReadonlySet<string> = new Set([T.bareword, T.number, T.variable, T.func, T.open, T.dot, T.unary, T.unknown, T.string]);

/**
 * Whether the bare (unquoted) reading fails at its second token, as most prose does ("Hi there"):
 * a plain value and then another. The same answer as `parseFragment(tokens, undefined).valid`
 * being false, without building the parser.
 */
export function failsAtSecond(tokens: TokenStream): boolean {
  const first = tokens.at(0);
  const second = tokens.at(1);
  return !!first && !!second && SINGLE_OPERANDS.has(first.type) && NO_TAIL.has(second.type);
}
