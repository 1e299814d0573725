/**
 * Path traversal and local file inclusion, on a normalized path: back slashes read as slashes,
 * `0x2e`-style and look-alike dots and slashes folded (percent, overlong UTF-8 and `%u` forms are
 * already undone by `decode.ts`). Flags `../` (and `..\`, `.../`, `..;/`) segments, well-known
 * system files (`/etc/passwd`, `win.ini`, `/proc/self/environ`), stream wrappers (`php://filter`)
 * and NUL-terminated paths. At `strict`, any absolute path or `..` segment.
 */

import { CharClass, type CharCursor, isSpace, TextView } from './scan.js';
import type { SecurityLevel } from './types.js';

export interface PathMatch {
  rule: string;
  index: number;
}

/** Dots and slashes in other clothes: `0x2e`, `%2e` left by a decoder that gave up, Unicode look-alikes. */
function normalizePath(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (!/[\\%\u0000\u0080-\uffff]/.test(text) && !/0x/i.test(text)) return text;
  return text
    .replace(/0x2e/gi, '.')
    .replace(/0x2f|0x5c/gi, '/')
    .replace(/%2e/gi, '.')
    .replace(/%2f|%5c/gi, '/')
    .replace(/[\u2024\u2025\ufe52\uff0e\u3002]/g, '.')
    .replace(/[\\\u2215\u2216\u2044\u29f5\u29f8\u29f9\ufe68\uff0f\uff3c\u00a5\u20a9\ue000-\uf8ff]/g, '/')
    // Left over after decoding: a `%` that starts no escape, NUL, stray lead bytes.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/%(?![0-9a-f]{2})|[\u0000\u00c0-\u00c1\ufffd]/gi, '');
}

/** Where `..` counts as a path segment: the start, a separator, or a delimiter before a path value. */
const SEGMENT_START = "/=:'\"(?& \t\n\r";

/**
 * `../` (and `.../`, `..;/`, `..?/`), `..;` (Tomcat), and `..x..x..` runs where a decoder left junk
 * between the dots: the index of the first, or -1. Read with indexOf, not a pattern, so that runs
 * of dots cost linear time.
 */
function traversalAt(path: string): number {
  let run = 0;
  let lastEnd = -100;
  for (let at = path.indexOf('..'); at >= 0; at = path.indexOf('..', at)) {
    let end = at + 2;
    while (path.charCodeAt(end) === 46) end++;
    const next = path.charAt(end);
    const before = at === 0 ? '' : path.charAt(at - 1);
    if (next === ';') return at;
    const slash = next === '/' || (next === '?' && path.charAt(end + 1) === '/');
    if (slash && (before === '' || SEGMENT_START.includes(before))) return at;
    run = at - lastEnd <= 12 ? run + 1 : 1;
    if (run >= 3) return at;
    lastEnd = end;
    at = end;
  }
  return -1;
}

/** Well-known system files: names that are enough by themselves, and short patterns (lower-case input). */
const SENSITIVE_NAMES = ['boot.ini', 'win.ini', 'system.ini', '.htaccess', '.htpasswd', 'authorized_keys', 'id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', '.bash_history', '.ssh/', '.git/config', 'php.ini', 'my.cnf', 'httpd.conf', 'autoexec.bat', 'config.sys', 'web-inf/web.xml', 'inetpub/wwwroot', 'winnt/system32'];
const SENSITIVE_FILE: readonly RegExp[] = [
  /etc\S{0,8}(?:passwd|shadow)/,
  /etc\/{1,3}(?:group|hosts|issue|motd|crontab|sudoers|fstab|resolv\.conf|security)/,
  /proc\/{1,3}(?:self|\d+)\/{1,3}(?:environ|cmdline|stat|fd|maps|mem|root|cwd|exe)/,
  /windows\/{1,3}(?:system32|win\.ini|repair|panther)/,
  /var\/{1,3}(?:log\/{1,3}[a-z]|mail|spool|run)/,
  /usr\/{1,3}local\/{1,3}(?:apache|etc|lib)|apache2?\/{1,3}(?:logs|conf)/,
];

function sensitiveFileAt(path: string): number {
  for (const name of SENSITIVE_NAMES) {
    const at = path.indexOf(name);
    if (at >= 0) return at;
  }
  return searchAll(path, SENSITIVE_FILE);
}

