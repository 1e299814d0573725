/**
 * The pipeline's path through the rate-limit guard (enforce: headers straight onto the response, a
 * shortcut for one rule with one limit) against check(), the listed outcome: the same verdicts,
 * headers in the same order and events, request after request. Also the address-key memo against
 * subnetKey, and subnetKey's IPv4 formatting against formatCidr.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCidr, parseCidr, subnetKey } from '../../src/core/http/ip.js';
import type { RequestContext, SecurityRequest } from '../../src/core/http/types.js';
import { StateItem } from '../../src/core/rate-limit/headers.js';
import { createIpKeyMemo } from '../../src/core/rate-limit/ip-keys.js';
import { createRateLimiter, createRateLimitGuard, type RateLimitEvent, type RateLimitGuardOptions } from '../../src/core/rate-limit/index.js';

const EPOCH = 1_699_999_200_000;

function input(path: string, ip: string | undefined, headers: Record<string, string> = {}) {
  const request: SecurityRequest = { method: 'GET', url: `http://app.test${path}`, headers: new Headers(headers), remoteAddress: ip };
  const context = { requestId: 'req-1', clientIp: ip, method: 'GET', path, failedOpen: [] } as unknown as RequestContext;
  return { request, method: 'GET', path, clientIp: ip, context };
}

class Sink {
  readonly list: Array<[string, string]> = [];
  setTrusted(name: string, value: string): void {
    this.list.push([name, value]);
  }
}

/** Two guards with the same options and clock, one asked with check(), one with enforce(). */
function pair(options: RateLimitGuardOptions) {
  const time = { now: EPOCH };
  const listedEvents: RateLimitEvent[] = [];
  const enforcedEvents: RateLimitEvent[] = [];
  const listed = createRateLimitGuard({ now: () => time.now, ...options }, (event) => listedEvents.push(event));
  const enforced = createRateLimitGuard({ now: () => time.now, ...options }, (event) => enforcedEvents.push(event));
  return {
    time,
    compare(path: string, ip: string | undefined) {
      const outcome = listed.check(input(path, ip));
      const sink = new Sink();
      const { request, context } = input(path, ip);
      const verdict = enforced.enforce(request, context, sink);
      if (outcome instanceof Promise || verdict instanceof Promise) throw new Error('expected synchronous answers on memory');
      expect(verdict.allowed).toBe(outcome.allowed);
      expect(sink.list).toEqual(outcome.headers);
      expect(enforcedEvents).toEqual(listedEvents);
      return outcome;
    },
  };
}

const CONFIGS: Array<[string, RateLimitGuardOptions]> = [
  ['one rule, one limit', { rules: [{ name: 'api', limits: { points: 3, duration: 10 } }] }],
  ['one limit, legacy headers', { headers: 'legacy', rules: [{ name: 'api', limits: { points: 3, duration: 10 } }] }],
  ['one limit, both dialects', { headers: 'both', rules: [{ name: 'api', limits: { points: 2, duration: 5, algorithm: 'gcra' } }] }],
  ['one limit, no headers', { headers: false, rules: [{ name: 'api', limits: { points: 2, duration: 5 } }] }],
  ['one limit with a block', { rules: [{ name: 'api', limits: { points: 2, duration: 3, blockDuration: 20, algorithm: 'sliding-window' } }] }],
  ['one limit on one path', { rules: [{ name: 'login', path: '/login', limits: { points: 2, duration: 60, algorithm: 'token-bucket' } }] }],
  ['the default tier', {}],
  [
    'stacked rules',
    {
      headers: 'both',
      rules: [
        { name: 'global', limits: { points: 5, duration: 60 } },
        { name: 'login', path: '/login', limits: [{ name: 'burst', points: 2, duration: 1 }, { name: 'slow', points: 3, duration: 30, algorithm: 'gcra' }] },
      ],
    },
  ],
];

