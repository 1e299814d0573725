/**
 * NoSQL (MongoDB) operator injection: a query operator where the application expected a plain
 * value. In parsed input, an object key that is an operator (`{"$ne": null}`, or `user[$ne]=x`
 * after a qs-style parser); in text, the same operators in bracket or object syntax (`[$ne]`,
 * `{"$gt": ""}`, `$where: '1 == 1'`), and server-side JavaScript probes (`this.password.match(`,
 * `'; return true`, `|| 1==1`). `$` followed by an unknown word (`$existsor`, `$5`) passes at
 * `standard`; `strict` flags every `$`-prefixed key.
 */

import { CharClass, isSpace, TextView } from './scan.js';
import type { SecurityLevel } from './types.js';

export interface NosqlMatch {
  rule: string;
  index: number;
}

/** MongoDB query, update and aggregation operators (names without the `$`). */
const OPERATORS = new Set(
  `ne eq gt gte lt lte in nin and or nor not exists type mod regex options where expr jsonschema text search all elemmatch size
  slice function accumulator comment bitsallset bitsanyset bitsallclear bitsanyclear geowithin geointersects near nearsphere box
  center centersphere geometry maxdistance mindistance polygon lookup merge out set unset inc push pull addtoset rename
  currentdate setoninsert min max mul pop pullall each position sort match group project unwind limit skip sample facet
  replaceroot replacewith addfields graphlookup unionwith redact natural isolated atomic`.split(/\s+/),
);

/** Whether an object key is a MongoDB operator (at `strict`: any `$`-prefixed key). */
export function isOperatorKey(key: string, level: SecurityLevel): boolean {
  if (key.charCodeAt(0) !== 36 /* $ */) return false;
  if (level === 'strict') return true;
  return OPERATORS.has(key.slice(1).toLowerCase());
}

// `[$ne]`, `{"$gt":`, `{ $ne: 1 }`, `$where: '...'`, `"$regex" :`.
const OPERATOR_TEXT = /\[\s*["']?\$([A-Za-z]+)["']?\s*\]|\$([A-Za-z]+)["']?\s*:/g;
const BEFORE_RETURN = new CharClass(';\'"', /[;'"]/g);
const SLEEP = /;\s*sleep\s*\(\s*\d/y;
const METHODS = ['match', 'test', 'search', 'indexOf', 'startsWith'];

/** A `(` right after one of the methods `this.x.method(` calls (they end in `h`, `t` or `f`). */
function methodCall(text: string, parens: readonly number[]): boolean {
  for (const at of parens) {
    const last = text.charCodeAt(at - 1);
    if (last !== 104 && last !== 116 && last !== 102) continue;
    for (const name of METHODS) if (text.startsWith(name, at - name.length)) return true;
  }
  return false;
}

function isWordChar(code: number): boolean {
  const lower = code | 0x20;
  return (lower >= 97 && lower <= 122) || (code >= 48 && code <= 57) || code === 95;
}

/** A `(` after `.name` and optional white space, as in `db.users.find (`. */
function memberCall(text: string, parens: readonly number[]): boolean {
  for (const at of parens) {
    let i = at;
    while (i > 0 && isSpace(text.charCodeAt(i - 1))) i--;
    const end = i;
    while (i > 0 && isWordChar(text.charCodeAt(i - 1))) i--;
    if (i < end && text.charCodeAt(i - 1) === 46 /* . */) return true;
  }
  return false;
}

const search = (pattern: RegExp) => (text: string): number => text.search(pattern);

/** `text.search(/;\s*sleep\s*\(\s*\d/)`, the pattern tried only at a `;` that `sleep` follows. */
function sleepAt(text: string): number {
  for (let at = text.indexOf(';'); at >= 0; at = text.indexOf(';', at + 1)) {
    let i = at + 1;
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (!text.startsWith('sleep', i)) continue;
    SLEEP.lastIndex = at;
    if (SLEEP.test(text)) return at;
  }
  return -1;
}

/**
 * Server-side JavaScript probes, each behind a cheap test that must pass first: something the
 * pattern cannot match without (characters found with native scans, then a literal it contains).
 */
const SERVER_SIDE_JS: readonly { gate: (text: string, view: TextView) => boolean; find: (text: string) => number }[] = [
  { gate: (t, v) => (v.has('=') || methodCall(t, v.parens)) && t.includes('this.'), find: search(/this\.\w+(?:\.(?:match|test|search|indexOf|startsWith)\(|\s*[=!]=)/) },
  { gate: (t, v) => memberCall(t, v.parens) && t.includes('db.'), find: search(/\bdb\.\w+\.\w+\s*\(/) },
  // `urn` first: its rarer first letter makes it the cheaper scan.
  { gate: (t, v) => t.includes('urn') && BEFORE_RETURN.inView(v) && t.includes('return'), find: search(/[;'"]\s*return\s*(?:true|false|1|0|['"]|\()/) },
  { gate: (t, v) => v.has('=') && t.includes('=='), find: search(/(?:\|\||&&)[\s'"\w]{0,30}==/) },
  { gate: (_, v) => v.has(';'), find: sleepAt },
  { gate: (t) => t.includes('Date()'), find: search(/\bnew\s+Date\(\)[\s;]*(?:do|while)\b/) },
  // Each of these needs `;` and `=`; `=` is the rarer one in prose.
  { gate: (t, v) => v.has('=') && t.includes('var '), find: search(/['"]\s*;\s*var\s+\w+\s*=/) },
  { gate: (t, v) => v.has('=') && t.includes('let '), find: search(/['"]\s*;\s*let\s+\w+\s*=/) },
  { gate: (t, v) => v.has('=') && t.includes('const '), find: search(/['"]\s*;\s*const\s+\w+\s*=/) },
];

// Operators need `$`; every server-side JS probe needs one of these too.
const NOSQL_GATE = new CharClass('$=;(.', /[$=;(.]/g);

/** Looks for operator injection or server-side JavaScript in one (already decoded) text. */
export function findNosql(text: string, level: SecurityLevel, view = new TextView(text)): NosqlMatch | undefined {
  if (!NOSQL_GATE.inView(view)) return undefined;
  if (view.has('$')) {
    OPERATOR_TEXT.lastIndex = 0;
    for (let match = OPERATOR_TEXT.exec(text); match; match = OPERATOR_TEXT.exec(text)) {
      const name = (match[1] ?? match[2] ?? '').toLowerCase();
      if (OPERATORS.has(name) || level === 'strict') return { rule: 'operator', index: match.index };
    }
  }
  if (level === 'permissive') return undefined;
  for (const { gate, find } of SERVER_SIDE_JS) {
    if (!gate(text, view)) continue;
    const js = find(text);
    if (js >= 0) return { rule: 'server-side-js', index: js };
  }
  return undefined;
}
