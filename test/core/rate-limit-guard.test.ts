/** The pipeline guard: rules, keys, IPv6 subnets, exemptions, headers, events and penalties (memory). */

import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import type { RequestContext, SecurityRequest } from '../../src/core/http/types.js';
import {
  createBanList,
  createRateLimitGuard,
  RATE_LIMIT_TIERS,
  type RateLimitEvent,
  type RateLimitGuard,
  type RateLimitGuardOptions,
  type RateLimitOutcome,
} from '../../src/core/rate-limit/index.js';

const EPOCH = 1_699_999_200_000;

interface Call {
  method?: string;
  path?: string;
  ip?: string | undefined;
  headers?: Record<string, string>;
}

function input({ method = 'GET', path = '/', ip = '198.51.100.7', headers = {} }: Call) {
  const request: SecurityRequest = { method, url: `http://app.test${path}`, headers: new Headers(headers), remoteAddress: ip };
  const context = { requestId: 'req-1', clientIp: ip, method, path, failedOpen: [] } as unknown as RequestContext;
  return { request, method, path: path.toLowerCase(), clientIp: ip, context };
}

/** The guard on memory answers synchronously: that is what keeps the pipeline synchronous. */
function check(guard: RateLimitGuard, call: Call = {}): RateLimitOutcome {
  const outcome = guard.check(input(call));
  if (outcome instanceof Promise) throw new Error('expected a synchronous outcome on memory');
  return outcome;
}

function setup(options: RateLimitGuardOptions) {
  const time = { now: EPOCH };
  const events: RateLimitEvent[] = [];
  const guard = createRateLimitGuard({ now: () => time.now, ...options }, (event) => events.push(event));
  return { guard, events, time, header: (outcome: RateLimitOutcome, name: string) => outcome.headers.find(([n]) => n === name)?.[1] };
}

