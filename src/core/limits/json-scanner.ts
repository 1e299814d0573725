/**
 * A non-recursive JSON validator that enforces structure limits on the text before `JSON.parse`
 * builds anything: nesting depth, total object keys, string length, array length, and
 * prototype-polluting keys. It checks the RFC 8259 grammar except raw control characters inside
 * strings, which it leaves to `JSON.parse` (they do not move token boundaries, so the counts hold),
 * and it stops at the first limit: `[[[[...` fails at the 33rd bracket, whatever the length.
 */

import { InvalidInputError, LimitExceededError } from '../errors.js';

export interface JsonScanOptions {
  /** Levels of nested objects and arrays; a top-level object or array is level 1. */
  readonly maxDepth: number;
  /** Object keys in the whole document, every occurrence counted. */
  readonly maxKeys: number;
  /** UTF-16 code units per string after unescaping (`\u0041` counts 1); object keys count too. */
  readonly maxStringLength: number;
  /** Elements per array. */
  readonly maxArrayLength: number;
  /** `reject`: `__proto__`, or `prototype` inside a `constructor` object, is an error. Otherwise only reported. */
  readonly prototypeKeys: 'reject' | 'remove' | 'allow';
}

export interface JsonScanResult {
  /** Object keys in the text, every occurrence: more than the parsed value has means a duplicate. */
  readonly keys: number;
  /** The text has a `__proto__` key or a `constructor` object with a `prototype` key. */
  readonly prototypeKeys: boolean;
}

const ARRAY = 0;
const OBJECT = 1;

