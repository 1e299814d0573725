/** bulwark/sessions on the memory store: login, fixation, timeouts, rotation, the per-user cap, revocation, step-up, data, headers. */

import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseCookies } from '../../src/core/http/cookies.js';
import type { SecurityRequest } from '../../src/core/http/types.js';
import { readCookie } from '../../src/core/sessions/cookie.js';
import { createSessionGuard, SessionRequiredError, type PendingHeader, type SessionEvent, type SessionHandle, type SessionOptions } from '../../src/core/sessions/index.js';
import { createMemoryStore, StoreUnavailableError, type SecurityStore } from '../../src/core/store/index.js';

const MINUTE = 60_000;
const COOKIE = /^__Host-sid=([A-Za-z0-9_-]{43}); Path=\/; HttpOnly; Secure; SameSite=Lax$/;

function request(cookie?: string, path = '/', userAgent = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0'): SecurityRequest {
  const headers = new Headers({ host: 'app.example', 'user-agent': userAgent });
  if (cookie !== undefined) headers.set('cookie', cookie);
  return { method: 'GET', url: `https://app.example${path}`, headers, secure: true };
}

/** The id a response sets, `''` for a cleared cookie, undefined when it sets none. */
function cookieSet(headers: PendingHeader[]): string | undefined {
  const line = headers.find((h) => h.name === 'Set-Cookie')?.value;
  if (line === undefined) return undefined;
  if (line.startsWith('__Host-sid=;')) return '';
  const match = COOKIE.exec(line);
  expect(match, line).not.toBeNull();
  return match![1];
}

function setup(options: SessionOptions = {}) {
  const events: SessionEvent[] = [];
  const guard = createSessionGuard({ onEvent: (e) => events.push(e), ...options });
  /** Loads with the cookie `id` (if any) and returns the handle and the id the response sets. */
  async function visit(id?: string, path?: string, userAgent?: string) {
    const result = await guard.load(request(id === undefined ? undefined : `theme=dark; __Host-sid=${id}`, path, userAgent));
    return { ...result, setId: cookieSet(result.session.takeHeaders()) };
  }
  /** Logs in from a fresh request; returns the new session id. */
  async function login(userId: string, id?: string): Promise<string> {
    const { session } = await visit(id);
    await session.login(userId);
    return cookieSet(session.takeHeaders())!;
  }
  return { guard, events, visit, login };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('login and load', () => {
  it('login sets a __Host- cookie with a fresh 256-bit id; the next request has the session', async () => {
    const { visit, events } = setup();
    const { session } = await visit();
    expect(session.active).toBe(false);
    await session.login('alice');
    const id = cookieSet(session.takeHeaders())!;
    expect(Buffer.from(id, 'base64url')).toHaveLength(32);
    const next = await visit(id);
    expect(next.session).toMatchObject({ active: true, userId: 'alice' });
    expect(next.setId).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['session_created']);
    // Logged as a salted hash only.
    expect(JSON.stringify(events)).not.toContain(id);
    expect(events[0]!.details).toMatchObject({ userId: 'alice', sidHash: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/) });
  });

  it('session fixation: an id present before login is never the id after it, and stops working', async () => {
    const { visit, login } = setup();
    const planted = 'A'.repeat(43); // chosen by an attacker, unknown to the store
    const attackers = await login('mallory'); // or the attacker's own live session
    for (const before of [planted, attackers]) {
      const after = await login('alice', before);
      expect(after).not.toBe(before);
      expect((await visit(after)).session.userId).toBe('alice');
      expect((await visit(before)).session.active).toBe(false);
    }
  });

  it('a malformed or unknown cookie is cleared and the request goes on without a session', async () => {
    const { visit, events } = setup();
    expect(await visit('not-an-id')).toMatchObject({ setId: '', failedOpen: false });
    expect((await visit('B'.repeat(43))).setId).toBe('');
    expect(events.at(-1)).toMatchObject({ type: 'session_expired', details: { reason: 'unknown_or_idle' } });
  });
});