/** Lets fire-and-forget work (a penalty) finish. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const allowedCount = (outcomes: RateLimitOutcome[]): number => outcomes.filter((o) => o.allowed).length;

describe('rules', () => {
  it('applies every matching rule: burst and sustained, plus a global limit', () => {
    const { guard, header } = setup({
      rules: [
        { name: 'global', limits: RATE_LIMIT_TIERS.global },
        { name: 'login', path: '/login', methods: ['POST'], limits: RATE_LIMIT_TIERS.auth },
      ],
    });
    const first = check(guard, { method: 'POST', path: '/login' });
    expect(first.limits.map((l) => l.name)).toEqual(['global-hour', 'login-burst', 'login-minute']);
    expect(header(first, 'ratelimit-policy')).toBe('"global-hour";q=200;w=3600, "login-burst";q=2;w=1, "login-minute";q=10;w=60');
    expect(header(first, 'ratelimit')).toBe('"global-hour";r=199;t=3600, "login-burst";r=1;t=1, "login-minute";r=9;t=60');
    expect(check(guard, { method: 'POST', path: '/login' }).allowed).toBe(true);
    const third = check(guard, { method: 'POST', path: '/LOGIN/' });
    expect(third).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    expect(header(third, 'ratelimit')).toBe('"global-hour";r=197;t=3600, "login-burst";r=0;t=1, "login-minute";r=7;t=60');
    expect(header(third, 'retry-after')).toBe('1');
    // GET /login and other paths only meet the global rule.
    expect(check(guard, { method: 'GET', path: '/login' }).limits.map((l) => l.name)).toEqual(['global-hour']);
  });

  it('burst passes, sustained stops: 2 per second but 10 per minute', () => {
    const { guard, time } = setup({ rules: [{ name: 'login', path: '/login', limits: RATE_LIMIT_TIERS.auth }] });
    const outcomes: RateLimitOutcome[] = [];
    for (let second = 0; second < 8; second++) {
      for (let i = 0; i < 2; i++) outcomes.push(check(guard, { path: '/login' }));
      time.now += 1000;
    }
    expect(allowedCount(outcomes)).toBe(10);
    expect(outcomes.at(-1)!.limits.map((l) => [l.name, l.allowed])).toEqual([['login-burst', true], ['login-minute', false]]);
  });

  it('every matching limit counts every attempt, also one another limit refused', () => {
    const { guard, time } = setup({ rules: [{ name: 'login', path: '/login', limits: RATE_LIMIT_TIERS.auth }] });
    const outcomes: RateLimitOutcome[] = [];
    for (let second = 0; second < 8; second++) {
      for (let i = 0; i < 3; i++) outcomes.push(check(guard, { path: '/login' }));
      time.now += 1000;
    }
    // 3 attempts a second: the third of each second is refused by the burst limit but still uses
    // the minute's budget, so the minute's 10 attempts are gone after 7 successes.
    expect(allowedCount(outcomes)).toBe(7);
  });

  it('a path with no rule carries no headers', () => {
    const { guard } = setup({ rules: [{ name: 'api', path: '/api/**', limits: { points: 1, duration: 60 } }] });
    expect(check(guard, { path: '/health' })).toEqual({ allowed: true, headers: [], limits: [] });
  });

  it('defaults to the default tier per address on every path', () => {
    const { guard, header } = setup({});
    expect(header(check(guard), 'ratelimit-policy')).toBe('"default-burst";q=10;w=1, "default-minute";q=60;w=60');
  });
});

describe('keys', () => {
  it('1,000 addresses from one IPv6 /56 share one budget; the next /56 has its own', () => {
    const { guard } = setup({ rules: [{ name: 'api', limits: { points: 100, duration: 60 } }] });
    const outcomes: RateLimitOutcome[] = [];
    for (let i = 0; i < 1000; i++) {
      const hex = (n: number) => n.toString(16);
      outcomes.push(check(guard, { ip: `2001:db8:0:${hex(0x1200 + (i % 256))}:${hex(i)}:${hex(i * 7)}::${hex(i + 1)}` }));
    }
    expect(allowedCount(outcomes)).toBe(100);
    expect(check(guard, { ip: '2001:db8:0:1300::1' }).allowed).toBe(true);
  });

  it('an IPv6 /64 prefix can be chosen instead', () => {
    const { guard } = setup({ ipv6Prefix: 64, rules: [{ name: 'api', limits: { points: 1, duration: 60 } }] });
    expect(check(guard, { ip: '2001:db8:0:1::1' }).allowed).toBe(true);
    expect(check(guard, { ip: '2001:db8:0:2::1' }).allowed).toBe(true);
    expect(check(guard, { ip: '2001:db8:0:1::2' }).allowed).toBe(false);
  });

  it('IPv4-mapped IPv6 addresses count as the IPv4 address', () => {
    const { guard } = setup({ rules: [{ name: 'api', limits: { points: 3, duration: 60 } }] });
    const spellings = ['203.0.113.9', '::ffff:203.0.113.9', '::FFFF:cb00:7109', '0:0:0:0:0:ffff:203.0.113.9'];
    expect(spellings.map((ip) => check(guard, { ip }).allowed)).toEqual([true, true, true, false]);
    expect(check(guard, { ip: '203.0.113.10' }).allowed).toBe(true);
  });

  it('requests without a known address share one bucket', () => {
    const { guard } = setup({ rules: [{ name: 'api', limits: { points: 1, duration: 60 } }] });
    expect(check(guard, { ip: undefined }).allowed).toBe(true);
    expect(check(guard, { ip: undefined }).allowed).toBe(false);
  });

  it('by API key (hashed), falling back to the address without one', () => {
    const { guard } = setup({ rules: [{ name: 'api', key: 'api-key', limits: { points: 2, duration: 60 } }] });
    const withKey = (key: string, ip: string) => check(guard, { ip, headers: { 'x-api-key': key } });
    expect([withKey('k1', '10.0.0.1').allowed, withKey('k1', '10.0.0.2').allowed, withKey('k1', '10.0.0.3').allowed]).toEqual([true, true, false]);
    expect(withKey('k2', '10.0.0.3').allowed).toBe(true);
    expect([check(guard, { ip: '10.0.0.9' }).allowed, check(guard, { ip: '10.0.0.9' }).allowed, check(guard, { ip: '10.0.0.9' }).allowed]).toEqual([true, true, false]);
  });

  it('by bearer credentials when the API key header is Authorization', () => {
    const { guard } = setup({ keys: { apiKeyHeader: 'Authorization' }, rules: [{ name: 'api', key: 'api-key', limits: { points: 1, duration: 60 } }] });
    expect(check(guard, { ip: '10.0.0.1', headers: { authorization: 'Bearer abc' } }).allowed).toBe(true);
    expect(check(guard, { ip: '10.0.0.2', headers: { authorization: 'Bearer abc' } }).allowed).toBe(false);
    expect(check(guard, { ip: '10.0.0.2', headers: { authorization: 'Bearer abd' } }).allowed).toBe(true);
  });

  it('by session cookie and by user', () => {
    const { guard } = setup({
      keys: { sessionCookie: 'sid', user: (request) => request.headers.get('x-user') ?? undefined },
      rules: [
        { name: 'per-session', path: '/s', key: 'session', limits: { points: 1, duration: 60 } },
        { name: 'per-user', path: '/u', key: 'user', limits: { points: 1, duration: 60 } },
      ],
    });
    expect(check(guard, { path: '/s', ip: '10.0.0.1', headers: { cookie: 'a=1; sid=s1' } }).allowed).toBe(true);
    expect(check(guard, { path: '/s', ip: '10.0.0.2', headers: { cookie: 'sid=s1' } }).allowed).toBe(false);
    expect(check(guard, { path: '/u', ip: '10.0.0.1', headers: { 'x-user': 'alice' } }).allowed).toBe(true);
    expect(check(guard, { path: '/u', ip: '10.0.0.2', headers: { 'x-user': 'alice' } }).allowed).toBe(false);
    expect(check(guard, { path: '/u', ip: '10.0.0.2', headers: { 'x-user': 'bob' } }).allowed).toBe(true);
  });

  it('by a custom function of the request', () => {
    const { guard } = setup({ rules: [{ name: 'tenant', key: (request) => request.headers.get('x-tenant') ?? undefined, limits: { points: 1, duration: 60 } }] });
    expect(check(guard, { ip: '10.0.0.1', headers: { 'x-tenant': 't'.repeat(5000) } }).allowed).toBe(true);
    expect(check(guard, { ip: '10.0.0.2', headers: { 'x-tenant': 't'.repeat(5000) } }).allowed).toBe(false);
  });
});

describe('exemptions', () => {
  it('never limits exempt paths and allowlisted addresses', () => {
    const { guard } = setup({ exempt: { paths: ['/health', '/internal/**'], ips: ['10.0.0.0/8', '2001:db8:ffff::/48'] }, rules: [{ name: 'all', limits: { points: 1, duration: 60 } }] });
    for (let i = 0; i < 3; i++) {
      expect(check(guard, { path: '/health' })).toMatchObject({ allowed: true, headers: [] });
      expect(check(guard, { path: '/internal/x/y' }).allowed).toBe(true);
      expect(check(guard, { ip: '10.1.2.3' }).allowed).toBe(true);
      expect(check(guard, { ip: '::ffff:10.1.2.3' }).allowed).toBe(true);
      expect(check(guard, { ip: '2001:db8:ffff:1::1' }).allowed).toBe(true);
    }
    expect(check(guard, { ip: '11.0.0.1' }).allowed).toBe(true);
    expect(check(guard, { ip: '11.0.0.1' }).allowed).toBe(false);
  });
});

describe('headers', () => {
  /** Minimal Structured Fields list parser for our output: `"name";k=v;k=v, ...`. */
  function parseList(value: string): Map<string, Record<string, number>> {
    const items = new Map<string, Record<string, number>>();
    for (const member of value.split(', ')) {
      const [name, ...params] = member.split(';');
      expect(name).toMatch(/^"[a-z0-9_.-]+"$/);
      items.set(name!.slice(1, -1), Object.fromEntries(params.map((p) => p.split('=')).map(([k, v]) => [k!, Number(v)])));
    }
    return items;
  }

  it('on a 429, Retry-After equals the longest `t` among the exhausted limits', () => {
    const { guard, time, header } = setup({
      rules: [
        { name: 'short', limits: { points: 1, duration: 10 } },
        { name: 'long', limits: { points: 1, duration: 90, algorithm: 'gcra' } },
      ],
    });
    check(guard);
    time.now += 4_000;
    const denied = check(guard);
    const state = parseList(header(denied, 'ratelimit')!);
    const policy = parseList(header(denied, 'ratelimit-policy')!);
    expect(Object.fromEntries(policy)).toEqual({ short: { q: 1, w: 10 }, long: { q: 1, w: 90 } });
    expect(Object.fromEntries(state)).toEqual({ short: { r: 0, t: 6 }, long: { r: 0, t: 86 } });
    expect(Number(header(denied, 'retry-after'))).toBe(86);
    expect(denied.retryAfterSeconds).toBe(86);
  });

  it('legacy X-RateLimit-* show the tightest limit; false sends only Retry-After', () => {
    const legacy = setup({ headers: 'legacy', rules: [{ name: 'a', limits: [{ name: 'burst', points: 5, duration: 1 }, { name: 'slow', points: 3, duration: 60 }] }] });
    const outcome = check(legacy.guard);
    expect(outcome.headers).toEqual([
      ['x-ratelimit-limit', '3'],
      ['x-ratelimit-remaining', '2'],
      ['x-ratelimit-reset', String(Math.ceil((EPOCH + 60_000) / 1000))],
    ]);
    const both = setup({ headers: 'both', rules: [{ name: 'a', limits: { points: 1, duration: 60 } }] });
    expect(check(both.guard).headers.map(([n]) => n)).toEqual(['ratelimit-policy', 'ratelimit', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']);
    const none = setup({ headers: false, rules: [{ name: 'a', limits: { points: 1, duration: 60 } }] });
    expect(check(none.guard).headers).toEqual([]);
    expect(check(none.guard).headers).toEqual([['retry-after', '60']]);
  });
});

