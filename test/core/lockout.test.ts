import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError, InvalidInputError } from '../../src/core/errors.js';
import { createLockout, type LockoutEvent, type LockoutOptions } from '../../src/core/lockout/index.js';
import { StoreUnavailableError } from '../../src/core/store/errors.js';
import { createMemoryStore } from '../../src/core/store/memory.js';
import type { SecurityStore } from '../../src/core/store/types.js';

const MINUTE = 60_000;
let events: LockoutEvent[];

beforeEach(() => {
  events = [];
  vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 0, 1) });
});
afterEach(() => vi.useRealTimers());

function lockout(options: LockoutOptions = {}) {
  return createLockout({ store: createMemoryStore(), onEvent: (event) => events.push(event), ...options });
}

const ofType = (type: string): LockoutEvent[] => events.filter((event) => event.type === type);

async function fail(target: ReturnType<typeof lockout>, times: number, attempt: { account: string; ip?: string }) {
  let last;
  for (let i = 0; i < times; i++) last = await target.recordFailure(attempt);
  return last!;
}

describe('account lockout', () => {
  it('locks after 5 failures for 15 minutes, then starts afresh', async () => {
    const guard = lockout();
    const alice = { account: 'alice' };
    const fourth = await fail(guard, 4, alice);
    expect(fourth).toMatchObject({ allowed: true, locked: false, failures: 4 });
    expect((await guard.check(alice)).allowed).toBe(true);
    const fifth = await guard.recordFailure(alice);
    expect(fifth).toMatchObject({ allowed: false, locked: true, scope: 'account', failures: 5, retryAfterMs: 15 * MINUTE });
    expect(await guard.check(alice)).toMatchObject({ allowed: false, locked: true, scope: 'account', retryAfterMs: 15 * MINUTE });
    vi.advanceTimersByTime(10 * MINUTE);
    expect((await guard.check(alice)).retryAfterMs).toBe(5 * MINUTE);
    expect((await guard.check({ account: 'bob' })).allowed).toBe(true);
    vi.advanceTimersByTime(5 * MINUTE + 1);
    expect((await guard.check(alice)).allowed).toBe(true);
    expect(await guard.recordFailure(alice)).toMatchObject({ allowed: true, failures: 1 });
    expect(ofType('authn_login_fail')).toHaveLength(6);
    expect(ofType('authn_login_lock')).toHaveLength(1);
    expect(ofType('authn_login_lock')[0]).toMatchObject({ level: 'WARN', details: { account: 'alice', scope: 'account', failures: 5, lockoutMs: 15 * MINUTE } });
  });

  it('resets the count on success', async () => {
    const guard = lockout();
    await fail(guard, 4, { account: 'alice' });
    await guard.recordSuccess({ account: 'alice' });
    expect(await fail(guard, 4, { account: 'alice' })).toMatchObject({ allowed: true, failures: 4 });
  });

  it('grows repeated locks exponentially when asked, up to the cap', async () => {
    const guard = lockout({ maxFailures: 3, lockoutMs: MINUTE, windowMs: MINUTE, growth: { factor: 2, maxLockoutMs: 5 * MINUTE } });
    const durations: number[] = [];
    for (let lock = 0; lock < 5; lock++) {
      const status = await fail(guard, 3, { account: 'alice' });
      durations.push(status.retryAfterMs);
      vi.advanceTimersByTime(status.retryAfterMs + MINUTE);
    }
    expect(durations).toEqual([1, 2, 4, 5, 5].map((m) => m * MINUTE));
    expect(ofType('authn_login_lock').map((event) => event.details?.level)).toEqual([1, 2, 3, 4, 5]);
  });

  it('normalizes account names, so case and spacing do not give fresh counters', async () => {
    const guard = lockout();
    await fail(guard, 5, { account: 'Alice@Example.com ' });
    expect((await guard.check({ account: 'alice@example.com' })).locked).toBe(true);
    const exact = lockout({ normalizeAccount: false });
    await fail(exact, 5, { account: 'Alice' });
    expect((await exact.check({ account: 'alice' })).locked).toBe(false);
  });

  it('unlocks on request', async () => {
    const guard = lockout();
    await fail(guard, 5, { account: 'alice' });
    await guard.unlock('ALICE');
    expect(await guard.check({ account: 'alice' })).toMatchObject({ allowed: true, locked: false });
    expect((await guard.recordFailure({ account: 'alice' })).failures).toBe(1);
  });

  it('creates exactly one lock under concurrent failures', async () => {
    const guard = lockout({ maxFailures: 5 });
    const results = await Promise.all(Array.from({ length: 50 }, () => guard.recordFailure({ account: 'alice' })));
    expect(Math.max(...results.map((r) => r.failures!))).toBe(50);
    expect(results.filter((r) => r.locked)).toHaveLength(46);
    expect(ofType('authn_login_lock')).toHaveLength(1);
  });
});

