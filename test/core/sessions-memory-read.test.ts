/** The session guard reads the memory store without awaiting it: the same answers as through `get`, and its policies hold. */

import { describe, expect, it } from 'vitest';
import type { SecurityRequest } from '../../src/core/http/types.js';
import { createSessionGuard, type SessionOptions } from '../../src/core/sessions/index.js';
import { createMemoryStore, StoreUnavailableError, type SecurityStore } from '../../src/core/store/index.js';

function request(cookie?: string): SecurityRequest {
  const headers = new Headers({ host: 'app.example' });
  if (cookie !== undefined) headers.set('cookie', `theme=dark; __Host-sid=${cookie}; lang=en`);
  return { method: 'GET', url: 'https://app.example/account', headers, secure: true };
}

async function loggedIn(options: SessionOptions & { store: SecurityStore }) {
  const guard = createSessionGuard(options);
  const { session } = await guard.load(request());
  await session.login('alice');
  const id = /^__Host-sid=([A-Za-z0-9_-]{43});/.exec(session.takeHeaders()[0]!.value)![1]!;
  return { guard, id };
}

describe('session loads on the memory store', () => {
  it('agree with a load through the store seam (a wrapped memory store)', async () => {
    const store = createMemoryStore();
    const { guard, id } = await loggedIn({ store });
    const wrapped = createSessionGuard({ store: { ...store } });
    for (const cookie of [id, 'B'.repeat(43), 'not an id', undefined]) {
      const [direct, through] = [await guard.load(request(cookie)), await wrapped.load(request(cookie))];
      expect([direct.session.active, direct.session.userId, direct.failedOpen, direct.denied]).toEqual([through.session.active, through.session.userId, through.failedOpen, through.denied]);
      expect(direct.session.takeHeaders()).toEqual(through.session.takeHeaders());
    }
    expect(guard.csrfBinding(request(id))).toBeUndefined(); // bound per request object, not per id
  });

  it('honour a get replaced after the guard was made', async () => {
    const store = createMemoryStore();
    const { guard, id } = await loggedIn({ store });
    const own = store.get;
    store.get = () => Promise.reject(new StoreUnavailableError('store: down'));
    expect((await guard.load(request(id))).denied).toMatchObject({ status: 503, code: 'session_unavailable' });
    store.get = own;
    expect((await guard.load(request(id))).session.userId).toBe('alice');
  });

  it('follow the store-error policy when the store is closed', async () => {
    for (const onStoreError of ['deny', 'allow'] as const) {
      const store = createMemoryStore();
      const { guard, id } = await loggedIn({ store, onStoreError });
      await store.close();
      const result = await guard.load(request(id));
      expect(result.session.active).toBe(false);
      if (onStoreError === 'deny') expect(result.denied).toMatchObject({ status: 503, code: 'session_unavailable' });
      else expect([result.failedOpen, result.denied]).toEqual([true, undefined]);
    }
  });

  it('always answer with a promise, which rejects rather than throws on a malformed request', async () => {
    const { guard, id } = await loggedIn({ store: createMemoryStore() });
    const result = guard.load(request(id));
    expect(result).toBeInstanceOf(Promise);
    expect((await result).session.active).toBe(true);
    let pending: Promise<unknown> | undefined;
    expect(() => (pending = guard.load({ method: 'GET', url: 'https://app.example/' } as unknown as SecurityRequest))).not.toThrow();
    await expect(pending).rejects.toThrow(TypeError);
  });

  it('stop at once when a session whose id was remembered ends, and still refuse malformed ids', async () => {
    const store = createMemoryStore();
    const { guard, id } = await loggedIn({ store });
    for (let i = 0; i < 3; i++) expect((await guard.load(request(id))).session.userId).toBe('alice');
    expect(await guard.revokeAllForUser('alice', 'logout_everywhere')).toBe(1);
    const after = await guard.load(request(id));
    expect(after.session.active).toBe(false);
    expect(after.session.takeHeaders()[0]!.value).toMatch(/^__Host-sid=;/);
    const malformed = await guard.load(request('not an id'));
    expect([malformed.session.active, malformed.session.takeHeaders()[0]!.value]).toEqual([false, expect.stringMatching(/^__Host-sid=;/) as unknown]);
  });
});