describe('events and penalties', () => {
  it('emits excess_rate_limit_exceeded once per key and blocked period, counting the suppressed ones', () => {
    const { guard, events, time } = setup({ rules: [{ name: 'login', limits: { points: 1, duration: 5 } }] });
    check(guard);
    for (let i = 0; i < 5; i++) check(guard);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'excess_rate_limit_exceeded', level: 'WARN', clientIp: '198.51.100.7', requestId: 'req-1', details: { rule: 'login', limit: 'login', suppressedSinceLast: 0 } });
    time.now += 5_000;
    check(guard);
    check(guard);
    expect(events).toHaveLength(2);
    expect(events[1]!.details).toMatchObject({ suppressedSinceLast: 4 });
  });

  it('penalize: true bans repeat offenders progressively through the ban list', async () => {
    const time = { now: EPOCH };
    const bans = createBanList({ now: () => time.now, progressive: { firstMs: 60_000, factor: 4 } });
    const guard = createRateLimitGuard({ now: () => time.now, bans, rules: [{ name: 'login', limits: { points: 1, duration: 1 }, penalize: true }] });
    const ip = '192.0.2.44';
    check(guard, { ip });
    check(guard, { ip });
    await settle();
    expect(bans.isBanned(ip)).toBe(true);
    expect((await bans.lookup(ip))!.until).toBe(EPOCH + 60_000);
    time.now += 60_000;
    expect(bans.isBanned(ip)).toBe(false);
    check(guard, { ip });
    check(guard, { ip });
    await settle();
    expect((await bans.lookup(ip))!.until).toBe(time.now + 240_000);
  });
});