describe('pair and IP limiters', () => {
  it('locks one (IP, account) pair without locking the account for others (against lockout DoS)', async () => {
    const guard = lockout({ maxFailures: 50, pair: { maxFailures: 5 } });
    const attacker = { account: 'alice', ip: '203.0.113.9' };
    expect(await fail(guard, 5, attacker)).toMatchObject({ locked: true, scope: 'pair' });
    expect((await guard.check(attacker)).scope).toBe('pair');
    expect((await guard.check({ account: 'alice', ip: '198.51.100.7' })).allowed).toBe(true);
    expect((await guard.check({ account: 'bob', ip: '203.0.113.9' })).allowed).toBe(true);
  });

  it('catches password spraying: one IP, one failure on each of many accounts', async () => {
    const guard = lockout({ ip: { maxFailures: 10, lockoutMs: 30 * MINUTE } });
    for (let i = 0; i < 9; i++) expect((await guard.recordFailure({ account: `user${i}`, ip: '203.0.113.9' })).allowed).toBe(true);
    expect(await guard.recordFailure({ account: 'user9', ip: '203.0.113.9' })).toMatchObject({ locked: true, scope: 'ip', retryAfterMs: 30 * MINUTE });
    expect(await guard.check({ account: 'someone-new', ip: '203.0.113.9' })).toMatchObject({ allowed: false, scope: 'ip' });
    expect((await guard.check({ account: 'someone-new', ip: '198.51.100.7' })).allowed).toBe(true);
    expect((await guard.check({ account: 'someone-new' })).allowed).toBe(true); // no IP: only the account limiter
  });

  it('groups IPv6 clients by /56 and unwraps IPv4-mapped addresses', async () => {
    const guard = lockout({ ip: { maxFailures: 3 }, pair: false });
    await guard.recordFailure({ account: 'a', ip: '2001:db8:aa:bb01::1' });
    await guard.recordFailure({ account: 'b', ip: '2001:db8:aa:bbff::2' });
    await guard.recordFailure({ account: 'c', ip: '2001:db8:aa:bb42::3' });
    expect((await guard.check({ account: 'd', ip: '2001:db8:aa:bb00::9' })).scope).toBe('ip');
    expect((await guard.check({ account: 'd', ip: '2001:db8:aa:cc00::9' })).allowed).toBe(true);
    await fail(guard, 3, { account: 'e', ip: '::ffff:192.0.2.1' });
    expect((await guard.check({ account: 'f', ip: '192.0.2.1' })).scope).toBe('ip');
  });

  it('keeps the IP counter on success, so one valid account does not reset spraying', async () => {
    const guard = lockout({ ip: { maxFailures: 3 }, pair: false });
    await fail(guard, 2, { account: 'x', ip: '203.0.113.9' });
    await guard.recordSuccess({ account: 'mine', ip: '203.0.113.9' });
    expect((await guard.recordFailure({ account: 'y', ip: '203.0.113.9' })).scope).toBe('ip');
  });
});

describe('attempt()', () => {
  it('runs the verification only when no lock is in force', async () => {
    const guard = lockout({ maxFailures: 2 });
    const verify = vi.fn(() => false);
    expect(await guard.attempt({ account: 'alice' }, verify)).toMatchObject({ ok: false, locked: false });
    expect(await guard.attempt({ account: 'alice' }, verify)).toMatchObject({ ok: false, locked: true });
    expect(await guard.attempt({ account: 'alice' }, () => true)).toMatchObject({ ok: false, locked: true });
    expect(verify).toHaveBeenCalledTimes(2);
    expect(await guard.attempt({ account: 'bob' }, async () => true)).toMatchObject({ ok: true, allowed: true });
  });
});

describe('store failures', () => {
  function brokenStore(): SecurityStore {
    const store = createMemoryStore();
    const broken = () => Promise.reject(new StoreUnavailableError('store: down'));
    return { ...store, ttlMs: broken, increment: broken, delete: broken, setIfAbsent: broken };
  }

  it("denies by default, allows with onStoreError: 'allow', and says so in the status and an event", async () => {
    const deny = lockout({ store: brokenStore() });
    expect(await deny.check({ account: 'alice' })).toMatchObject({ allowed: false, storeError: true, locked: false });
    expect(await deny.recordFailure({ account: 'alice' })).toMatchObject({ allowed: false, storeError: true });
    expect(await deny.attempt({ account: 'alice' }, () => true)).toMatchObject({ ok: false, storeError: true });
    const allow = lockout({ store: brokenStore(), onStoreError: 'allow' });
    expect(await allow.attempt({ account: 'alice' }, () => true)).toMatchObject({ ok: true, storeError: true });
    expect(ofType('store_unavailable').map((event) => event.details?.policy)).toEqual(['deny', 'deny', 'deny', 'allow', 'allow']);
    expect(ofType('authn_login_fail')).toHaveLength(1);
  });
});

describe('options and input', () => {
  it('checks options at construction and accounts at use', async () => {
    expect(() => createLockout({ maxFailure: 5 } as never)).toThrow(/did you mean "maxFailures"/);
    expect(() => createLockout({ lockoutMs: 10 })).toThrow(ConfigurationError);
    expect(() => createLockout({ pair: { maxFailures: 0 } })).toThrow(/pair.maxFailures/);
    expect(() => createLockout({ onStoreError: 'ignore' as never })).toThrow(/onStoreError/);
    expect(() => createLockout({ store: {} as never })).toThrow(/store/);
    expect(() => createLockout({ growth: { factor: 0.5 } })).toThrow(/factor/);
    const guard = lockout();
    await expect(guard.check({ account: '' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(guard.check({ account: 'x'.repeat(513) })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(guard.recordFailure({ account: 42 as never })).rejects.toBeInstanceOf(InvalidInputError);
    // Any text is a fine account name: keys are escaped, so it cannot reach another account's counter.
    await fail(guard, 5, { account: 'a:b{c}#%' });
    expect((await guard.check({ account: 'a' })).allowed).toBe(true);
    expect((await guard.check({ account: 'a:b{c}#%' })).locked).toBe(true);
  });
});
