/**
 * HTML character references: numeric (`&#60;`, `&#x3c`, leading zeros, semicolon optional) and the
 * named ones that matter for markup and URL tricks. Browsers accept many names without `;` in text;
 * decoding them all that way here only ever reveals more, which is what a detector wants.
 */

const NAMED: ReadonlyMap<string, string> = new Map([
  ['lt', '<'], ['gt', '>'], ['amp', '&'], ['quot', '"'], ['apos', "'"], ['nbsp', '\u00a0'],
  ['tab', '\t'], ['newline', '\n'], ['colon', ':'], ['sol', '/'], ['bsol', '\\'], ['lpar', '('], ['rpar', ')'],
  ['lsqb', '['], ['rsqb', ']'], ['lbrack', '['], ['rbrack', ']'], ['lcub', '{'], ['rcub', '}'], ['lbrace', '{'],
  ['rbrace', '}'], ['semi', ';'], ['comma', ','], ['period', '.'], ['excl', '!'], ['quest', '?'], ['num', '#'],
  ['dollar', '$'], ['percnt', '%'], ['plus', '+'], ['equals', '='], ['ast', '*'], ['midast', '*'], ['commat', '@'],
  ['grave', '`'], ['hat', '^'], ['lowbar', '_'], ['verbar', '|'], ['vert', '|'], ['verticalline', '|'],
  ['lsquo', '\u2018'], ['rsquo', '\u2019'], ['ldquo', '\u201c'], ['rdquo', '\u201d'], ['dash', '\u2010'], ['shy', '\u00ad'],
]);

// Browsers map these C1 code points in numeric references to Windows-1252 characters.
const WINDOWS_1252: Readonly<Record<number, number>> = { 0x80: 0x20ac, 0x82: 0x201a, 0x8b: 0x2039, 0x91: 0x2018, 0x92: 0x2019, 0x93: 0x201c, 0x94: 0x201d, 0x9b: 0x203a };

const MAX_NAME = 14;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isAlphanumeric(code: number): boolean {
  const lower = code | 0x20;
  return isDigit(code) || (lower >= 97 && lower <= 122);
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

function fromCodePoint(value: number): string {
  if (value === 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(WINDOWS_1252[value] ?? value);
}

/** Decodes character references once. Unknown names and malformed references stay as written. */
export function decodeEntities(text: string): string {
  let amp = text.indexOf('&');
  if (amp < 0) return text;
  let out = '';
  let last = 0;
  while (amp >= 0) {
    let end = amp + 1;
    let decoded: string | undefined;
    if (text.charCodeAt(end) === 35 /* # */) {
      end++;
      const hex = (text.charCodeAt(end) | 0x20) === 120; /* x */
      if (hex) end++;
      const start = end;
      let value = 0;
      for (; end < text.length; end++) {
        const code = text.charCodeAt(end);
        const digit = hex ? hexValue(code) : isDigit(code) ? code - 48 : -1;
        if (digit < 0) break;
        value = Math.min(value * (hex ? 16 : 10) + digit, 0x110000);
      }
      if (end > start) decoded = fromCodePoint(value);
    } else {
      while (end < text.length && end - amp <= MAX_NAME && isAlphanumeric(text.charCodeAt(end))) end++;
      // Longest known prefix wins (`&ltscript` is `<script` in text content).
      for (let stop = end; stop > amp + 1 && decoded === undefined; stop--) {
        decoded = NAMED.get(text.slice(amp + 1, stop).toLowerCase());
        if (decoded !== undefined) end = stop;
      }
    }
    if (decoded !== undefined) {
      if (text.charCodeAt(end) === 59 /* ; */) end++;
      out += text.slice(last, amp) + decoded;
      last = end;
    }
    amp = text.indexOf('&', Math.max(end, amp + 1));
  }
  return last === 0 ? text : out + text.slice(last);
}