describe('timeouts and rotation', () => {
  it('ends a session idle for 15 minutes; use within that keeps it alive', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { visit, login } = setup();
    let id = await login('alice');
    vi.setSystemTime(Date.now() + 4 * MINUTE);
    expect((await visit(id)).session.active).toBe(true); // touch: idle expiry moves to +19 min
    vi.setSystemTime(Date.now() + 14 * MINUTE);
    const kept = await visit(id);
    expect(kept.session.active).toBe(true);
    id = kept.setId ?? id; // rotated: 18 min since login
    vi.setSystemTime(Date.now() + 16 * MINUTE);
    expect(await visit(id)).toMatchObject({ setId: '', session: { active: false } });
  });

  it('ends every session 8 hours after login, however active', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { visit, login, events } = setup();
    const start = Date.now();
    let id = await login('alice');
    for (let elapsed = 10 * MINUTE; elapsed < 8 * 60 * MINUTE; elapsed += 10 * MINUTE) {
      vi.setSystemTime(start + elapsed);
      const { session, setId } = await visit(id);
      expect(session.active).toBe(true);
      id = setId ?? id;
    }
    vi.setSystemTime(start + 8 * 60 * MINUTE + 1);
    expect((await visit(id)).session.active).toBe(false);
    expect(events.some((e) => e.type === 'session_expired')).toBe(true);
  });

  it('rotates the id every 5 minutes; the old id works for the grace period, then not', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { visit, login, events } = setup();
    const old = await login('alice');
    vi.setSystemTime(Date.now() + 5 * MINUTE);
    const rotated = await visit(old);
    expect(rotated.setId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rotated.setId).not.toBe(old);
    expect(events.at(-1)).toMatchObject({ type: 'session_renewed', details: { reason: 'periodic' } });
    const inFlight = await visit(old);
    expect(inFlight).toMatchObject({ setId: undefined, session: { active: true, userId: 'alice' } });
    vi.setSystemTime(Date.now() + 11_000);
    expect((await visit(old)).session.active).toBe(false);
    expect((await visit(rotated.setId)).session.active).toBe(true);
  });

  it('concurrent requests at rotation time: one new id, every request keeps the session', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { visit, login } = setup();
    const old = await login('alice');
    vi.setSystemTime(Date.now() + 6 * MINUTE);
    const results = await Promise.all(Array.from({ length: 10 }, () => visit(old)));
    expect(results.every((r) => r.session.active && r.session.userId === 'alice')).toBe(true);
    expect(results.filter((r) => r.setId !== undefined)).toHaveLength(1);
  });

  it('rotate() (privilege change) replaces the id at once; csrfBinding and data survive it', async () => {
    const { guard, visit, login } = setup();
    const id = await login('alice');
    const req = request(`__Host-sid=${id}`);
    const { session } = await guard.load(req);
    const binding = guard.csrfBinding(req);
    expect(binding).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await session.writeData({ cart: [1, 2] });
    await session.rotate();
    const next = cookieSet(session.takeHeaders())!;
    expect(next).not.toBe(id);
    expect(guard.csrfBinding(req)).toBe(binding);
    const later = await visit(next);
    expect(await later.session.readData()).toEqual({ cart: [1, 2] });
    expect(later.session.csrfBinding).toBe(binding);
  });
});

describe('per-user cap and revocation', () => {
  it('a fourth login evicts the oldest session', async () => {
    const { visit, login, events } = setup();
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await login('alice'));
    expect((await visit(ids[0])).session.active).toBe(false);
    for (const id of ids.slice(1)) expect((await visit(id)).session.active).toBe(true);
    expect(events.filter((e) => e.type === 'session_revoked' && e.details?.reason === 'limit')).toHaveLength(1);
  });

  it('20 concurrent logins of one user leave exactly 3 sessions', async () => {
    const { guard, visit, login } = setup();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => login('alice')));
    const ids = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const live = (await Promise.all(ids.map((id) => visit(id)))).filter((r) => r.session.active);
    expect(live).toHaveLength(3);
    expect(await guard.listSessions('alice')).toHaveLength(3);
  });

  it('lists sessions with user agent, IP and times; revokes one, all others, then all', async () => {
    const { guard, visit } = setup();
    const ids: string[] = [];
    for (const agent of ['Firefox', 'Chrome', 'Safari']) {
      const { session } = await guard.load(request(undefined, '/', agent), { clientIp: '198.51.100.7' });
      await session.login('alice');
      ids.push(cookieSet(session.takeHeaders())!);
    }
    const { session } = await visit(ids[2]);
    const list = await session.list();
    expect(list.map((s) => [s.userAgent, s.ip, s.current])).toEqual([
      ['Firefox', '198.51.100.7', false],
      ['Chrome', '198.51.100.7', false],
      ['Safari', '198.51.100.7', true],
    ]);
    expect(list[0]!.lastSeenAt).toBeGreaterThanOrEqual(list[0]!.createdAt);
    expect(await session.revoke(list[0]!.ref)).toBe(true);
    expect((await visit(ids[0])).session.active).toBe(false);
    expect(await session.logoutOthers()).toBe(1);
    expect((await visit(ids[1])).session.active).toBe(false);
    expect(await session.logoutEverywhere()).toBe(1);
    expect((await visit(ids[2])).session.active).toBe(false);
  });

  it('nobody can revoke another user’s session by its ref', async () => {
    const { guard, visit, login } = setup();
    const bobs = await login('bob');
    const [bobRef] = (await guard.listSessions('bob')).map((s) => s.ref);
    const { session } = await visit(await login('mallory'));
    expect(await session.revoke(bobRef!)).toBe(false);
    expect((await visit(bobs)).session.userId).toBe('bob');
  });

  it('revokeAllForUser (password change, account lock) ends every session of the user only', async () => {
    const { guard, visit, login, events } = setup();
    const alice = [await login('alice'), await login('alice')];
    const bob = await login('bob');
    expect(await guard.revokeAllForUser('alice', 'password_change')).toBe(2);
    for (const id of alice) expect((await visit(id)).session.active).toBe(false);
    expect((await visit(bob)).session.active).toBe(true);
    expect(events.filter((e) => e.type === 'session_revoked' && e.details?.reason === 'password_change')).toHaveLength(2);
  });

  it('logout ends the session and sends Clear-Site-Data and Cache-Control: no-store', async () => {
    const { visit, login } = setup();
    const id = await login('alice');
    const { session } = await visit(id);
    await session.logout();
    const headers = session.takeHeaders();
    expect(headers).toEqual([
      { name: 'Set-Cookie', value: '__Host-sid=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax', mode: 'append' },
      { name: 'Clear-Site-Data', value: '"cache", "cookies", "storage"', mode: 'set' },
      { name: 'Cache-Control', value: 'no-store', mode: 'set' },
    ]);
    expect((await visit(id)).session.active).toBe(false);
    await expect(session.readData()).rejects.toThrow(SessionRequiredError);
  });
});

