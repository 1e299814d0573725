/**
 * The SQL lexer's character classes, and the few scans that read the input exactly as the lexer
 * would (white space, a leading word, the end of a string) for callers that only need that much.
 */

export function isSpace(code: number): boolean {
  return code === 32 || code === 0 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x2028 || code === 0x2029 || code === 0x3000 || code === 0xfeff;
}

export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

export function isWordStart(code: number): boolean {
  const lower = code | 0x20;
  return (lower >= 97 && lower <= 122) || code === 95 || (code > 0x7f && !isSpace(code) && code !== 0x2018 && code !== 0x2019);
}

export function isWordPart(code: number): boolean {
  return isWordStart(code) || isDigit(code) || code === 36 /* $ */;
}

export function isAlphanumeric(code: number): boolean {
  const lower = code | 0x20;
  return isDigit(code) || (lower >= 97 && lower <= 122);
}

export function isHex(code: number): boolean {
  const lower = code | 0x20;
  return isDigit(code) || (lower >= 97 && lower <= 102);
}

/** Where the lexer's next token starts after `from`, white space skipped (the text's length at its end). */
export function skipSpace(text: string, from: number): number {
  let at = from;
  while (at < text.length && isSpace(text.charCodeAt(at))) at++;
  return at;
}

/**
 * The first raw token the lexer reads from `from` when it is a word that starts with an ASCII letter:
 * the lower-cased word and where it ends. Undefined when the first token may be anything else (a
 * comment, a string, a number...), for callers to fall back to the lexer itself.
 */
export function leadingWord(text: string, from: number): { word: string; end: number } | undefined {
  const at = skipSpace(text, from);
  const lower = text.charCodeAt(at) | 0x20;
  if (!(lower >= 97 && lower <= 122)) return undefined;
  let end = at + 1;
  while (end < text.length && isWordPart(text.charCodeAt(end))) end++;
  return { word: text.slice(at, end).toLowerCase(), end };
}

/**
 * Where a string the lexer reads from `from` ends: the index of its closing `quote` (a back slash
 * escapes the character after it, a doubled quote is a quote), or -1 when the input ends first.
 * The same scan as `readString`, without building the body. `escapes`: whether a back slash
 * follows `from` (looked for when not given).
 */
export function closingQuote(text: string, from: number, quote: string, escapes = text.indexOf('\\', from) >= 0): number {
  const q = quote.charCodeAt(0);
  if (!escapes) {
    // Nothing escaped: the first quote that is not doubled, found with native scans.
    let at = text.indexOf(quote, from);
    while (at >= 0 && text.charCodeAt(at + 1) === q) at = text.indexOf(quote, at + 2);
    return at;
  }
  for (let at = from; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === 92 /* \ */) {
      at++;
      continue;
    }
    if (code !== q) continue;
    if (text.charCodeAt(at + 1) !== q) return at;
    at++;
  }
  return -1;
}
