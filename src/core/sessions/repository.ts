/**
 * Sessions in the store. Per session: `sess:<sha256(id)>` holds the small record that every
 * request reads (or, for a replaced id, a short-lived pointer to its successor). Per user: the
 * capped collection `sessuser:{<user>}` lists the session hashes, oldest login first, so the cap
 * and "see and revoke my sessions" are one atomic operation each. What only the session list and
 * the application read lives apart, under the session's stable binding id (`sessmeta:<b>`: user
 * agent and IP at login; `sessdata:<b>`): rotation never copies it and a touch never overwrites it.
 *
 * Idle timeout is the record's TTL (pushed forward by touches); the absolute timeout caps every TTL.
 */

import { storeKey, taggedKey } from '../store/key.js';
import { syncReadOf } from '../store/memory-sync.js';
import type { StoreKey, TaggedStoreKey } from '../store/types.js';
import { newBindingId, newSessionId, storageHash } from './ids.js';
import type { NormalizedSessionOptions } from './options.js';
import { createParser, isPointer, MAX_AGENT, parseRecord, type LoginMeta, type NewSession, type Pointer, type RecordLocation, type SessionInfo, type SessionRecord, type StoredSession } from './records.js';

const MAX_POINTER_HOPS = 2;
const HASH = /^[A-Za-z0-9_-]{43}$/;

export type SessionRepository = ReturnType<typeof createSessionRepository>;

