/**
 * Structure limits for parsed JSON (or any plain data): nesting depth, total object keys, string
 * length, array length. The walk is iterative (an explicit stack, so deep nesting cannot overflow
 * the call stack) and its work is bounded: each container is expanded once, cycles stop at once,
 * and a shared sub-object is counted again without being walked again.
 */

import { checkInteger, checkKeys } from '../config/check-options.js';

export interface JsonLimits {
  /** Levels of nested objects and arrays. A top-level object or array is level 1. */
  maxDepth: number;
  /** Object keys in the whole value, all levels together. */
  maxKeys: number;
  /** UTF-16 code units per string; object keys count too. */
  maxStringLength: number;
  /** Elements per array. */
  maxArrayLength: number;
}

/** maxDepth 10, maxKeys 1000, maxStringLength 100 000, maxArrayLength 10 000. */
export const DEFAULT_JSON_LIMITS: Readonly<JsonLimits> = Object.freeze({
  maxDepth: 10,
  maxKeys: 1000,
  maxStringLength: 100_000,
  maxArrayLength: 10_000,
});

export type JsonLimitsResult = { ok: true } | { ok: false; limit: keyof JsonLimits; path: string; message: string };

const LIMIT_NAMES = ['maxDepth', 'maxKeys', 'maxStringLength', 'maxArrayLength'] as const;
const OK: JsonLimitsResult = Object.freeze({ ok: true });

/** Validates partial limits once and fills in the defaults. Throws ConfigurationError on bad values. */
export function normalizeJsonLimits(limits: Partial<JsonLimits> | undefined, path = 'limits'): Readonly<JsonLimits> {
  if (limits === undefined) return DEFAULT_JSON_LIMITS;
  checkKeys(path, limits, LIMIT_NAMES);
  const out = { ...DEFAULT_JSON_LIMITS };
  for (const name of LIMIT_NAMES) {
    out[name] = checkInteger(`${path}.${name}`, limits[name], 1, Number.MAX_SAFE_INTEGER) ?? DEFAULT_JSON_LIMITS[name];
  }
  return Object.freeze(out);
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_KEY_IN_PATH = 64;

/** `$.a.b[2]["odd key"]`; very long keys are shortened so a path stays readable. */
function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (IDENTIFIER.test(key) && key.length <= MAX_KEY_IN_PATH) return `${parent}.${key}`;
  const shown = key.length > MAX_KEY_IN_PATH ? `${key.slice(0, MAX_KEY_IN_PATH)}…` : key;
  return `${parent}[${JSON.stringify(shown)}]`;
}

interface Frame {
  readonly container: object;
  readonly path: string;
  readonly level: number;
  /** Own keys of an object, or undefined for an array. */
  readonly keys: string[] | undefined;
  readonly length: number;
  index: number;
  /** Levels below and including this container, and object keys inside it, both filled on the way up. */
  height: number;
  keyCount: number;
}

interface Summary {
  height: number;
  keyCount: number;
}

function pathOf(parent: Frame | undefined, key: string | number): string {
  return parent ? childPath(parent.path, key) : '$';
}

function failure(limit: keyof JsonLimits, path: string, message: string): JsonLimitsResult {
  return { ok: false, limit, path, message: `${message} at ${path}` };
}

/** Checks a parsed value against structure limits. Never throws for any value; throws ConfigurationError for bad limits. */
export function checkJsonLimits(value: unknown, limits?: Partial<JsonLimits>): JsonLimitsResult {
  return checkWithLimits(value, normalizeJsonLimits(limits));
}

/** The walk itself, for callers that normalized their limits once. */
export function checkWithLimits(value: unknown, limits: Readonly<JsonLimits>): JsonLimitsResult {
  const { maxDepth, maxKeys, maxStringLength, maxArrayLength } = limits;
  const stack: Frame[] = [];
  const onPath = new Set<object>();
  const done = new Map<object, Summary>();
  let totalKeys = 0;

  // Returns a failure, or undefined after pushing a frame / accounting for a leaf or a shared container.
  // Paths are built only for a failure or a container, not for every leaf.
  const visit = (child: unknown, parent: Frame | undefined, key: string | number): JsonLimitsResult | undefined => {
    if (typeof child === 'string') {
      if (child.length > maxStringLength) return failure('maxStringLength', pathOf(parent, key), `string longer than ${maxStringLength} characters`);
      return undefined;
    }
    if (child === null || typeof child !== 'object') return undefined;
    const path = pathOf(parent, key);
    const level = (parent?.level ?? 0) + 1;
    if (onPath.has(child)) return failure('maxDepth', path, `circular reference (nesting without end, more than ${maxDepth} levels)`);
    const seen = done.get(child);
    if (seen) {
      if (level - 1 + seen.height > maxDepth) return failure('maxDepth', path, `nesting deeper than ${maxDepth} levels`);
      totalKeys += seen.keyCount;
      if (totalKeys > maxKeys) return failure('maxKeys', path, `more than ${maxKeys} object keys in total`);
      if (parent) {
        parent.height = Math.max(parent.height, seen.height + 1);
        parent.keyCount += seen.keyCount;
      }
      return undefined;
    }
    if (level > maxDepth) return failure('maxDepth', path, `nesting deeper than ${maxDepth} levels`);
    let keys: string[] | undefined;
    let length: number;
    if (Array.isArray(child)) {
      length = child.length;
      if (length > maxArrayLength) return failure('maxArrayLength', path, `array longer than ${maxArrayLength} elements`);
    } else {
      keys = Object.keys(child);
      length = keys.length;
      totalKeys += length;
      if (totalKeys > maxKeys) return failure('maxKeys', path, `more than ${maxKeys} object keys in total`);
    }
    onPath.add(child);
    stack.push({ container: child, path, level, keys, length, index: 0, height: 1, keyCount: keys ? keys.length : 0 });
    return undefined;
  };

  const first = visit(value, undefined, '');
  if (first) return first;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.index < frame.length) {
      const i = frame.index++;
      let result: JsonLimitsResult | undefined;
      if (frame.keys) {
        const key = frame.keys[i]!;
        if (key.length > maxStringLength) {
          return failure('maxStringLength', frame.path, `object key longer than ${maxStringLength} characters`);
        }
        result = visit((frame.container as Record<string, unknown>)[key], frame, key);
      } else {
        result = visit((frame.container as unknown[])[i], frame, i);
      }
      if (result) return result;
      continue;
    }
    stack.pop();
    onPath.delete(frame.container);
    done.set(frame.container, { height: frame.height, keyCount: frame.keyCount });
    const parent = stack[stack.length - 1];
    if (parent) {
      parent.height = Math.max(parent.height, frame.height + 1);
      parent.keyCount += frame.keyCount;
    }
  }
  return OK;
}
