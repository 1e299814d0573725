/**
 * Script without markup: what an injection into a JavaScript context, an event handler or a
 * `javascript:` URL looks like. A small JS tokenizer feeds a few structural checks: a call to a
 * dialog or code-evaluation sink whose arguments read as JavaScript (`alert(1)`, `alert\`1\``, not
 * "an alert (the red one)"), a sink passed as a value (`[1].find(alert)`, `onerror=alert`), sensitive
 * DOM properties (`document.cookie`), a global indexed by a string and called (`self['alert'](1)`),
 * and the `constructor.constructor` escape of template sandboxes.
 */

import { CharClass, MarkCursor, NO_INDEXES, TextView } from '../scan.js';

interface JsToken {
  type: 'word' | 'number' | 'string' | 'template' | 'punct';
  value: string;
  start: number;
}

// Enough for a call and its arguments; a longer argument list counts as unclosed (the page may close it).
const MAX_TOKENS = 24;

function isWordChar(code: number): boolean {
  const lower = code | 0x20;
  return (lower >= 97 && lower <= 122) || (code >= 48 && code <= 57) || code === 95 || code === 36 || code > 0x7f;
}

/** JS tokens of `text` from `from` up to `to` (a window around a trigger word). */
function tokenizeJs(text: string, from: number, to: number): JsToken[] {
  const tokens: JsToken[] = [];
  let i = from;
  while (i < to && tokens.length < MAX_TOKENS) {
    const code = text.charCodeAt(i);
    if (code <= 32) {
      i++;
      continue;
    }
    const start = i;
    if (code === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
      continue;
    }
    if (code === 47 && text.charCodeAt(i + 1) === 47) {
      const newline = text.indexOf('\n', i);
      i = newline < 0 ? text.length : newline + 1;
      continue;
    }
    if (code === 34 || code === 39 || code === 96) {
      const quote = text.charAt(i);
      let at = i + 1;
      while (at < text.length && text.charAt(at) !== quote) at += text.charCodeAt(at) === 92 ? 2 : 1;
      tokens.push({ type: code === 96 ? 'template' : 'string', value: text.slice(i + 1, Math.min(at, text.length)), start });
      i = at + 1;
      continue;
    }
    if (isWordChar(code)) {
      let at = i + 1;
      while (at < text.length && isWordChar(text.charCodeAt(at))) at++;
      tokens.push({ type: code >= 48 && code <= 57 ? 'number' : 'word', value: text.slice(i, at), start });
      i = at;
      continue;
    }
    tokens.push({ type: 'punct', value: text.charAt(i), start });
    i++;
  }
  return tokens;
}

/** Functions that show a dialog or run a string as code: the payloads of choice for proving XSS. */
const CALL_SINKS = new Set(['alert', 'prompt', 'confirm', 'eval', 'execscript', 'settimeout', 'setinterval', 'function', 'fromcharcode', 'atob', 'importscripts', 'print', 'msetimmediate', 'setimmediate']);
/** Sinks that show up passed as values: `[1].find(alert)`, `onerror=alert`. */
const VALUE_SINKS = new Set(['alert', 'prompt', 'confirm', 'eval']);
const GLOBALS = new Set(['self', 'top', 'window', 'frames', 'parent', 'this', 'globalthis', 'content', 'opener']);
/** Member chains that read or steer what a page is: `document.cookie`, `location.href = ...`. */
const SENSITIVE_MEMBERS = new Set(['document.cookie', 'document.domain', 'document.write', 'document.writeln', 'document.location', 'window.location', 'location.href', 'location.hash', 'location.replace', 'location.assign', 'constructor.constructor', 'string.fromcharcode', 'window.name', 'document.body', 'document.documentelement', 'localstorage.getitem']);
const SENSITIVE_PROPERTIES = new Set(['innerhtml', 'outerhtml', 'insertadjacenthtml', 'srcdoc', 'cookie']);

export interface JsMatch {
  rule: string;
  index: number;
}

