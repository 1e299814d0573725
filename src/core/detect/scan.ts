/**
 * Native scans for the detectors' cheap tests. `indexOf` of one character runs at memory speed,
 * many times faster than a character-class regex or a JavaScript loop over a long text, so "does
 * the text contain any of these characters" and "where is the next one" are answered with it. On a
 * short text one regex call costs less than several scans, so there the class pattern runs. Either
 * way the answer is the same as the character-class pattern's.
 */

/** A few characters, as a string for the scans and as the equivalent global class pattern (`/[...]/g`). */
export class CharClass {
  /** Below this length the pattern is the cheaper test (measured: about ten characters per scan). */
  private readonly short: number;

  constructor(
    readonly chars: string,
    private readonly pattern: RegExp,
  ) {
    this.short = chars.length * 10;
  }

  /** Whether the view's text holds any of the characters (a long text: from what the view knows). */
  inView(view: TextView): boolean {
    const { text } = view;
    if (text.length < this.short) {
      this.pattern.lastIndex = 0;
      return this.pattern.test(text);
    }
    const { chars } = this;
    for (let i = 0; i < chars.length; i++) if (view.has(chars.charAt(i))) return true;
    return false;
  }

  /** The first index of any of the characters, or -1. */
  first(text: string): number {
    if (text.length < this.short) return text.search(this.pattern);
    const { chars } = this;
    let first = -1;
    for (let i = 0; i < chars.length; i++) {
      const at = text.indexOf(chars.charAt(i));
      if (at >= 0 && (first < 0 || at < first)) first = at;
    }
    return first;
  }

  /** A cursor over the positions of the characters in `text` (`view`, its view, tells which are absent). */
  cursor(text: string, view?: TextView): CharCursor {
    return new CharCursor(text, this.chars, text.length < this.short ? this.pattern : undefined, view);
  }
}

/**
 * The positions of a few characters, in order. On a long text each character is found by a native
 * scan that only moves forward, so walking all of them costs linear time however they are mixed.
 */
export class CharCursor {
  /** The characters present in the text (absent ones are dropped at once), and each one's next position. */
  private readonly chars: string[] = [];
  private readonly next: number[] = [];

  constructor(
    private readonly text: string,
    chars: string,
    /** The class pattern, global: used instead of the scans on a short text. */
    private readonly pattern?: RegExp,
    view?: TextView,
  ) {
    if (pattern) return;
    for (let i = 0; i < chars.length; i++) {
      if (view && !view.has(chars.charAt(i))) continue;
      const at = text.indexOf(chars.charAt(i));
      if (at < 0) continue;
      this.chars.push(chars.charAt(i));
      this.next.push(at);
    }
  }

  /** The first position at or after `from` that holds one of the characters, or -1. */
  find(from: number): number {
    const { pattern, text, next } = this;
    if (pattern) {
      pattern.lastIndex = from;
      // Each match is one character long: it starts right before where the pattern stopped.
      return pattern.test(text) ? pattern.lastIndex - 1 : -1;
    }
    let best = -1;
    for (let i = 0; i < next.length; i++) {
      let at = next[i]!;
      if (at >= 0 && at < from) {
        at = text.indexOf(this.chars[i]!, from);
        next[i] = at;
      }
      if (at >= 0 && (best < 0 || at < best)) best = at;
    }
    return best;
  }
}

