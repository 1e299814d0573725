/**
 * Small helpers that validate options once, at construction, with messages that say what to write
 * instead: `headers.strictTransportSecurity: unknown option "maxage"; did you mean "maxAge"?`.
 */

import { ConfigurationError } from '../errors.js';

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

export function suggest(input: string, known: readonly string[]): string | undefined {
  const lower = input.toLowerCase().replace(/[-_]/g, '');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase().replace(/[-_]/g, ''));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}

export function fail(path: string, message: string): never {
  throw new ConfigurationError(`${path}: ${message}`);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Throws on keys that are not in `known`, suggesting the closest known key. */
export function checkKeys(path: string, options: unknown, known: readonly string[]): void {
  if (!isPlainObject(options)) fail(path, 'expected an options object');
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const hint = suggest(key, known);
    fail(path, `unknown option "${key}"${hint ? `; did you mean "${hint}"?` : `; known options: ${known.join(', ')}`}`);
  }
}

export function checkBoolean(path: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  return fail(path, `expected true or false, got ${typeof value}`);
}

export function checkInteger(path: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(path, `expected an integer from ${min} to ${max}`);
  }
  return value;
}

export function checkOneOf<T extends string>(path: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const match = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
    if (match) return match;
    const hint = suggest(value, allowed);
    if (hint) fail(path, `"${value}" is not allowed; did you mean "${hint}"?`);
  }
  return fail(path, `expected one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
}

/** `undefined | true` mean defaults, `false` means off, an object configures. */
export function toggle<T extends object>(path: string, value: T | boolean | undefined): { enabled: boolean; options: T | undefined } {
  if (value === undefined || value === true) return { enabled: true, options: undefined };
  if (value === false) return { enabled: false, options: undefined };
  if (!isPlainObject(value)) fail(path, 'expected true, false or an options object');
  return { enabled: true, options: value };
}

/** Header values must not be able to split a header or a directive list. */
export function checkHeaderToken(path: string, value: unknown, forbidden = ''): string {
  if (typeof value !== 'string' || value.length === 0 || /[\r\n\0]/.test(value) || [...forbidden].some((c) => value.includes(c))) {
    fail(path, `expected a non-empty string without line breaks${forbidden ? ` or any of ${forbidden}` : ''}`);
  }
  return value;
}
