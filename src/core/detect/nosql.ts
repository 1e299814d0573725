/**
 * NoSQL (MongoDB) operator injection: a query operator where the application expected a plain
 * value. In parsed input, an object key that is an operator (`{"$ne": null}`, or `user[$ne]=x`
 * after a qs-style parser); in text, the same operators in bracket or object syntax (`[$ne]`,
 * `{"$gt": ""}`, `$where: '1 == 1'`), and server-side JavaScript probes (`this.password.match(`,
 * `'; return true`, `|| 1==1`). `$` followed by an unknown word (`$existsor`, `$5`) passes at
 * `standard`; `strict` flags every `$`-prefixed key.
 */

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
/** Server-side JavaScript probes, each behind a literal that must appear first. */
const SERVER_SIDE_JS: readonly [string, RegExp][] = [
  ['this.', /this\.\w+(?:\.(?:match|test|search|indexOf|startsWith)\(|\s*[=!]=)/],
  ['db.', /\bdb\.\w+\.\w+\s*\(/],
  ['return', /[;'"]\s*return\s*(?:true|false|1|0|['"]|\()/],
  ['==', /(?:\|\||&&)[\s'"\w]{0,30}==/],
  ['sleep', /;\s*sleep\s*\(\s*\d/],
  ['Date', /\bnew\s+Date\(\)[\s;]*(?:do|while)\b/],
  ['var ', /['"]\s*;\s*var\s+\w+\s*=/],
  ['let ', /['"]\s*;\s*let\s+\w+\s*=/],
  ['const ', /['"]\s*;\s*const\s+\w+\s*=/],
];

// Operators need `$`; every server-side JS probe needs one of these too.
const NOSQL_GATE = /[$.;=(]/;

/** Looks for operator injection or server-side JavaScript in one (already decoded) text. */
export function findNosql(text: string, level: SecurityLevel): NosqlMatch | undefined {
  if (!NOSQL_GATE.test(text)) return undefined;
  if (text.indexOf('$') >= 0) {
    OPERATOR_TEXT.lastIndex = 0;
    for (let match = OPERATOR_TEXT.exec(text); match; match = OPERATOR_TEXT.exec(text)) {
      const name = (match[1] ?? match[2] ?? '').toLowerCase();
      if (OPERATORS.has(name) || level === 'strict') return { rule: 'operator', index: match.index };
    }
  }
  if (level === 'permissive') return undefined;
  for (const [literal, pattern] of SERVER_SIDE_JS) {
    if (!text.includes(literal)) continue;
    const js = text.search(pattern);
    if (js >= 0) return { rule: 'server-side-js', index: js };
  }
  return undefined;
}