/** White space as `\s` reads it. */
export function isSpace(code: number): boolean {
  return (code >= 9 && code <= 13) || code === 32 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/** Whether `word` ends right before `at`, give or take white space (`\s*`) between them. */
export function endsBefore(text: string, at: number, word: string): boolean {
  let end = at;
  while (end > 0 && isSpace(text.charCodeAt(end - 1))) end--;
  return end >= word.length && text.startsWith(word, end - word.length);
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ASCII_ONLY = /^[\u0000-\u007f]*$/;

/** From this length on, encoding into UTF-8 answers faster than the pattern (measured: about 3x at 1 KB). */
const ENCODE_FROM = 256;
const CHUNK = 16 * 1024;
const encoder = new TextEncoder();
const scratch = new Uint8Array(CHUNK);

/**
 * Whether every character of `text` is ASCII. A short text runs an anchored pattern (about twice as
 * fast as searching for the exception); a long one is encoded to UTF-8, chunk by chunk, into a
 * scratch buffer: it is ASCII exactly when every character took one byte.
 */
export function isAscii(text: string): boolean {
  if (text.length < ENCODE_FROM) return ASCII_ONLY.test(text);
  for (let at = 0; at < text.length; at += CHUNK) {
    const chunk = text.length <= CHUNK ? text : text.slice(at, at + CHUNK);
    const { read, written } = encoder.encodeInto(chunk, scratch);
    if (read !== chunk.length || written !== chunk.length) return false;
  }
  return true;
}

/**
 * `text.search(pattern)` for a pattern that can only start with `char`, written sticky (`y`): the
 * pattern is tried only where that character is.
 */
export function searchAt(text: string, char: string, pattern: RegExp): number {
  for (let at = text.indexOf(char); at >= 0; at = text.indexOf(char, at + 1)) {
    pattern.lastIndex = at;
    if (pattern.test(text)) return at;
  }
  return -1;
}

/** No indexes (shared: never written to; a plain array, so every list has the same elements kind). */
export const NO_INDEXES: readonly number[] = [];

/** Every index of `char` in `text`, in order. */
export function indexesOf(text: string, char: string): readonly number[] {
  let at = text.indexOf(char);
  if (at < 0) return NO_INDEXES;
  const out: number[] = [];
  for (; at >= 0; at = text.indexOf(char, at + 1)) out.push(at);
  return out;
}

/**
 * The positions of `(` and `.` in order, from their lists, merged with those of a few rarer
 * characters found by a cursor. `find` must be asked with positions that never decrease.
 */
export class MarkCursor {
  private paren = 0;
  private dot = 0;

  constructor(
    private readonly parens: readonly number[],
    private readonly dots: readonly number[],
    private readonly rest: CharCursor,
  ) {}

  find(from: number): number {
    const { parens, dots } = this;
    while (this.paren < parens.length && parens[this.paren]! < from) this.paren++;
    while (this.dot < dots.length && dots[this.dot]! < from) this.dot++;
    let best = this.rest.find(from);
    if (this.paren < parens.length && (best < 0 || parens[this.paren]! < best)) best = parens[this.paren]!;
    if (this.dot < dots.length && (best < 0 || dots[this.dot]! < best)) best = dots[this.dot]!;
    return best;
  }
}

/** The characters whose presence several detectors ask about, one bit each (at most 31). */
const ASKED = '$=%`\\\u0000[]<>@:+{}|_~;&/\'"*!^#)\n\r\u007f';
const ASKED_BIT = new Int8Array(128).fill(-1);
for (let i = 0; i < ASKED.length; i++) ASKED_BIT[ASKED.charCodeAt(i)] = i;

/**
 * One text as the detectors see it, with what several of them ask about it computed once, when
 * first asked: the lower-cased text, whether it is all ASCII, which punctuation it holds, and where
 * its `(` and `.` are (most detectors walk those: found once, each costs one native scan instead of
 * one per detector).
 */
export class TextView {
  private lowerText: string | undefined;
  private parenList: readonly number[] | undefined;
  private dotList: readonly number[] | undefined;
  /** One bit per `ASKED` character: whether it was looked for, and whether it was found. */
  private asked = 0;
  private found = 0;

  constructor(
    readonly text: string,
    private asciiOnly?: boolean,
  ) {}

  get lower(): string {
    return (this.lowerText ??= this.text.toLowerCase());
  }

  get ascii(): boolean {
    return (this.asciiOnly ??= isAscii(this.text));
  }

  /** Whether the text holds `char`, one character; the usual punctuation is looked for once per text. */
  has(char: string): boolean {
    const code = char.charCodeAt(0);
    const bit = code < 128 ? ASKED_BIT[code]! : -1;
    if (bit < 0) return this.text.indexOf(char) >= 0;
    const mask = 1 << bit;
    if ((this.asked & mask) === 0) {
      this.asked |= mask;
      if (this.text.indexOf(char) >= 0) this.found |= mask;
    }
    return (this.found & mask) !== 0;
  }

  /** Every index of `(` in the text. */
  get parens(): readonly number[] {
    return (this.parenList ??= indexesOf(this.text, '('));
  }

  /** Every index of `.` in the text. */
  get dots(): readonly number[] {
    return (this.dotList ??= indexesOf(this.text, '.'));
  }

  /**
   * `list` (the indexes of `char`, which lower-casing leaves alone) in the lower-cased text: the
   * same unless lower-casing changed the length (`İ` becomes two characters).
   */
  inLower(list: readonly number[], char: string): readonly number[] {
    const { lower } = this;
    return lower.length === this.text.length ? list : indexesOf(lower, char);
  }
}
