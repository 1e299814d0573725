/** Whether a token starts a statement in earnest, for stacked queries and statement probes. */

import { STRONG_STATEMENTS as KEYWORD_STRONG_STATEMENTS, T as KEYWORD_T } from './keywords.js';
import type { Token, TokenStream } from './tokenizer.js';

// Local bindings: read once, not through the module's export on every token.
const STRONG_STATEMENTS = KEYWORD_STRONG_STATEMENTS;
const T = KEYWORD_T;

const NAME_TYPES = new Set<string>([T.bareword, T.variable, T.func]);

function someIn(tokens: TokenStream, from: number, to: number, test: (token: Token) => boolean): boolean {
  for (let i = from; i < to; i++) {
    const token = tokens.at(i);
    if (!token) return false;
    if (test(token)) return true;
  }
  return false;
}

/**
 * Whether tokens.at(at) starts a statement in earnest: `DROP TABLE x`, `EXEC xp_cmdshell 'dir'`,
 * `SELECT 1,2`, `DECLARE @q`, `SHUTDOWN`, `WAITFOR DELAY '0:0:5'`, and not "exec will create".
 */
export function statementShape(tokens: TokenStream, at: number): boolean {
  const t = tokens.at(at);
  const next = tokens.at(at + 1);
  if (!t || (t.type !== T.statement && t.type !== T.func && t.type !== T.keyword)) return false;
  if (t.value === 'if' || t.value === 'while') {
    // IF (...), IF EXISTS, IF 1=1 DROP ...
    if (!next) return false;
    if (next.type === T.open || next.value === 'exists' || next.value === 'not' || next.type === T.variable) return true;
    return someIn(tokens, at + 2, at + 5, (x) => x.type === T.operator && x.value !== '-' && x.value !== '+');
  }
  if (t.type !== T.statement && !(t.type === T.func && (t.value === 'do' || STRONG_STATEMENTS.has(t.value)))) return false;
  const end = !next || next.type === T.semicolon || next.type === T.comment;
  switch (t.value) {
    case 'select':
      return !!next && next.type !== T.semicolon && next.type !== T.close && next.type !== T.comment && next.type !== T.comma && next.value !== 'from';
    case 'shutdown':
      return end || next.value === 'with';
    case 'waitfor delay':
    case 'waitfor time':
      return !!next && (next.type === T.string || next.type === T.number || next.type === T.variable);
    case 'declare':
    case 'set':
      return !!next && (next.type === T.variable || (t.value === 'set' && next.type === T.bareword && tokens.at(at + 2)?.value === '='));
    case 'exec':
    case 'execute':
    case 'execute immediate': {
      if (!next) return false;
      if (next.type === T.open || next.type === T.string || next.type === T.variable) return true;
      if (!NAME_TYPES.has(next.type)) return false;
      const after = tokens.at(at + 2);
      return !after || after.type === T.semicolon || after.type === T.comment || after.type === T.string || after.type === T.number ||
        after.type === T.variable || after.type === T.open || after.type === T.comma;
    }
    case 'drop':
    case 'create':
    case 'alter':
      return !!next && ['table', 'database', 'schema', 'user', 'function', 'view', 'index', 'trigger', 'procedure', 'column', 'login', 'tables'].includes(next.value);
    case 'truncate':
      return !!next && (next.value === 'table' || next.type === T.bareword || next.type === T.open) && (!tokens.at(at + 2) || tokens.at(at + 2)!.type !== T.bareword);
    case 'insert':
    case 'replace':
      return !!next && (next.value === 'into' || next.type === T.func || (next.type === T.bareword && tokens.at(at + 2)?.type === T.open) || next.value === 'low_priority' || next.value === 'delayed' || next.value === 'ignore');
    case 'update':
      return !!next && (next.type === T.bareword || next.type === T.keyword) && tokens.at(at + 2)?.value === 'set';
    case 'delete':
      return !!next && (['from', 'low_priority', 'quick', 'ignore'].includes(next.value) || (next.type === T.bareword && tokens.at(at + 2)?.value === 'where'));
    case 'begin':
      return !!next && (STRONG_STATEMENTS.has(next.value) || next.value === 'tran' || next.value === 'transaction');
    case 'call':
      return next?.type === T.func;
    case 'load':
      return !!next && (next.value === 'data' || next.value === 'xml');
    case 'do':
      return !!next && (next.type === T.open || next.type === T.func);
    case 'grant':
    case 'revoke':
      return !!next && (next.value === 'all' || next.type === T.statement || next.type === T.bareword) && someIn(tokens, at + 2, at + 8, (x) => x.value === 'on' || x.value === 'to');
    default:
      return false;
  }
}
