/**
 * `scanQuery(url)`: the query string of a request target, parsed as a server would parse it
 * (`&`-separated, `+` as space, lenient percent-decoding), with every parameter name and value
 * inspected. Pure: the pipeline guard decides what a finding means (400, or report only).
 */

import { LimitExceededError } from '../errors.js';
import { percentDecode } from './decode.js';
import { childPath, Inspection } from './inspect.js';
import { normalizeInspectOptions, type NormalizedInspectOptions } from './levels.js';
import type { InspectOptions, InspectResult } from './types.js';

export interface QueryParameter {
  name: string;
  value: string;
}

/** The decoded parameters of a URL's query string (absolute, relative, or the query alone). */
export function parseQuery(url: string, maxParameters = Infinity, maxLength = Infinity): QueryParameter[] {
  const question = url.indexOf('?');
  const hash = url.indexOf('#', question < 0 ? 0 : question);
  const end = hash < 0 ? url.length : hash;
  const query = question < 0 ? (url.includes('=') && !url.includes('/') ? url.slice(0, end) : '') : url.slice(question + 1, end);
  return parseParameters(query, maxParameters, maxLength);
}

/** `name=value&...` as a server parses a query or an `application/x-www-form-urlencoded` body. */
export function parseParameters(query: string, maxParameters = Infinity, maxLength = Infinity): QueryParameter[] {
  const parameters: QueryParameter[] = [];
  if (query.length === 0) return parameters;
  for (let start = 0; start <= query.length; ) {
    let amp = query.indexOf('&', start);
    if (amp < 0) amp = query.length;
    if (amp > start) {
      if (parameters.length >= maxParameters) {
        throw new LimitExceededError(`more than ${maxParameters} parameters`, 'maxKeys');
      }
      const pair = query.slice(start, amp);
      const eq = pair.indexOf('=');
      const name = percentDecode(eq < 0 ? pair : pair.slice(0, eq), true);
      const value = eq < 0 ? '' : percentDecode(pair.slice(eq + 1), true);
      if (name.length > maxLength || value.length > maxLength) {
        throw new LimitExceededError(`a parameter longer than ${maxLength} characters`, 'maxStringLength');
      }
      parameters.push({ name, value });
    }
    start = amp + 1;
  }
  return parameters;
}

/** Inspects parameters already parsed; findings have paths like `$.q`. */
export function inspectParameters(parameters: readonly QueryParameter[], options: NormalizedInspectOptions): InspectResult {
  const inspection = new Inspection(options);
  if (options.kinds.size > 0) {
    for (const { name, value } of parameters) {
      const path = childPath('$', name);
      inspection.scanKey(name, path);
      inspection.scanString(value, path);
    }
  }
  return inspection.result();
}

/**
 * Inspects every query parameter name and value of `url`. Findings have paths like `$.q` (or
 * `$["user[$ne]"]`). Throws `LimitExceededError` past `limits.maxKeys` parameters or
 * `limits.maxStringLength` characters in a name or value.
 */
export function scanQuery(url: string, options?: InspectOptions): InspectResult {
  const normalized = normalizeInspectOptions(options, 'scanQuery');
  return inspectParameters(parseQuery(url, normalized.limits.maxKeys, normalized.limits.maxStringLength), normalized);
}
