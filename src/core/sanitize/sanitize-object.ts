/**
 * Deep sanitizing of form and JSON data: every string gets the profile its field asks for, under the
 * same structure limits as the validators (depth, keys, string and array length) plus the sanitizer's
 * input cap for all strings together.
 */

import { checkKeys, fail, isPlainObject } from '../config/check-options.js';
import { InvalidInputError, LimitExceededError } from '../errors.js';
import { checkJsonLimits, type JsonLimits } from '../validate/json-limits.js';
import type { CompiledProfile, ProfileRef } from './profiles.js';

/** `'keep'` leaves a field's strings unchanged (for example ids or passwords that are never rendered). */
export type FieldProfile = ProfileRef | 'keep';

export interface SanitizeObjectRules {
  /** Profile for strings that no `fields` entry covers. Default `'strict'`. */
  profile?: FieldProfile;
  /**
   * Profiles by dotted path; `*` matches any one key or array index, and an entry covers everything
   * below it: `{ 'post': 'rich', 'post.title': 'strict', 'comments.*.body': 'basic' }`. The longest
   * matching path wins.
   */
  fields?: Readonly<Record<string, FieldProfile>>;
  /** Structure limits, as for the JSON validators. Default maxDepth 10, maxKeys 1000, maxStringLength 100 000, maxArrayLength 10 000. */
  limits?: Partial<JsonLimits>;
}

export interface SanitizeObjectContext {
  /** All strings together may not exceed this many UTF-16 code units (the sanitizer's maxInputBytes). */
  maxTotalLength: number;
  sanitizeString(text: string, profile: CompiledProfile): string;
  resolveProfile(ref: ProfileRef, path: string): CompiledProfile;
}

type Resolved = CompiledProfile | 'keep';

interface FieldRule {
  segments: string[];
  wildcards: number;
  profile: Resolved;
}

const RULE_KEYS = ['profile', 'fields', 'limits'] as const;
const SEGMENT = /^(?:\*|[^.*]{1,256})$/;

function resolve(ref: FieldProfile, path: string, context: SanitizeObjectContext): Resolved {
  return ref === 'keep' ? 'keep' : context.resolveProfile(ref, path);
}

function compileRules(rules: ProfileRef | SanitizeObjectRules | undefined, context: SanitizeObjectContext): { fallback: Resolved; fields: FieldRule[]; limits?: Partial<JsonLimits> } {
  if (rules === undefined) return { fallback: context.resolveProfile('strict', 'sanitizeObject'), fields: [] };
  if (typeof rules === 'string' || (isPlainObject(rules) && 'tags' in rules)) {
    return { fallback: context.resolveProfile(rules as ProfileRef, 'sanitizeObject: profile'), fields: [] };
  }
  checkKeys('sanitizeObject: rules', rules, RULE_KEYS);
  const { profile = 'strict', fields = {}, limits } = rules as SanitizeObjectRules;
  if (!isPlainObject(fields)) fail('sanitizeObject: rules.fields', "expected an object such as { 'comments.*.body': 'basic' }");
  const compiled = Object.entries(fields).map(([pattern, ref]): FieldRule => {
    const segments = pattern.split('.');
    if (!segments.every((segment) => SEGMENT.test(segment))) fail(`sanitizeObject: rules.fields["${pattern}"]`, 'expected a dotted path such as "comments.*.body"');
    return { segments, wildcards: segments.filter((s) => s === '*').length, profile: resolve(ref, `sanitizeObject: rules.fields["${pattern}"]`, context) };
  });
  // Longest path first, then the one with fewer wildcards.
  compiled.sort((a, b) => b.segments.length - a.segments.length || a.wildcards - b.wildcards);
  return { fallback: resolve(profile, 'sanitizeObject: rules.profile', context), fields: compiled, ...(limits === undefined ? {} : { limits }) };
}

function profileAt(path: readonly string[], fields: readonly FieldRule[], fallback: Resolved): Resolved {
  for (const rule of fields) {
    if (rule.segments.length > path.length) continue;
    if (rule.segments.every((segment, i) => segment === '*' || segment === path[i])) return rule.profile;
  }
  return fallback;
}

function describe(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  return (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'object';
}

/** The walk behind `sanitizeObject`; limits are checked before any string is sanitized. */
export function sanitizeObjectWith<T>(value: T, rules: ProfileRef | SanitizeObjectRules | undefined, context: SanitizeObjectContext): T {
  const { fallback, fields, limits } = compileRules(rules, context);
  const verdict = checkJsonLimits(value, limits);
  if (!verdict.ok) throw new LimitExceededError(`sanitizeObject: ${verdict.message}`, verdict.limit);
  let budget = context.maxTotalLength;
  const path: string[] = [];

  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const profile = profileAt(path, fields, fallback);
      if (profile === 'keep') return node;
      budget -= node.length;
      if (budget < 0) throw new LimitExceededError(`sanitizeObject: the strings add up to more than ${context.maxTotalLength} characters (maxInputBytes)`, 'maxInputBytes');
      return context.sanitizeString(node, profile);
    }
    if (node === null || node === undefined || typeof node === 'number' || typeof node === 'boolean') return node;
    if (Array.isArray(node)) {
      return node.map((item, i) => {
        path.push(String(i));
        try {
          return walk(item);
        } finally {
          path.pop();
        }
      });
    }
    if (!isPlainObject(node)) {
      throw new InvalidInputError(`sanitizeObject: unsupported ${describe(node)} at $${path.map((p) => `.${p}`).join('')}; expected form or JSON data`);
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(node)) {
      // A JSON "__proto__" key would set the copy's prototype when assigned.
      if (key === '__proto__') continue;
      path.push(key);
      try {
        out[key] = walk(node[key]);
      } finally {
        path.pop();
      }
    }
    return out;
  };
  return walk(value) as T;
}
