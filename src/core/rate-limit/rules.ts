/** Rule options for the pipeline guard, compiled once: path and method matchers, key readers, limits. */

import { checkBoolean, checkKeys, fail, isPlainObject } from '../config/check-options.js';
import { compilePathPattern, type PathMatcher } from '../routes/path-pattern.js';
import { limitLabels, type LimitLabels } from './headers.js';
import { keyReader, type KeyReader, type RuleKey, type checkKeySources } from './keys.js';
import { createLimiterCore, limitSpec, type LimiterContext, type LimiterCore } from './limiter.js';
import { checkName, normalizeLimitSpec } from './options.js';
import type { LimitOptions } from './tiers.js';

export interface RateLimitRule {
  /** Names the rule in headers, events and store keys: `[a-z0-9][a-z0-9_.-]*`. Default `rule-<index>`. */
  name?: string;
  /** `/login`, `/api/*` (one segment), `/admin/**` (the path and below); several allowed. Default: every path. */
  path?: string | readonly string[];
  /** Only these methods. Default: all. */
  methods?: readonly string[];
  /** Who is counted. Default `'ip'` (IPv6 by /56). A request without the key is counted by its address. */
  key?: RuleKey;
  /** One limit or several (burst + sustained), all checked for every matching request. */
  limits: LimitOptions | readonly LimitOptions[];
  /** A denial counts as an offence for the ban list (progressive bans). Default false. */
  penalize?: boolean;
}

/** A limit with its header parts and labels computed once. */
export interface CompiledLimit extends LimitLabels {
  readonly core: LimiterCore;
  /** The name the rule's reports carry. */
  readonly ruleName: string;
  /** `rate-limit:<name>`, for failed-open notes. */
  readonly failedOpenLabel: string;
}

export interface CompiledRule {
  readonly name: string;
  readonly paths: readonly PathMatcher[] | undefined;
  readonly methods: ReadonlySet<string> | undefined;
  readonly key: KeyReader | 'ip';
  readonly limits: readonly CompiledLimit[];
  readonly penalize: boolean;
}

const RULE_KEYS = ['name', 'path', 'methods', 'key', 'limits', 'penalize'] as const;
const LIMIT_KEYS = ['name', 'points', 'duration', 'algorithm', 'blockDuration'] as const;

function compileLimits(path: string, ruleName: string, limits: unknown, context: (spec: ReturnType<typeof normalizeLimitSpec>) => LimiterContext): CompiledLimit[] {
  const list = Array.isArray(limits) ? limits : [limits];
  if (limits === undefined || list.length === 0) fail(`${path}.limits`, 'required: { points, duration } or a list of them, e.g. RATE_LIMIT_TIERS.default');
  return list.map((limit: unknown, i) => {
    const at = Array.isArray(limits) ? `${path}.limits[${i}]` : `${path}.limits`;
    if (!isPlainObject(limit)) fail(at, 'expected { points, duration, name?, algorithm?, blockDuration? }');
    checkKeys(at, limit, LIMIT_KEYS);
    const suffix = limit.name === undefined ? undefined : checkName(`${at}.name`, limit.name);
    const fallback = suffix !== undefined ? `${ruleName}-${suffix}` : list.length === 1 ? ruleName : undefined;
    const spec = normalizeLimitSpec(at, { ...limit, name: undefined }, fallback);
    const named = limitSpec(fallback === undefined ? { ...spec, name: `${ruleName}-${spec.name}` } : spec);
    return { ...limitLabels(named), core: createLimiterCore(named, context(named)), ruleName, failedOpenLabel: `rate-limit:${named.name}` };
  });
}

export function compileRules(rules: unknown, sources: ReturnType<typeof checkKeySources>, context: (spec: ReturnType<typeof normalizeLimitSpec>) => LimiterContext): CompiledRule[] {
  if (!Array.isArray(rules)) fail('rateLimit.rules', 'expected a list of { name, path?, methods?, key?, limits }');
  const seen = new Set<string>();
  return rules.map((rule: unknown, i): CompiledRule => {
    const path = `rateLimit.rules[${i}]`;
    if (!isPlainObject(rule)) fail(path, 'expected { name, path?, methods?, key?, limits }');
    checkKeys(path, rule, RULE_KEYS);
    const options = rule as unknown as RateLimitRule;
    const name = options.name === undefined ? `rule-${i}` : checkName(`${path}.name`, options.name);
    const patterns = options.path === undefined ? undefined : Array.isArray(options.path) ? options.path : [options.path];
    if (patterns?.length === 0) fail(`${path}.path`, 'expected at least one path pattern (leave it out for every path)');
    if (options.methods !== undefined && (!Array.isArray(options.methods) || options.methods.length === 0 || options.methods.some((m) => typeof m !== 'string'))) {
      fail(`${path}.methods`, "expected a list of method names such as ['POST']");
    }
    const limits = compileLimits(path, name, options.limits, context);
    for (const { core } of limits) {
      if (seen.has(core.spec.name)) fail(`${path}.name`, `"${core.spec.name}" is used twice; every limit needs its own name (it keys the counts and the headers)`);
      seen.add(core.spec.name);
    }
    return {
      name,
      paths: patterns?.map((pattern: unknown, j) => compilePathPattern(`${path}.path${Array.isArray(options.path) ? `[${j}]` : ''}`, pattern)),
      methods: options.methods === undefined ? undefined : new Set(options.methods.map((m) => m.toUpperCase())),
      key: keyReader(path, options.key ?? 'ip', sources),
      limits,
      penalize: checkBoolean(`${path}.penalize`, options.penalize) ?? false,
    };
  });
}

/** True when the rule covers this request. `path` is lower-case. */
export function ruleApplies(rule: CompiledRule, method: string, path: string): boolean {
  if (rule.methods !== undefined && !rule.methods.has(method) && !rule.methods.has(method.toUpperCase())) return false;
  if (rule.paths === undefined) return true;
  for (const matches of rule.paths) if (matches(path)) return true;
  return false;
}
