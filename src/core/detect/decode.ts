/**
 * The decoded view of an input: what a server, a browser or a shell may end up seeing after the
 * usual layers of encoding are peeled off. Percent-encoding is undone repeatedly (double encoding,
 * `%u` escapes, overlong UTF-8 such as `%c0%ae`), then HTML character references and JS escapes;
 * NUL bytes go and compatibility forms (fullwidth `＜`) are folded with NFKC. Every step is linear
 * and the number of rounds is bounded, so a crafted input cannot make decoding expensive.
 */

import { decodeEntities } from './entities.js';
import { isAscii, TextView } from './scan.js';

const MAX_ROUNDS = 4;

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

function hexAt(text: string, at: number, digits: number): number {
  if (at + digits > text.length) return -1;
  let value = 0;
  for (let i = 0; i < digits; i++) {
    const digit = hexValue(text.charCodeAt(at + i));
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

function pushUtf8(bytes: number[], code: number): void {
  if (code < 0x80) bytes.push(code);
  else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63));
  else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  else bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
}

function isContinuation(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

/**
 * UTF-8 as a permissive server reads it: overlong forms decode to the character they spell (`C0 AE`
 * is `.`), which is the point of that trick; a byte that starts no valid sequence reads as Latin-1.
 */
function decodeUtf8Leniently(bytes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const byte = bytes[i]!;
    let need = 0;
    let code = byte;
    if (byte >= 0xc0 && byte < 0xe0) [need, code] = [1, byte & 0x1f];
    else if (byte >= 0xe0 && byte < 0xf0) [need, code] = [2, byte & 0x0f];
    else if (byte >= 0xf0 && byte < 0xf8) [need, code] = [3, byte & 0x07];
    // Five- and six-byte forms are not UTF-8 any more, but old decoders read them: F8 80 80 80 AF is `/`.
    else if (byte >= 0xf8 && byte < 0xfc) [need, code] = [4, byte & 0x03];
    else if (byte >= 0xfc && byte < 0xfe) [need, code] = [5, byte & 0x01];
    let ok = need > 0;
    for (let k = 1; ok && k <= need; k++) {
      if (isContinuation(bytes[i + k])) code = (code << 6) | (bytes[i + k]! & 63);
      else ok = false;
    }
    if (ok && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) {
      out += String.fromCodePoint(code);
      i += need + 1;
    } else {
      out += String.fromCharCode(byte);
      i++;
    }
  }
  return out;
}

/** One round of percent-decoding (`%XX`, `%uXXXX`); malformed escapes stay as written. */
export function percentDecode(text: string, plusIsSpace: boolean): string {
  if (text.indexOf('%') < 0 && !(plusIsSpace && text.indexOf('+') >= 0)) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 37 /* % */) {
      const byte = hexAt(text, i + 1, 2);
      if (byte >= 0) {
        bytes.push(byte);
        i += 2;
        continue;
      }
      if ((text.charCodeAt(i + 1) | 0x20) === 117 /* u */) {
        const unit = hexAt(text, i + 2, 4);
        if (unit >= 0) {
          pushUtf8(bytes, unit >= 0xd800 && unit <= 0xdfff ? 0xfffd : unit);
          i += 5;
          continue;
        }
      }
    }
    if (plusIsSpace && code === 43 /* + */) bytes.push(32);
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      pushUtf8(bytes, text.codePointAt(i)!);
      i++;
    } else pushUtf8(bytes, code >= 0xd800 && code <= 0xdfff ? 0xfffd : code);
  }
  return decodeUtf8Leniently(bytes);
}

/** JS and JSON escapes: `\u003c`, `\u{3c}`, `\x3c`. Other backslashes stay. */
export function decodeJsEscapes(text: string): string {
  let slash = text.indexOf('\\');
  if (slash < 0) return text;
  let out = '';
  let last = 0;
  while (slash >= 0) {
    const kind = text.charCodeAt(slash + 1) | 0x20;
    let value = -1;
    let end = slash;
    if (kind === 117 /* u */) {
      if (text.charCodeAt(slash + 2) === 123 /* { */) {
        const close = text.indexOf('}', slash + 3);
        if (close > slash + 3 && close <= slash + 9) {
          value = hexAt(text, slash + 3, close - slash - 3);
          end = close + 1;
        }
      } else {
        value = hexAt(text, slash + 2, 4);
        end = slash + 6;
      }
    } else if (kind === 120 /* x */) {
      value = hexAt(text, slash + 2, 2);
      end = slash + 4;
    }
    if (value >= 0 && value <= 0x10ffff && !(value >= 0xd800 && value <= 0xdfff)) {
      out += text.slice(last, slash) + String.fromCodePoint(value);
      last = end;
      slash = text.indexOf('\\', end);
    } else {
      slash = text.indexOf('\\', slash + 1);
    }
  }
  return out + text.slice(last);
}

/** Anything `decode` could change: escapes, references, NUL, non-ASCII. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const DECODABLE = /[%&\\\u0000\u007f-\uffff]/;
/** The ASCII ones, each found with a native scan in a long text (non-ASCII is checked apart). */
const DECODABLE_ASCII = '%&\\\u0000\u007f';
/** Below this length one pattern test costs less than five scans and an ASCII check. */
const SHORT = 64;

function decodable(view: TextView): boolean {
  const { text } = view;
  if (text.length < SHORT) return DECODABLE.test(text);
  for (let i = 0; i < DECODABLE_ASCII.length; i++) if (view.has(DECODABLE_ASCII.charAt(i))) return true;
  return !view.ascii;
}

/**
 * Fully decoded form of `text`. `+` reads as a space only in text that looks form-encoded (it has
 * percent escapes and no literal spaces), so `1+1` in plain text stays arithmetic.
 */
export function decode(text: string): string {
  return decodeView(new TextView(text)).text;
}

/** One round of decoding the view's text; a step whose mark the text lacks would return its input, and is skipped. */
function firstRound(view: TextView, plusIsSpace: boolean): string {
  const { text } = view;
  // Without `%`, percent-decoding returns the text (`plusIsSpace` needs a `%` too).
  let out = view.has('%') ? percentDecode(text, plusIsSpace) : text;
  if (out !== text || view.has('&')) out = decodeEntities(out);
  if (out !== text || view.has('\\')) out = decodeJsEscapes(out);
  return out;
}

/** `decode` of a view, as a view (the same one when nothing changes). */
function decodeView(view: TextView): TextView {
  const { text } = view;
  if (!decodable(view)) return view;
  const plusIsSpace = view.has('%') && text.indexOf(' ') < 0;
  let current = text;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const next = round === 0 ? firstRound(view, plusIsSpace) : decodeJsEscapes(decodeEntities(percentDecode(current, false)));
    if (next === current) break;
    current = next;
  }
  if (current === text ? view.has('\0') : current.indexOf('\0') >= 0) current = current.split('\0').join('');
  if (current === text) return view.ascii ? view : new TextView(text.normalize('NFKC'));
  if (isAscii(current)) return new TextView(current, true);
  return new TextView(current.normalize('NFKC'));
}

/** The texts a detector should look at: the input as given and, when different, its decoded form. */
export function views(text: string): readonly TextView[] {
  const view = new TextView(text);
  const decoded = decodeView(view);
  return decoded === view || decoded.text === text ? [view] : [view, decoded];
}
