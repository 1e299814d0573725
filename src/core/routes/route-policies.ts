/**
 * Per-route options. Each route names a path pattern (and optionally methods) and overrides the
 * global request limits, adds IP rules, or changes CSRF handling. Everything is compiled once, at
 * construction; per request the first matching route picks its precompiled policy.
 */

import { checkKeys, fail, isPlainObject } from '../config/check-options.js';
import { createCsrf, type Csrf, type CsrfOptions } from '../csrf/csrf.js';
import { createIpRules, type IpRules, type IpRulesOptions } from '../ip-rules/ip-rules.js';
import { createRequestLimits, type LimitsOptions, type RequestLimits } from '../limits/request-limits.js';
import { compilePathPattern, type PathMatcher } from './path-pattern.js';

export interface RouteOptions {
  /** `/upload`, `/api/*` (one segment), `/admin/**` (the path and everything below). Case and a trailing slash are ignored. */
  path: string;
  /** Only these methods; default all. */
  methods?: readonly string[];
  /** Overrides of the global limits (merged over them; `maxBodyBytes` per type). */
  limits?: LimitsOptions;
  /** Rules checked in addition to the global ones: both must let the client through. */
  ipRules?: IpRulesOptions;
  /** `false` exempts the route (for example a webhook that checks its own signature); an object overrides the global options. */
  csrf?: CsrfOptions | false;
}

export interface GlobalPolicyOptions {
  limits: LimitsOptions | undefined;
  limitsEnabled: boolean;
  ipRules: IpRulesOptions | undefined;
  csrf: CsrfOptions | undefined;
  csrfEnabled: boolean;
}

/** The guards that apply to one request. */
export interface Policy {
  readonly limits: RequestLimits | undefined;
  readonly ipRules: readonly IpRules[];
  readonly csrf: Csrf | undefined;
}

const ROUTE_KEYS = ['path', 'methods', 'limits', 'ipRules', 'csrf'] as const;

interface CompiledRoute {
  matches: PathMatcher;
  /** The lower-case ASCII character every matching path has after its leading "/", or -1 (a wildcard, an empty or non-ASCII first segment). */
  first: number;
  methods: Set<string> | undefined;
  policy: Policy;
}

function firstCharacter(pattern: string): number {
  const segment = pattern.toLowerCase().split('/')[1] ?? '';
  const code = segment.charCodeAt(0);
  return segment === '' || segment.startsWith('*') || code >= 0x80 ? -1 : code;
}

function mergeLimits(base: LimitsOptions | undefined, override: LimitsOptions): LimitsOptions {
  return { ...base, ...override, maxBodyBytes: { ...base?.maxBodyBytes, ...override.maxBodyBytes } };
}

export function createRoutePolicies(global: GlobalPolicyOptions, routes: unknown): (method: string, path: string) => Policy {
  const globalIpRules = global.ipRules === undefined ? [] : [createIpRules(global.ipRules)];
  const fallback: Policy = {
    limits: global.limitsEnabled ? createRequestLimits(global.limits) : undefined,
    ipRules: globalIpRules,
    csrf: global.csrfEnabled ? createCsrf(global.csrf) : undefined,
  };
  if (routes === undefined) return () => fallback;
  if (!Array.isArray(routes)) fail('routes', 'expected a list of { path, methods?, limits?, ipRules?, csrf? }');

  const compiled = routes.map((route: unknown, i): CompiledRoute => {
    const path = `routes[${i}]`;
    if (!isPlainObject(route)) fail(path, 'expected { path, methods?, limits?, ipRules?, csrf? }');
    checkKeys(path, route, ROUTE_KEYS);
    const options = route as unknown as RouteOptions;
    if (options.methods !== undefined && (!Array.isArray(options.methods) || options.methods.some((m) => typeof m !== 'string'))) {
      fail(`${path}.methods`, 'expected a list of method names');
    }
    if (options.limits !== undefined && !global.limitsEnabled) fail(`${path}.limits`, 'limits are switched off globally (limits: false)');
    if (options.csrf !== undefined && options.csrf !== false && !global.csrfEnabled) fail(`${path}.csrf`, 'CSRF protection is switched off globally (csrf: false)');
    return {
      matches: compilePathPattern(`${path}.path`, options.path),
      first: firstCharacter(options.path),
      methods: options.methods && new Set(options.methods.map((m) => m.toUpperCase())),
      policy: {
        limits: options.limits === undefined ? fallback.limits : createRequestLimits(mergeLimits(global.limits, options.limits), `${path}.limits`),
        ipRules: options.ipRules === undefined ? globalIpRules : [...globalIpRules, createIpRules(options.ipRules, `${path}.ipRules`)],
        csrf: options.csrf === false ? undefined : options.csrf === undefined ? fallback.csrf : createCsrf({ ...global.csrf, ...options.csrf }, `${path}.csrf`),
      },
    };
  });

  return (method, path) => {
    let lowerPath: string | undefined;
    // After the leading "/", an ASCII character lower-cases on its own, so it can rule a route out before the path is lower-cased (0x80: it cannot).
    const code = path.charCodeAt(0) === 0x2f ? path.charCodeAt(1) : 0x80;
    const first = code >= 0x41 && code <= 0x5a ? code | 0x20 : code;
    for (let i = 0; i < compiled.length; i++) {
      const route = compiled[i]!;
      if (route.methods !== undefined && !route.methods.has(method)) continue;
      if (route.first !== -1 && first < 0x80 && first !== route.first) continue;
      lowerPath ??= path.toLowerCase();
      if (route.matches(lowerPath)) return route.policy;
    }
    return fallback;
  };
}
