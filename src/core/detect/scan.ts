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

  /** Whether `text` holds any of the characters. */
  in(text: string): boolean {
    if (text.length < this.short) {
      this.pattern.lastIndex = 0;
      return this.pattern.test(text);
    }
    const { chars } = this;
    for (let i = 0; i < chars.length; i++) if (text.indexOf(chars.charAt(i)) >= 0) return true;
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

  /** A cursor over the positions of the characters in `text`. */
  cursor(text: string): CharCursor {
    return new CharCursor(text, this.chars, text.length < this.short ? this.pattern : undefined);
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
  ) {
    if (pattern) return;
    for (let i = 0; i < chars.length; i++) {
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

/** Whether every character of `text` is ASCII (an anchored run is about twice as fast as searching for the exception). */
export function isAscii(text: string): boolean {
  return ASCII_ONLY.test(text);
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

/** Whether a sticky `pattern` matches at some position of `text` that holds `char` (the pattern's first character). */
export function matchesAt(text: string, char: string, pattern: RegExp): boolean {
  return searchAt(text, char, pattern) >= 0;
}

/**
 * One text as the detectors see it, with what several of them ask about it computed once, when
 * first asked: the lower-cased text and whether it is all ASCII.
 */
export class TextView {
  private lowerText: string | undefined;

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
}
