/**
 * `inspect(value)`: walks a string, or parsed input (arrays, objects: keys and values), within the
 * JSON structure limits, and runs the detectors the level enables on every string. Over the limits
 * it throws `LimitExceededError` (a guard maps it to 413 or 400) rather than inspecting half.
 */

import { LimitExceededError } from '../errors.js';
import { checkWithLimits } from '../validate/json-limits.js';
import { views } from './decode.js';
import { detectIn } from './detectors.js';
import { snippet } from './evidence.js';
import { normalizeInspectOptions, type NormalizedInspectOptions } from './levels.js';
import { isOperatorKey } from './nosql.js';
import type { Finding, InspectOptions, InspectResult } from './types.js';

const MAX_FINDINGS = 100;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_KEY_IN_PATH = 64;

/** `$.a.b[2]["odd key"]`, the same notation as the JSON limits use. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (IDENTIFIER.test(key) && key.length <= MAX_KEY_IN_PATH) return `${parent}.${key}`;
  const shown = key.length > MAX_KEY_IN_PATH ? `${key.slice(0, MAX_KEY_IN_PATH)}…` : key;
  return `${parent}[${JSON.stringify(shown)}]`;
}

/** Objects whose own keys are data: plain objects and class instances, not dates, buffers or collections. */
function isWalkable(value: object): boolean {
  return !(value instanceof Date || value instanceof RegExp || ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Map || value instanceof Set);
}

export class Inspection {
  readonly findings: Finding[] = [];

  constructor(private readonly options: NormalizedInspectOptions) {}

  /** Runs the enabled detectors on one string, adding at most one finding per kind. */
  scanString(text: string, path: string): void {
    if (text.length === 0 || this.findings.length >= MAX_FINDINGS) return;
    const texts = views(text);
    for (const kind of this.options.kinds) {
      const detection = detectIn(kind, texts, this.options.level);
      if (detection) this.findings.push({ kind, path, evidence: detection.evidence });
    }
  }

  scanKey(key: string, path: string): void {
    if (this.options.kinds.has('nosql') && isOperatorKey(key, this.options.level)) {
      this.findings.push({ kind: 'nosql', path, evidence: snippet(key) });
      const others = new Set(this.options.kinds);
      others.delete('nosql');
      if (others.size === 0) return;
    }
    this.scanString(key, path);
  }

  walk(value: unknown): void {
    const stack: [unknown, string][] = [[value, '$']];
    while (stack.length > 0 && this.findings.length < MAX_FINDINGS) {
      const [current, path] = stack.pop()!;
      if (typeof current === 'string') {
        this.scanString(current, path);
        continue;
      }
      if (current === null || typeof current !== 'object' || !isWalkable(current)) continue;
      if (Array.isArray(current)) {
        for (let i = current.length - 1; i >= 0; i--) stack.push([current[i], childPath(path, i)]);
        continue;
      }
      const keys = Object.keys(current);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const child = childPath(path, key);
        this.scanKey(key, child);
        stack.push([(current as Record<string, unknown>)[key], child]);
      }
    }
  }

  result(): InspectResult {
    return { safe: this.findings.length === 0, findings: this.findings };
  }
}

/**
 * Inspects a string or parsed input for injection. Returns `{ safe, findings }`; throws
 * `LimitExceededError` when the value is over the structure limits, `ConfigurationError` for bad options.
 */
export function inspect(value: unknown, options?: InspectOptions): InspectResult {
  return inspectNormalized(value, normalizeInspectOptions(options));
}

/** `inspect` with options normalized once, for callers that inspect many values. */
export function inspectNormalized(value: unknown, normalized: NormalizedInspectOptions): InspectResult {
  const limits = checkWithLimits(value, normalized.limits);
  if (!limits.ok) throw new LimitExceededError(`inspect: ${limits.message}`, limits.limit);
  const inspection = new Inspection(normalized);
  if (normalized.kinds.size > 0) {
    if (typeof value === 'string') inspection.scanString(value, '$');
    else inspection.walk(value);
  }
  return inspection.result();
}