describe('options', () => {
  const bad = (options: unknown) => () => createRateLimitGuard(options as RateLimitGuardOptions);
  it('are validated once, with what to write instead', () => {
    expect(bad({ rules: [{ name: 'a', limits: { points: 1, duration: 60 } }], exmept: {} })).toThrow(/did you mean "exempt"/);
    expect(bad({ rules: [{ name: 'a', limit: { points: 1, duration: 60 } }] })).toThrow(/did you mean "limits"/);
    expect(bad({ rules: [{ name: 'a' }] })).toThrow(/limits: required/);
    expect(bad({ rules: [{ name: 'a', limits: [] }] })).toThrow(/limits: required/);
    expect(bad({ rules: [{ name: 'a', limits: { points: 1, duration: 60 } }, { name: 'a', limits: { points: 2, duration: 60 } }] })).toThrow(/used twice/);
    expect(bad({ rules: [{ name: 'a', path: 'login', limits: { points: 1, duration: 60 } }] })).toThrow(/starting with "\/"/);
    expect(bad({ rules: [{ name: 'a', key: 'user', limits: { points: 1, duration: 60 } }] })).toThrow(/keys.user/);
    expect(bad({ rules: [{ name: 'a', key: 'session', limits: { points: 1, duration: 60 } }] })).toThrow(/keys.sessionCookie/);
    expect(bad({ rules: [{ name: 'a', key: 'email', limits: { points: 1, duration: 60 } }] })).toThrow(/'ip', 'user'/);
    expect(bad({ rules: [{ name: 'a', penalize: true, limits: { points: 1, duration: 60 } }] })).toThrow(/need a ban list/);
    expect(bad({ exempt: { ips: ['10.0.0.0/33'] } })).toThrow(/CIDR/);
    expect(bad({ headers: 'draft-8' })).toThrow(ConfigurationError);
    expect(bad({ insuranceShare: 0 })).toThrow(/insuranceShare/);
  });

  it('reports loosening for sys_monitor_disabled', () => {
    expect(createRateLimitGuard({ onStoreError: 'allow' }).loosened).toHaveLength(1);
    expect(createRateLimitGuard({}).loosened).toHaveLength(0);
  });
});