// System directories and the backups and logs that servers leave readable.
const SYSTEM_DIRECTORY: readonly RegExp[] = [
  /(?:^|[\s=:'"(>,;|&])\/(?:etc|proc|sys|root|dev|boot|var|usr|bin|sbin|tmp|lib|lib64|opt|srv|private)\//,
  /(?:^|\/)(?:proc|sys)\/[a-z]/,
];
const LEFTOVER_FILE: readonly RegExp[] = [
  /\.(?:sql|sqlite3?|db|mdb|bak|old|orig|swp|dump)(?:\.(?:zip|gz|tgz|tar|7z|rar|bz2|xz))?$/,
  /(?:^|\/)(?:debug|errors?|access|php_errors?)\.log$/,
];
const WRAPPER: readonly RegExp[] = [/(?:^|[^a-z0-9])(?:php|file|zip|phar|expect|glob|jar|netdoc|ogg|rar):\/\//, /(?:compress\.zlib|compress\.bzip2|ssh2\.[a-z]+):\/\//];
const ABSOLUTE: readonly RegExp[] = [/(?:^|[\s=:'"(])\/[\w.-]+\//, /(?:^|[\s=:'"(])[a-z]:[/\\]/i, /(?:^|[\s=:'"(])\\\\[\w.-]+\\/, /(?:^|[\s=:'"(])~\//];

/** A hidden file or directory in a path (`/.env`, `.ssh/`, `/.claude/x.json`), not `.well-known`. */
function hiddenFileAt(path: string): number {
  for (let dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1)) {
    if (dot > 0 && path.charAt(dot - 1) !== '/') continue;
    const name = /^[\w-]+/.exec(path.slice(dot + 1, dot + 65))?.[0];
    if (!name || name === 'well-known') continue;
    const after = path.charAt(dot + 1 + name.length);
    if (after === '/' || after === '' || (dot > 0 && after === '.')) return dot;
  }
  return -1;
}

function searchAll(path: string, patterns: readonly RegExp[]): number {
  for (const pattern of patterns) {
    const at = path.search(pattern);
    if (at >= 0) return at;
  }
  return -1;
}

/** One `../` starting a word inside prose ("see ../docs"), with no other `..` anywhere. */
function loneRelativeLink(path: string): boolean {
  const at = path.indexOf('../');
  if (at <= 0 || path.indexOf('..', at + 2) >= 0 || path.slice(0, at).trim().replace(/['"(]/g, '') === '') return false;
  return /[\s(]/.test(path.charAt(at - 1));
}

// Characters every rule needs one of (besides non-ASCII look-alikes and the famous file names).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const PATH_GATE = /[./\\%~\u0000\u0080-\uffff]/;
// The same in a long text: native scans for the ASCII ones, then the ASCII check.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const PATH_CHARS = new CharClass('./\\%~\u0000', /[./\\%~\u0000]/g);
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const SLASHES = new CharClass('/\\%\u0000', /[/\\%\u0000]/g);
const NON_ASCII = /[\u0080-\uffff]/g;

/**
 * Each file rule with a cheap literal test that must pass first (both on lower-case input), and a
 * character that test needs (`char`), looked for first with a native scan.
 */
const FILE_RULES: readonly { char?: string; gate: RegExp; find: (path: string) => number; rule: string }[] = [
  { gate: /passwd|shadow|\.ini|etc\/|proc\/|system32|wwwroot|web-inf|\.ht|\.ssh|id_|keys|var\/|usr\/|apache|\.cnf|httpd|\.bash|\.git|autoexec|config\.sys/, find: sensitiveFileAt, rule: 'system-file' },
  { char: '/', gate: /\/(?:etc|proc|sys|root|dev|boot|var|usr|bin|sbin|tmp|lib|opt|srv|private)/, find: (p) => searchAll(p, SYSTEM_DIRECTORY), rule: 'system-directory' },
  { char: '.', gate: /(?:^|\/)\./, find: hiddenFileAt, rule: 'hidden-file' },
  { char: '.', gate: /\.(?:sql|sqlite3?|db|mdb|bak|old|orig|swp|dump|log)/, find: (p) => searchAll(p, LEFTOVER_FILE), rule: 'backup-file' },
  { char: ':', gate: /:\/\//, find: (p) => searchAll(p, WRAPPER), rule: 'stream-wrapper' },
];

/**
 * What every file rule needs: a letter (each names a file, a directory or a scheme), but the hidden
 * file, whose name may be digits (`/.1`), and which needs a dot first or after a slash. Dates and
 * fractions ("3/15", "1/2") have none of it.
 */
const MAY_NAME_FILE = /[a-z]|^\.|\/\./i;

/** The earlier of two positions, -1 meaning none. */
function earliest(a: number, b: number): number {
  return a < 0 ? b : b < 0 || a < b ? a : b;
}

/**
 * Where the next piece worth a look starts, at or after `from`: the first match of
 * `/[/\\%\u0000\u0080-\uffff]|\.\.|0x|\s\./`, found from native scans for `/`, `\`, `%`, NUL, `0x`,
 * `.` (for `..` and a dot after white space) and, in a text that is not all ASCII, the rest.
 */
class Interesting {
  private readonly text: string;
  private readonly chars: CharCursor;
  private readonly dots: readonly number[];
  /** Index in `dots` of the next dot to look at. */
  private dot = 0;
  private hex: number;
  private nonAscii: number;

  constructor(view: TextView) {
    const text = (this.text = view.text);
    this.chars = SLASHES.cursor(text, view);
    this.dots = view.dots;
    this.hex = text.indexOf('0x');
    this.nonAscii = view.ascii ? -1 : this.nextNonAscii(0);
  }

  private nextNonAscii(from: number): number {
    NON_ASCII.lastIndex = from;
    return NON_ASCII.exec(this.text)?.index ?? -1;
  }

  /** Where `..` or a dot after white space starts, at or after `from` (the first dot, or the space before it). */
  private nextDot(from: number): number {
    const { text, dots } = this;
    while (this.dot < dots.length && dots[this.dot]! < from) this.dot++;
    for (; this.dot < dots.length; this.dot++) {
      const at = dots[this.dot]!;
      if (at - 1 >= from && isSpace(text.charCodeAt(at - 1))) return at - 1;
      if (text.charCodeAt(at + 1) === 46) return at;
    }
    return -1;
  }

  find(from: number): number {
    if (this.nonAscii >= 0 && this.nonAscii < from) this.nonAscii = this.nextNonAscii(from);
    if (this.hex >= 0 && this.hex < from) this.hex = this.text.indexOf('0x', from);
    return earliest(earliest(earliest(this.chars.find(from), this.nonAscii), this.hex), this.nextDot(from));
  }
}

/** Whitespace-separated pieces of `text` that could hold a path, with their offsets (long texts only). */
function candidates(view: TextView): [number, string][] {
  const { text } = view;
  if (text.length <= 256 || /passwd|shadow|\.ini/i.test(text)) return [[0, text]];
  const out: [number, string][] = [];
  let from = 0;
  if (text.charCodeAt(0) === 46) {
    // A leading dot (`.env`, `../x`): the first piece is a candidate in any case.
    const end = text.search(/\s/);
    out.push([0, text.slice(0, end < 0 ? text.length : end)]);
    from = end < 0 ? text.length : end;
  }
  const interesting = new Interesting(view);
  for (let hit = interesting.find(from); hit >= 0; hit = interesting.find(from)) {
    let start = hit;
    while (start > 0 && text.charCodeAt(start - 1) > 32) start--;
    let end = hit + 1;
    while (end < text.length && text.charCodeAt(end) > 32) end++;
    out.push([start, text.slice(start, end)]);
    from = end;
  }
  return out;
}

/** Looks for path traversal or file inclusion in one (already decoded) text. */
export function findPath(text: string, level: SecurityLevel, view = new TextView(text)): PathMatch | undefined {
  // Every rule needs a dot, a slash, an escape, a look-alike, or one of the famous file names.
  if (!(text.length < 64 ? PATH_GATE.test(text) : PATH_CHARS.inView(view) || !view.ascii) && !/passwd|shadow|0x/i.test(text)) return undefined;
  // No look-alike dots or slashes anywhere: none of the pieces of a long text needs normalizing.
  let plain: boolean | undefined;
  for (const [offset, piece] of candidates(view)) {
    plain ??= text.length > 256 && view.ascii && !view.has('\\') && !view.has('%') && !view.has('\u0000') && text.indexOf('0x') < 0 && text.indexOf('0X') < 0;
    const match = findInPiece(piece, text, level, plain);
    if (match) return { rule: match.rule, index: offset + match.index };
  }
  // Both leftover patterns end in an extension of at most 7 letters: no dot among the last 8 characters, no match.
  if (text.length > 256 && text.indexOf('.', text.length - 8) >= 0) {
    const leftover = searchAll(text.slice(-128).toLowerCase(), LEFTOVER_FILE);
    if (leftover >= 0) return { rule: 'backup-file', index: Math.max(0, text.length - 128) + leftover };
  }
  return undefined;
}

function findInPiece(piece: string, text: string, level: SecurityLevel, plain: boolean): PathMatch | undefined {
  const path = plain ? piece : normalizePath(piece);
  const at = (index: number): number => Math.min(index, piece.length);
  const traversal = path.includes('..') ? traversalAt(path) : -1;
  if (traversal >= 0 && (level === 'strict' || path !== piece || !loneRelativeLink(plain ? text : normalizePath(text)))) {
    // A lone `../` in plain text ("see ../docs") is a relative link; several, encoded ones, a leading
    // one (the whole value is a path) or one that reaches a system file are traversal.
    return { rule: 'traversal', index: at(traversal) };
  }
  if (!plain || MAY_NAME_FILE.test(path)) {
    const lower = path.toLowerCase();
    for (const { char, gate, find, rule } of FILE_RULES) {
      if ((char !== undefined && lower.indexOf(char) < 0) || !gate.test(lower)) continue;
      const found = find(lower);
      if (found >= 0) return { rule, index: at(found) };
    }
  }
  if (!plain && piece.includes('\u0000') && /[/.]/.test(piece)) return { rule: 'nul-byte', index: piece.indexOf('\u0000') };
  if (level === 'strict') {
    const absolute = searchAll(path, ABSOLUTE);
    if (absolute >= 0) return { rule: 'absolute-path', index: at(absolute) };
    if (/(?:^|\/)\.\.$/.test(path)) return { rule: 'traversal', index: 0 };
  }
  return undefined;
}