/* Character codes. */
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_ARRAY = 0x5d;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;
const LOWER_T = 0x74;
const LOWER_U = 0x75;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** After a backslash: `"`, `\`, `/`, `b`, `f`, `n`, `r`, `t` (and `u`, handled apart). */
function isSimpleEscape(code: number): boolean {
  return code === QUOTE || code === BACKSLASH || code === 0x2f || code === 0x62 || code === LOWER_F || code === LOWER_N || code === 0x72 || code === LOWER_T;
}

function isHex(code: number): boolean {
  return (code >= ZERO && code <= NINE) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= LOWER_F);
}

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

function malformed(at: number, what: string): InvalidInputError {
  return new InvalidInputError(`malformed JSON at character ${at}: ${what}`);
}

/**
 * Validates `text` as one JSON value within `options`. Throws `LimitExceededError` (its `limit`
 * names the option) or `InvalidInputError` (malformed, or a forbidden key); never anything else. Text it
 * accepts is valid JSON unless a string holds a raw control character (`JSON.parse` then refuses it).
 */
export function scanJson(text: string, options: JsonScanOptions): JsonScanResult {
  const { maxDepth, maxKeys, maxStringLength, maxArrayLength } = options;
  const watchPrototype = options.prototypeKeys !== 'allow';
  const rejectPrototype = options.prototypeKeys === 'reject';
  const end = text.length;
  // Per open container, indexed by depth (1-based): kind, element count, is a `constructor` value.
  const kinds: number[] = [];
  const counts: number[] = [];
  const constructorValue: boolean[] = [];
  let depth = 0;
  let totalKeys = 0;
  let sawPrototypeKey = false;
  let keyIsConstructor = false;
  let stringHadEscapes = false;
  let pos = 0;

  const skipWhitespace = (): void => {
    let code = text.charCodeAt(pos);
    while (code === SPACE || code === LF || code === CR || code === TAB) code = text.charCodeAt(++pos);
  };

  // Next backslash at or after the scan position (-1: none left). Found with a native search and
  // reused until passed, so strings cost no per-character JS work. Raw control characters in strings
  // are left to JSON.parse: they do not move token boundaries, so the limits counted here still hold.
  let nextBackslash = -2;
  const backslashFrom = (from: number): number => {
    if (nextBackslash !== -1 && nextBackslash < from) nextBackslash = text.indexOf('\\', from);
    return nextBackslash === -1 ? end : nextBackslash;
  };

  /** Scans the string literal at `pos` (a quote); returns its unescaped length; leaves `pos` after it. */
  const scanString = (): number => {
    const start = pos;
    let saved = 0; // characters that escapes add to the text but not to the value
    let i = pos + 1;
    for (;;) {
      const quote = text.indexOf('"', i);
      if (quote === -1) throw malformed(end, 'unterminated string');
      const backslash = backslashFrom(i);
      const stop = backslash < quote ? backslash : quote;
      if (stop === quote) {
        i = quote;
        break;
      }
      const next = text.charCodeAt(backslash + 1);
      if (next === LOWER_U) {
        if (!(isHex(text.charCodeAt(backslash + 2)) && isHex(text.charCodeAt(backslash + 3)) && isHex(text.charCodeAt(backslash + 4)) && isHex(text.charCodeAt(backslash + 5)))) {
          throw malformed(backslash, 'bad \\u escape');
        }
        i = backslash + 6;
        saved += 5;
      } else if (isSimpleEscape(next)) {
        i = backslash + 2;
        saved += 1;
      } else {
        throw malformed(backslash, 'bad escape');
      }
    }
    pos = i + 1;
    stringHadEscapes = saved > 0;
    const length = i - start - 1 - saved;
    if (length > maxStringLength) throw new LimitExceededError(`JSON string longer than ${maxStringLength} characters`, 'maxStringLength');
    return length;
  };

  /** Reads `"key" :` at `pos`, counting and checking the key. */
  const scanKey = (): void => {
    if (text.charCodeAt(pos) !== QUOTE) throw malformed(pos, 'expected a string key');
    const start = pos;
    const length = scanString();
    if (++totalKeys > maxKeys) throw new LimitExceededError(`more than ${maxKeys} object keys in JSON`, 'maxKeys');
    keyIsConstructor = false;
    if (watchPrototype && (length === 9 || length === 11)) {
      // Validated above, so JSON.parse cannot fail here; escapes are rare in keys.
      const key = stringHadEscapes ? (JSON.parse(text.slice(start, pos)) as string) : text.slice(start + 1, pos - 1);
      if (key === '__proto__' || (key === 'prototype' && constructorValue[depth] === true)) {
        if (rejectPrototype) throw new InvalidInputError(`forbidden JSON key "${key}" (prototype pollution)`);
        sawPrototypeKey = true;
      }
      keyIsConstructor = key === 'constructor';
    }
    skipWhitespace();
    if (text.charCodeAt(pos) !== COLON) throw malformed(pos, 'expected ":"');
    pos++;
  };

  const open = (kind: number): void => {
    if (++depth > maxDepth) throw new LimitExceededError(`JSON nested deeper than ${maxDepth} levels`, 'maxDepth');
    kinds[depth] = kind;
    counts[depth] = 0;
    constructorValue[depth] = kind === OBJECT && keyIsConstructor;
    pos++;
  };

  const scanDigits = (): void => {
    if (!isDigit(text.charCodeAt(pos))) throw malformed(pos, 'expected a digit');
    do pos++;
    while (isDigit(text.charCodeAt(pos)));
  };

  const scanNumber = (): void => {
    if (text.charCodeAt(pos) === MINUS) pos++;
    if (text.charCodeAt(pos) === ZERO) pos++;
    else scanDigits();
    if (text.charCodeAt(pos) === DOT) {
      pos++;
      scanDigits();
    }
    const code = text.charCodeAt(pos);
    if (code === LOWER_E || code === UPPER_E) {
      pos++;
      const sign = text.charCodeAt(pos);
      if (sign === PLUS || sign === MINUS) pos++;
      scanDigits();
    }
  };

  const scanLiteral = (word: string): void => {
    if (!text.startsWith(word, pos)) throw malformed(pos, 'unexpected token');
    pos += word.length;
  };

  for (;;) {
    // A value is expected at `pos`.
    skipWhitespace();
    const code = text.charCodeAt(pos);
    if (code === OPEN_ARRAY || code === OPEN_OBJECT) {
      open(code === OPEN_ARRAY ? ARRAY : OBJECT);
      keyIsConstructor = false;
      skipWhitespace();
      const next = text.charCodeAt(pos);
      if (next !== (code === OPEN_ARRAY ? CLOSE_ARRAY : CLOSE_OBJECT)) {
        if (code === OPEN_ARRAY) {
          if (maxArrayLength < 1) throw new LimitExceededError(`JSON array longer than ${maxArrayLength} elements`, 'maxArrayLength');
          counts[depth] = 1;
        } else {
          scanKey();
        }
        continue;
      }
      pos++;
      depth--;
    } else {
      keyIsConstructor = false;
      if (code === QUOTE) scanString();
      else if (code === MINUS || isDigit(code)) scanNumber();
      else if (code === LOWER_T) scanLiteral('true');
      else if (code === LOWER_F) scanLiteral('false');
      else if (code === LOWER_N) scanLiteral('null');
      else throw malformed(pos, pos >= end ? 'unexpected end' : 'unexpected token');
    }
    // After a value: a comma, a closing bracket, or the end.
    for (;;) {
      skipWhitespace();
      if (depth === 0) {
        if (pos < end) throw malformed(pos, 'unexpected data after the JSON value');
        return { keys: totalKeys, prototypeKeys: sawPrototypeKey };
      }
      const next = text.charCodeAt(pos);
      const kind = kinds[depth];
      if (next === COMMA) {
        pos++;
        if (kind === ARRAY) {
          if (++counts[depth]! > maxArrayLength) throw new LimitExceededError(`JSON array longer than ${maxArrayLength} elements`, 'maxArrayLength');
        } else {
          skipWhitespace();
          scanKey();
        }
        break;
      }
      if (next !== (kind === ARRAY ? CLOSE_ARRAY : CLOSE_OBJECT)) throw malformed(pos, pos >= end ? 'unexpected end' : 'expected "," or a closing bracket');
      pos++;
      depth--;
    }
  }
}