describe('enforce() and check() agree', () => {
  for (const [title, options] of CONFIGS) {
    it(title, () => {
      const { time, compare } = pair(options);
      const ips = ['198.51.100.7', '2001:db8:aa:bbcc::1', '2001:db8:aa:bbdd::2', undefined];
      let denied = 0;
      for (let i = 0; i < 60; i++) {
        const outcome = compare(i % 3 === 0 ? '/login' : '/items', ips[i % ips.length]);
        if (!outcome.allowed) denied++;
        time.now += 137 + (i % 7) * 211;
      }
      // Every small budget runs out on the way, so the denial path is compared too.
      if (options.rules !== undefined) expect(denied).toBeGreaterThan(0);
    });
  }

  it('exempt requests pass without headers either way', () => {
    const { compare } = pair({ exempt: { paths: ['/health'], ips: ['10.0.0.0/8'] }, rules: [{ name: 'api', limits: { points: 1, duration: 60 } }] });
    for (let i = 0; i < 3; i++) {
      expect(compare('/health', '198.51.100.7').headers).toEqual([]);
      expect(compare('/items', '10.1.2.3').headers).toEqual([]);
    }
  });
});

describe('address keys', () => {
  it('the memo gives what subnetKey gives, past its capacity, for any address text', () => {
    const memo = createIpKeyMemo(56, 8);
    const addresses = fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 80 }), fc.constant('::ffff:203.0.113.9'));
    fc.assert(
      fc.property(fc.array(addresses, { minLength: 1, maxLength: 40 }), (list) => {
        for (const address of [...list, ...list]) expect(memo(address)).toBe(`ip:${subnetKey(address, { ipv6Prefix: 56 }) ?? 'unknown'}`);
      }),
    );
    expect(memo(undefined)).toBe('ip:unknown');
  });

  it('subnetKey formats IPv4 as formatCidr does, at every prefix', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (address, prefix) => {
        expect(subnetKey(address, { ipv4Prefix: prefix })).toBe(formatCidr(parseCidr(`${address}/${prefix}`)!));
      }),
    );
  });
});

describe('RateLimit item text', () => {
  it('is what plain formatting gives, for counts that fall one by one, jump, or are not whole', () => {
    const item = new StateItem('"api";r=');
    const plain = (remaining: number, seconds: number): string => `"api";r=${remaining};t=${seconds}`;
    const counts = fc.oneof(fc.nat({ max: 2_000_000_000 }), fc.nat({ max: 5000 }), fc.double(), fc.constantFrom(-0, -1, 1e15 - 1, 1e15, 2 ** 53));
    fc.assert(
      fc.property(fc.array(fc.tuple(counts, fc.nat({ max: 7200 })), { minLength: 1, maxLength: 30 }), fc.nat({ max: 3 }), (calls, run) => {
        for (const [start, seconds] of calls) {
          // A run of falling counts, as one client's calls make them, crosses the cached thousands.
          for (let i = 0; i <= run; i++) expect(item.text(start - i, seconds)).toBe(plain(start - i, seconds));
        }
      }),
    );
    for (const remaining of [0, 9, 10, 99, 100, 999, 1000, 1001, 1099, 10_000, 999_999_999]) expect(item.text(remaining, 60)).toBe(plain(remaining, 60));
  });
});

describe('memory limiter, fixed window', () => {
  it('consume() answers what the verdict path (the guard) answers, blocks included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(0, 2),
        fc.array(fc.tuple(fc.nat({ max: 2 }), fc.nat({ max: 1500 })), { minLength: 1, maxLength: 40 }),
        async (points, duration, blockDuration, calls) => {
          const time = { now: EPOCH };
          const limiter = createRateLimiter({ points, duration, blockDuration, now: () => time.now });
          const guard = createRateLimitGuard({ now: () => time.now, rules: [{ name: 'api', limits: { points, duration, blockDuration } }] });
          for (const [client, wait] of calls) {
            time.now += wait;
            const ip = `198.51.100.${client}`;
            const fast = await limiter.consume(`ip:${ip}`);
            const outcome = guard.check(input('/items', ip));
            if (outcome instanceof Promise) throw new Error('expected a synchronous answer on memory');
            const { allowed, remaining, resetAt, retryAfterMs, blocked, failedOpen, source } = outcome.limits[0]!;
            expect(fast).toEqual({ allowed, limit: points, remaining, resetAt, retryAfterMs, blocked, failedOpen, source });
          }
        },
      ),
    );
  });
});