describe('step-up', () => {
  it('requires an MFA verification within maxAgeMs on the chosen routes only', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { visit, login } = setup({ stepUp: { routes: ['/admin/**'], maxAgeMs: 10 * MINUTE } });
    expect((await visit(undefined, '/admin/users')).denied).toMatchObject({ status: 401, code: 'session_required' });
    const id = await login('alice');
    expect((await visit(id, '/ADMIN/users/')).denied).toMatchObject({ status: 401, code: 'step_up_required' });
    expect((await visit(id, '/account')).denied).toBeUndefined();
    const { session } = await visit(id, '/mfa');
    await session.markMfaVerified();
    const stepped = cookieSet(session.takeHeaders())!;
    expect(stepped).not.toBe(id);
    expect((await visit(stepped, '/admin/users')).denied).toBeUndefined();
    vi.setSystemTime(Date.now() + 4 * MINUTE);
    const again = await visit(stepped, '/admin');
    expect(again.denied).toBeUndefined();
    vi.setSystemTime(Date.now() + 7 * MINUTE);
    expect((await visit(again.setId ?? stepped, '/admin/users')).denied).toMatchObject({ code: 'step_up_required' });
  });
});

describe('seam and failures', () => {
  it('streamHeadersTo delivers queued headers and every later one to the sink', async () => {
    const { guard } = setup();
    const { session } = await guard.load(request(`__Host-sid=${'C'.repeat(43)}`));
    const seen: string[] = [];
    session.streamHeadersTo((name, value, mode) => seen.push(`${mode} ${name}: ${value.split(';')[0]}`));
    expect(seen).toEqual(['append Set-Cookie: __Host-sid=']);
    await session.login('alice');
    expect(seen[1]).toMatch(/^append Set-Cookie: __Host-sid=[A-Za-z0-9_-]{43}$/);
    expect(session.takeHeaders()).toEqual([]);
  });

  it('a store outage denies with 503 by default, or goes on without a session under allow', async () => {
    const failing = (): SecurityStore => ({ ...createMemoryStore(), get: () => Promise.reject(new StoreUnavailableError('store: down')) });
    const deny = setup({ store: failing() });
    expect((await deny.visit('D'.repeat(43))).denied).toMatchObject({ status: 503, code: 'session_unavailable' });
    const allow = setup({ store: failing(), onStoreError: 'allow' });
    const open = await allow.visit('D'.repeat(43));
    expect(open.failedOpen).toBe(true);
    expect(open.denied).toBeUndefined();
    expect(open.session.active).toBe(false);
  });

  it('log hashes are stable for one salt and differ between salts', async () => {
    const store = createMemoryStore();
    const a = setup({ store, logSalt: 'a-shared-salt-of-16+-bytes' });
    const b = setup({ store, logSalt: 'a-shared-salt-of-16+-bytes' });
    const c = setup({ store, logSalt: 'another-salt-of-16+-bytes' });
    const id = await a.login('alice');
    const [hashA, hashB, hashC] = await Promise.all([a, b, c].map(async (s) => ((await s.visit(id)).session as SessionHandle).logId));
    expect(hashA).toBe(hashB);
    expect(hashA).not.toBe(hashC);
  });

  it('readCookie finds the first session cookie as parseCookies would, never one inside another value (property)', () => {
    const name = fc.constantFrom('__Host-sid', 'x__Host-sid', '__Host-sidx', 'theme', 'sid');
    const value = fc.stringMatching(/^[A-Za-z0-9_=\- ]{0,20}$/).map((v) => v.trim());
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 6 }), fc.constantFrom('; ', ';', ';  '), (pairs, separator) => {
        const header = pairs.map(([n, v]) => `${n}=${v}`).join(separator);
        expect(readCookie(header, '__Host-sid')).toBe(parseCookies(header).get('__Host-sid'));
      }),
      { numRuns: 500 },
    );
    expect(readCookie('a=b __Host-sid=evil; __Host-sid=real', '__Host-sid')).toBe('real');
  });
});