/** Whether the tokens between `open` and its matching `)` read as JavaScript arguments. */
function argumentsLookLikeJs(tokens: readonly JsToken[], open: number): boolean {
  let depth = 0;
  let previousWasValue = false;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'punct') {
      if (t.value === '(' || t.value === '[' || t.value === '{') depth++;
      else if (t.value === ')' || t.value === ']' || t.value === '}') {
        depth--;
        if (depth === 0) return true;
      }
      previousWasValue = t.value === ')' || t.value === ']';
      continue;
    }
    // Two values in a row ("the red one") is prose, not an argument list.
    if (previousWasValue && depth === 1) return false;
    previousWasValue = true;
  }
  // Unclosed at the end of the input: the page around it may close it.
  return true;
}

// Punctuation that every pattern below needs next to its word: a call's `(` or back quote, `[`,
// `=`, a member `.`. Finding these with native scans and looking at the words beside them costs far
// less than searching for thirty words. In a long text `(` and `.` come from the view's lists, the
// others from scans; in a short one the class pattern finds them all.
const SYNTAX = new CharClass('(`[=.', /[(`[=.]/g);
const SYNTAX_REST = new CharClass('`[=', /[`[=]/g);
const SHORT = 64;
const TRIGGER_WORDS: ReadonlySet<string> = new Set([...CALL_SINKS, ...GLOBALS, ...[...SENSITIVE_MEMBERS].map((m) => m.slice(0, m.indexOf('.'))), ...SENSITIVE_PROPERTIES]);
// For each length, the first and the second letters of the trigger words that long, one bit per letter.
const TRIGGER_STARTS: number[] = [];
const TRIGGER_SECONDS: number[] = [];
for (const word of TRIGGER_WORDS) {
  TRIGGER_STARTS[word.length] = (TRIGGER_STARTS[word.length] ?? 0) | (1 << (word.charCodeAt(0) - 97));
  TRIGGER_SECONDS[word.length] = (TRIGGER_SECONDS[word.length] ?? 0) | (1 << (word.charCodeAt(1) - 97));
}
const WINDOW = 400;

/** Start of the word that ends right before `at` (spaces skipped), or -1. */
function wordBefore(text: string, at: number): number {
  let end = at;
  while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
  let start = end;
  while (start > 0 && isWordChar(text.charCodeAt(start - 1))) start--;
  return start < end ? start : -1;
}

/** Start of the word that begins right after `at` (spaces skipped), or -1. */
function wordAfter(text: string, at: number): number {
  let start = at + 1;
  while (start < text.length && text.charCodeAt(start) === 32) start++;
  return start < text.length && isWordChar(text.charCodeAt(start)) ? start : -1;
}

/** Whether bit `letter` (an ASCII letter's code, any case) is set in `bits`; false for anything but a letter. */
function letterIn(bits: number | undefined, code: number): boolean {
  const letter = (code | 0x20) - 97;
  return letter >= 0 && letter <= 25 && ((bits ?? 0) & (1 << letter)) !== 0;
}

/**
 * Whether the word at `start` is a trigger word. An ASCII word is lower-cased and looked up only
 * when some trigger word has its length, first letter and second letter (lower-casing an ASCII word
 * keeps all three; every trigger word is letters only).
 */
function isTriggerAt(text: string, start: number): boolean {
  let end = start;
  let ascii = true;
  for (; end < text.length && isWordChar(text.charCodeAt(end)); end++) if (text.charCodeAt(end) > 0x7f) ascii = false;
  if (ascii && !(letterIn(TRIGGER_STARTS[end - start], text.charCodeAt(start)) && letterIn(TRIGGER_SECONDS[end - start], text.charCodeAt(start + 1)))) return false;
  return TRIGGER_WORDS.has(text.slice(start, end).toLowerCase());
}

/** The token before `at`, read backwards: a punctuation character, or a whole word. */
function previousToken(text: string, at: number): JsToken | undefined {
  let end = at;
  while (end > 0 && text.charCodeAt(end - 1) <= 32) end--;
  if (end === 0) return undefined;
  if (!isWordChar(text.charCodeAt(end - 1))) return { type: 'punct', value: text.charAt(end - 1), start: end - 1 };
  let start = end - 1;
  while (start > 0 && isWordChar(text.charCodeAt(start - 1))) start--;
  return { type: 'word', value: text.slice(start, end), start };
}

/** The dots of member accesses: "week. The" has letters on one side only, `a.b` on both. */
function memberDots(text: string, dots: readonly number[]): readonly number[] {
  let out: number[] | undefined;
  for (const at of dots) if (isWordChar(text.charCodeAt(at + 1)) && isWordChar(text.charCodeAt(at - 1))) (out ??= []).push(at);
  return out ?? NO_INDEXES;
}

/** Looks for script-context injection in `text` (`view` is its view). */
export function findScript(text: string, view = new TextView(text)): JsMatch | undefined {
  let seen: Set<number> | undefined;
  // Words are found in the lower-cased text when it lines up with the text: the same words, in a
  // string that is always flat (reading a sliced one character by character costs more).
  const scan = view.lower.length === text.length ? view.lower : text;
  const marks = text.length < SHORT ? SYNTAX.cursor(text) : new MarkCursor(view.parens, memberDots(scan, view.dots), SYNTAX_REST.cursor(text, view));
  for (let at = marks.find(0); at >= 0; at = marks.find(at + 1)) {
    const mark = scan.charCodeAt(at);
    if (mark === 46 /* . */ && !(isWordChar(scan.charCodeAt(at + 1)) && isWordChar(scan.charCodeAt(at - 1)))) continue;
    const before = wordBefore(scan, at);
    const after = mark === 40 /* ( */ || mark === 61 /* = */ ? wordAfter(scan, at) : -1;
    for (let side = 0; side < 2; side++) {
      const start = side === 0 ? before : after;
      if (start < 0 || seen?.has(start) || !isTriggerAt(scan, start)) continue;
      (seen ??= new Set()).add(start);
      const rule = judge(tokenizeJs(text, start, Math.min(text.length, start + WINDOW)), previousToken(text, start));
      if (rule) return { rule, index: start };
    }
  }
  return undefined;
}

/** The rule that the trigger word at tokens[0] matches, given the token before it. */
function judge(tokens: readonly JsToken[], previous: JsToken | undefined): string | undefined {
  const t = tokens[0];
  if (!t || t.type !== 'word') return undefined;
  const lower = t.value.toLowerCase();
  const next = tokens[1];
  if (CALL_SINKS.has(lower)) {
    if (next?.type === 'template') return 'script-call';
    if (next?.value === '(' && argumentsLookLikeJs(tokens, 1) && (lower !== 'function' || tokens[2]?.type === 'string')) {
      // "print (page 3)": a word before a call in prose; a JS call follows an operator or starts the text.
      if (!previous || previous.type === 'punct' || previous.value.toLowerCase() === 'return' || previous.value.toLowerCase() === 'new') return 'script-call';
    }
  }
  if (VALUE_SINKS.has(lower) && previous?.type === 'punct' && (previous.value === '(' || previous.value === '=' || previous.value === ',') &&
    (!next || (next.type === 'punct' && (next.value === ')' || next.value === ',' || next.value === ';' || next.value === '>')))) {
    return 'script-sink';
  }
  if (GLOBALS.has(lower) && next?.value === '[' && tokens[2] && (tokens[2].type !== 'number' || tokens[3]?.value !== ']')) {
    // self['alert'](1), top[/al/.source+/ert/.source](1)
    return 'script-global';
  }
  if (next?.value === '.' && tokens[2]?.type === 'word' && SENSITIVE_MEMBERS.has(`${lower}.${tokens[2].value.toLowerCase()}`)) return 'script-dom';
  if (previous?.value === '.' && SENSITIVE_PROPERTIES.has(lower) && next?.value === '=') return 'script-dom';
  return undefined;
}