export function createSessionRepository(config: NormalizedSessionOptions) {
  // Logins are ordered by creation time; a thousandth of a millisecond keeps two logins of one
  // millisecond in order too (equal scores would fall back to comparing hashes).
  let lastCreated = 0;
  const creationTime = (now: number): number => (lastCreated = Math.max(now, lastCreated + 0.001));
  const { store, idleMs, absoluteMs, graceMs, maxPerUser } = config;
  const parseCached = createParser();
  const syncRead = syncReadOf(store);
  // A hash is base64url, which has none of the characters storeKey escapes: the key is built directly.
  const recordKey = (hash: string): StoreKey => `sess:${hash}` as StoreKey;
  const dataKey = (binding: string): StoreKey => storeKey('sessdata', binding);
  const metaKey = (binding: string): StoreKey => storeKey('sessmeta', binding);
  const owner = (userId: string): TaggedStoreKey => taggedKey('sessuser', userId);
  const endsAt = (record: SessionRecord): number => record.c + absoluteMs;
  const ttl = (record: SessionRecord, now: number): number => Math.floor(Math.min(idleMs, endsAt(record) - now));

  /** Removes a session's record and data; the collection entry is the caller's business. */
  async function erase(hash: string): Promise<SessionRecord | undefined> {
    const found = parseRecord(await store.take(recordKey(hash)));
    if (found === undefined || isPointer(found)) return undefined;
    await Promise.all([store.delete(dataKey(found.b)), store.delete(metaKey(found.b))]);
    return found;
  }

  /** Adds the hash to the user's collection; erases whatever the cap evicts. True when `hash` itself survived. */
  async function enlist(record: SessionRecord, hash: string, now: number): Promise<{ kept: boolean; evicted: string[] }> {
    const evicted = await store.addMember(owner(record.u), hash, { score: record.c, max: maxPerUser, ttlMs: Math.max(1, Math.floor(endsAt(record) - now)) });
    await Promise.all(evicted.map((h) => erase(h)));
    return { kept: !evicted.includes(hash), evicted: evicted.filter((h) => h !== hash) };
  }

  /** Drops collection entries whose record is gone (idle-expired sessions), so they do not hold a place under the cap. */
  async function prune(userId: string): Promise<Array<{ hash: string; record: SessionRecord; expiresInMs: number | undefined }>> {
    // Reads each member's record and TTL: a few round trips, at login and listing only.
    const members = await store.listMembers(owner(userId));
    const rows = await Promise.all(
      members.map(async (member) => {
        const [found, expiresInMs] = await Promise.all([store.get(recordKey(member.id)).then(parseRecord), store.ttlMs(recordKey(member.id))]);
        return { hash: member.id, found, expiresInMs };
      }),
    );
    const live: Array<{ hash: string; record: SessionRecord; expiresInMs: number | undefined }> = [];
    for (const row of rows) {
      if (row.found === undefined || isPointer(row.found)) await store.removeMember(owner(userId), row.hash);
      else live.push({ hash: row.hash, record: row.found, expiresInMs: row.expiresInMs });
    }
    return live;
  }

  return {
    /** Where a session's record lives; worth keeping for an id seen again (the key is built, and hashed by the Map, once). */
    locate: (hash: string): RecordLocation => ({ hash, key: recordKey(hash) }),

    /** The stored text of a record: one store read, the only one most requests make. */
    fetch(location: RecordLocation): Promise<string | undefined> {
      return store.get(location.key);
    },

    /** True when the store answers at once (the memory store, with its own `get`): `fetchAt` may be used. */
    readsNow: (): boolean => syncRead !== undefined && store.get === syncRead.get,
    /** `fetch` without the promise, at time `now`; throws where `fetch` rejects. */
    fetchAt: (location: RecordLocation, now: number): string | undefined => syncRead!.read(location.key, now),

    /** What the stored text is: a session, a replaced id's pointer, or nothing usable. */
    interpret(hash: string, text: string | undefined): StoredSession | Pointer | undefined {
      const found = parseCached(text);
      if (found === undefined || isPointer(found)) return found;
      return typeof found.u === 'string' && typeof found.c === 'number' && typeof found.r === 'number' ? { hash, record: found } : undefined;
    },

    /** Follows a replaced id's pointer while its grace lasts. */
    async follow(pointer: Pointer, now: number): Promise<StoredSession | undefined> {
      let current: StoredSession | Pointer | undefined = pointer;
      for (let hop = 0; hop < MAX_POINTER_HOPS && current !== undefined && isPointer(current); hop++) {
        if (now > current.until) return undefined;
        current = this.interpret(current.to, await store.get(recordKey(current.to)));
      }
      return current === undefined || isPointer(current) ? undefined : current;
    },

    /** Starts a session for a login. Throws `SessionLimitError` (via `kept`) when concurrent logins took every place. */
    async create(userId: string, meta: LoginMeta, now: number): Promise<NewSession & { kept: boolean; evicted: string[] }> {
      await prune(userId);
      const id = newSessionId();
      const hash = storageHash(id);
      const record: SessionRecord = {
        u: userId,
        c: creationTime(now),
        r: now,
        m: meta.mfaVerified ? now : undefined,
        b: newBindingId(),
      };
      const about = JSON.stringify({ a: meta.userAgent?.slice(0, MAX_AGENT), i: meta.clientIp });
      await Promise.all([
        store.set(recordKey(hash), JSON.stringify(record), { ttlMs: ttl(record, now) }),
        store.set(metaKey(record.b), about, { ttlMs: Math.floor(absoluteMs) }),
      ]);
      const { kept, evicted } = await enlist(record, hash, now);
      if (!kept) await erase(hash);
      return { id, hash, record, kept, evicted };
    },

    /**
     * Replaces a session's id. `busy`: another request is rotating it (keep using the old id, its
     * successor's cookie is on its way); `gone`: it was revoked or evicted meanwhile.
     */
    async rotate(current: StoredSession, now: number, changes: Partial<SessionRecord>, exclusive: boolean): Promise<NewSession | 'busy' | 'gone'> {
      if (exclusive && !(await store.setIfAbsent(storeKey('sesslock', current.hash), '1', { ttlMs: graceMs }))) return 'busy';
      const id = newSessionId();
      const hash = storageHash(id);
      const record: SessionRecord = { ...current.record, ...changes, r: now };
      const life = ttl(record, now);
      if (life <= 0) return 'gone';
      await store.set(recordKey(hash), JSON.stringify(record), { ttlMs: life });
      // Leaving the collection first proves the session was still live; a revocation racing
      // with this sees either the old hash (then this fails) or the new one (then it is erased).
      if (!(await store.removeMember(owner(record.u), current.hash))) {
        await store.delete(recordKey(hash));
        return 'gone';
      }
      if (!(await enlist(record, hash, now)).kept) {
        await store.delete(recordKey(hash));
        return 'gone';
      }
      const pointer: Pointer = { to: hash, until: now + graceMs };
      await store.set(recordKey(current.hash), JSON.stringify(pointer), { ttlMs: graceMs });
      return { id, hash, record };
    },

    /** Pushes the idle expiry forward. */
    async touch(session: StoredSession, now: number): Promise<void> {
      const life = ttl(session.record, now);
      if (life > 0) await store.expire(recordKey(session.hash), { ttlMs: life });
    },

    /** Ends one session of this user (never another user's, whatever `hash` names). True when it was live. */
    async end(userId: string, hash: string): Promise<boolean> {
      if (!HASH.test(hash)) return false; // refs come from forms: only the shape a hash has
      if (await store.removeMember(owner(userId), hash)) {
        await erase(hash);
        return true;
      }
      // Not listed (evicted, or its entry expired): erase the record only if it is this user's.
      const found = parseRecord(await store.get(recordKey(hash)));
      if (found === undefined || isPointer(found) || found.u !== userId) return false;
      return (await erase(hash)) !== undefined;
    },

    /** Ends every session of a user, or every one but `keep`. Returns the ended hashes. */
    async endAll(userId: string, keep?: string): Promise<string[]> {
      let hashes: string[];
      if (keep === undefined) {
        hashes = await store.removeAllMembers(owner(userId));
      } else {
        const members = await store.listMembers(owner(userId));
        const others = members.filter((m) => m.id !== keep).map((m) => m.id);
        const removed = await Promise.all(others.map((h) => store.removeMember(owner(userId), h)));
        hashes = others.filter((_, i) => removed[i]);
      }
      await Promise.all(hashes.map((h) => erase(h)));
      return hashes;
    },

    /** A user's live sessions, oldest login first. */
    async list(userId: string, now: number): Promise<SessionInfo[]> {
      const live = await prune(userId);
      const abouts = await Promise.all(live.map(({ record }) => store.get(metaKey(record.b))));
      return live.map(({ hash, record, expiresInMs }, index) => {
        let about: { a?: string; i?: string } = {};
        try {
          about = JSON.parse(abouts[index] ?? '{}') as { a?: string; i?: string };
        } catch {
          // unreadable metadata: listed without it
        }
        // A touch sets the TTL to the idle timeout (unless capped by the absolute end), so the
        // expiry minus the idle timeout is when the session was last used.
        const seen = expiresInMs === undefined ? record.r : now + expiresInMs - idleMs;
        return { ref: hash, createdAt: Math.floor(record.c), lastSeenAt: Math.min(now, Math.max(record.r, seen)), userAgent: about.a, ip: about.i, mfaVerifiedAt: record.m };
      });
    },

    async readData(record: SessionRecord): Promise<string | undefined> {
      return store.get(dataKey(record.b));
    },

    async writeData(record: SessionRecord, json: string, now: number): Promise<void> {
      await store.set(dataKey(record.b), json, { ttlMs: Math.max(1, Math.floor(endsAt(record) - now)) });
    },

    endsAt,
  };
}
