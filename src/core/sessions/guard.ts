/**
 * The session guard: a pure function of the request that loads its session (rotating or touching
 * it when due), applies step-up rules, and returns a handle plus the response headers it owes.
 * It never throws into the request path: store trouble follows `onStoreError`.
 */

import type { SecurityRequest } from '../http/types.js';
import { RecentMap } from '../recent-map.js';
import { createLogHasher, isSessionId, storageHash } from './ids.js';
import { readCookie } from './cookie.js';
import { createSessionEvents } from './events.js';
import { SessionHandle, type HandleDeps, type RequestMeta } from './handle.js';
import { normalizeSessionOptions, type SessionOptions } from './options.js';
import { checkUserId, isPointer, type Pointer, type RecordLocation, type SessionInfo, type StoredSession } from './records.js';
import { createSessionRepository } from './repository.js';

/** Why the guard stopped a request. Stable strings for the decision. */
export type SessionDenyCode = 'session_required' | 'step_up_required' | 'session_unavailable';

export interface SessionDenial {
  status: 401 | 503;
  code: SessionDenyCode;
  message: string;
}

export interface SessionLoadResult {
  /** Always present; `session.active` says whether the request has a session. */
  session: SessionHandle;
  /** Set when the request must be refused (step-up route without a recent MFA, or the store down under `deny`). */
  denied?: SessionDenial;
  /** The store did not answer and `onStoreError: 'allow'` let the request go on without a session. */
  failedOpen: boolean;
}

export interface SessionLoadContext {
  /** The resolved client IP (recorded at login, shown in the session list). */
  clientIp?: string | undefined;
  /** Path without the query string; default: taken from `request.url`. */
  path?: string | undefined;
  requestId?: string | undefined;
}

/** Why every session of a user is being ended, for the event log. */
export type RevokeAllReason = 'password_change' | 'account_lock' | 'logout_everywhere' | 'admin' | (string & {});

export interface SessionGuard {
  /** Loads the request's session; rotates its id every `rotateEveryMs`, pushes its idle expiry forward. */
  load(request: SecurityRequest, context?: SessionLoadContext): Promise<SessionLoadResult>;
  /** The stable CSRF binding of the session that `load()` found (or `login()` made) for this request. */
  csrfBinding(request: SecurityRequest): string | undefined;
  /** A user's live sessions, oldest first (for admin tools; the handle's `list()` is the user's own view). */
  listSessions(userId: string): Promise<SessionInfo[]>;
  /** Ends one session of a user by `ref`. */
  revokeSession(userId: string, ref: string): Promise<boolean>;
  /** Ends every session of a user: on password change, account lock, or "log out everywhere". Returns how many. */
  revokeAllForUser(userId: string, reason: RevokeAllReason): Promise<number>;
  /** Closes the store when the guard made it (the default memory store). */
  close(): Promise<void>;
}

const TOUCH_MEMORY = 10_000;
const LIVE_ID_MEMORY = 10_000;
const NO_CONTEXT: SessionLoadContext = Object.freeze({});

function pathOf(request: SecurityRequest): string {
  const url = request.url;
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start === -1) return '/';
  const end = url.slice(start).search(/[?#]/);
  return end === -1 ? url.slice(start) : url.slice(start, start + end);
}

/** The request as handles and events see it; path and user agent are read on first use only. */
class LazyMeta implements RequestMeta {
  readonly clientIp: string | undefined;
  readonly requestId: string | undefined;
  #path: string | undefined;
  constructor(
    readonly request: SecurityRequest,
    context: SessionLoadContext,
  ) {
    this.clientIp = context.clientIp;
    this.requestId = context.requestId;
    this.#path = context.path;
  }
  get path(): string {
    return (this.#path ??= pathOf(this.request));
  }
  get userAgent(): string | undefined {
    return this.request.headers.get('user-agent') ?? undefined;
  }
}

/** Creates the session guard. Options are validated here; mistakes throw `ConfigurationError`. */
export function createSessionGuard(options: SessionOptions = {}): SessionGuard {
  const config = normalizeSessionOptions(options);
  const repository = createSessionRepository(config);
  const emit = createSessionEvents(options.onEvent, options.logger);
  const logHash = createLogHasher(config.logSalt);
  const bindings = new WeakMap<SecurityRequest, string>();
  // Last touch per session in this process: idle expiry is pushed at most once per touch interval.
  const touched = new RecentMap<string, number>(TOUCH_MEMORY);
  /**
   * The storage hashes of ids this process recently found live, so a session's later requests skip
   * the SHA-256. Raw ids in process memory, which already holds every in-flight cookie and the
   * secrets that sign tokens; the store still never sees one. Only live ids enter, so made-up ids
   * cannot flush it.
   */
  const liveIds = new RecentMap<string, RecordLocation>(LIVE_ID_MEMORY);

  const deps: HandleDeps = {
    config,
    repository,
    emit,
    logHash,
    onChange: (request, session) => (session === undefined ? bindings.delete(request) : bindings.set(request, session.record.b)),
  };

  const metaOf = (request: SecurityRequest, context: SessionLoadContext): RequestMeta => new LazyMeta(request, context);

  /** The handle and the result; queues the cookie to send and applies step-up. */
  function finish(meta: RequestMeta, session: StoredSession | undefined, cookie: string | undefined, failed: boolean): SessionLoadResult {
    if (session !== undefined) bindings.set(meta.request, session.record.b);
    const handle = new SessionHandle(deps, meta, session);
    if (cookie !== undefined) handle.queue(cookie);
    if (failed && !config.failOpen) {
      return { session: handle, failedOpen: false, denied: { status: 503, code: 'session_unavailable', message: 'Service temporarily unavailable.' } };
    }
    const denied = config.stepUp === undefined ? undefined : stepUpDenial(meta.path ?? '/', handle);
    return denied === undefined ? { session: handle, failedOpen: failed } : { session: handle, failedOpen: failed, denied };
  }

  /** The slow path: a replaced id, an expired session, a rotation or a touch that is due; plus the cookie to send. */
  async function settle(hash: string, found: StoredSession | Pointer | undefined, meta: RequestMeta, now: number): Promise<{ session: StoredSession | undefined; cookie: string | undefined }> {
    if (found !== undefined && isPointer(found)) {
      // A replaced id within its grace: the request goes on as its successor, which carries on as is.
      const successor = await repository.follow(found, now);
      return { session: successor !== undefined && now < repository.endsAt(successor.record) ? successor : undefined, cookie: undefined };
    }
    if (found === undefined) {
      emit('session_expired', 'INFO', 'a request named a session that has ended or never existed', { sidHash: logHash(hash), reason: 'unknown_or_idle' }, meta);
      return { session: undefined, cookie: config.cookie.clear() };
    }
    const { record } = found;
    if (now >= repository.endsAt(record)) {
      await repository.end(record.u, found.hash);
      emit('session_expired', 'INFO', 'session ended: absolute timeout', { sidHash: logHash(found.hash), userId: record.u, reason: 'absolute' }, meta);
      return { session: undefined, cookie: config.cookie.clear() };
    }
    if (now - record.r >= config.rotateMs) {
      const next = await repository.rotate(found, now, {}, true);
      if (next === 'busy') return { session: found, cookie: undefined };
      if (next === 'gone') return { session: undefined, cookie: config.cookie.clear() };
      touched.set(next.hash, now);
      emit('session_renewed', 'INFO', 'session id replaced: periodic rotation', { sidHash: logHash(next.hash), previous: logHash(found.hash), userId: record.u, reason: 'periodic' }, meta);
      return { session: next, cookie: config.cookie.set(next.id) };
    }
    await repository.touch(found, now);
    touched.set(found.hash, now);
    return { session: found, cookie: undefined };
  }

  /** True when a live session needs no rotation, touch or expiry work now. */
  function settled(found: StoredSession | Pointer | undefined, now: number): found is StoredSession {
    if (found === undefined || isPointer(found)) return false;
    const { record } = found;
    if (now >= repository.endsAt(record) || now - record.r >= config.rotateMs) return false;
    // Touched recently: by its last id change, or else by this process (the map is read only then).
    return now - record.r < config.touchMs || now - (touched.get(found.hash) ?? 0) < config.touchMs;
  }

  function stepUpDenial(path: string, handle: SessionHandle): SessionDenial | undefined {
    const stepUp = config.stepUp!;
    const lower = path.toLowerCase();
    if (!stepUp.matchers.some((matches) => matches(lower))) return undefined;
    if (!handle.active) return { status: 401, code: 'session_required', message: 'Sign in to continue.' };
    if (!handle.mfaVerifiedWithin(stepUp.maxAgeMs)) return { status: 401, code: 'step_up_required', message: 'Verify with your second factor to continue.' };
    return undefined;
  }

  /** The store's answer at `now` turned into the result, through the slow path when something is due. */
  function conclude(location: RecordLocation, text: string | undefined, meta: RequestMeta, now: number, newId: string | undefined): SessionLoadResult | Promise<SessionLoadResult> {
    const { hash } = location;
    let found: StoredSession | Pointer | undefined;
    try {
      found = repository.interpret(hash, text);
      if (newId !== undefined && found !== undefined && !isPointer(found)) liveIds.set(newId, location);
      if (settled(found, now)) return finish(meta, found, undefined, false);
    } catch {
      return finish(meta, undefined, undefined, true);
    }
    return settleThenFinish(hash, found, meta, now);
  }

  async function settleThenFinish(hash: string, found: StoredSession | Pointer | undefined, meta: RequestMeta, now: number): Promise<SessionLoadResult> {
    try {
      const { session, cookie } = await settle(hash, found, meta, now);
      return finish(meta, session, cookie, false);
    } catch {
      // StoreUnavailableError, or anything unexpected: the declared policy decides, never a throw.
      return finish(meta, undefined, undefined, true);
    }
  }

  /** A store that answers later (Redis): the time is read once the answer is in. */
  async function fetchThenConclude(location: RecordLocation, meta: RequestMeta, newId: string | undefined): Promise<SessionLoadResult> {
    let text: string | undefined;
    try {
      text = await repository.fetch(location);
    } catch {
      return finish(meta, undefined, undefined, true);
    }
    return conclude(location, text, meta, Date.now(), newId);
  }

  /**
   * The steps of a load, without a promise as long as nothing needs one: the memory store answers
   * at once, and most requests find a live session with nothing due (no rotation, touch or expiry).
   */
  function loadNow(request: SecurityRequest, context: SessionLoadContext): SessionLoadResult | Promise<SessionLoadResult> {
    const meta = metaOf(request, context);
    const id = readCookie(request.headers.get('cookie'), config.cookie.name);
    if (id === undefined) return finish(meta, undefined, undefined, false);
    const remembered = liveIds.get(id);
    if (remembered === undefined && !isSessionId(id)) return finish(meta, undefined, config.cookie.clear(), false);
    const location = remembered ?? repository.locate(storageHash(id));
    // An id not yet known live is remembered if the store has its session.
    const newId = remembered === undefined ? id : undefined;
    if (!repository.readsNow()) return fetchThenConclude(location, meta, newId);
    const now = Date.now();
    let text: string | undefined;
    try {
      text = repository.fetchAt(location, now);
    } catch {
      return finish(meta, undefined, undefined, true);
    }
    return conclude(location, text, meta, now, newId);
  }

  return {
    load(request, context = NO_CONTEXT) {
      try {
        const result = loadNow(request, context);
        return result instanceof Promise ? result : Promise.resolve(result);
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },

    csrfBinding: (request) => bindings.get(request),

    listSessions: async (userId) => repository.list(checkUserId(userId), Date.now()),

    async revokeSession(userId, ref) {
      if (typeof ref !== 'string' || ref.length === 0 || ref.length > 128) return false;
      const ended = await repository.end(checkUserId(userId), ref);
      if (ended) emit('session_revoked', 'INFO', 'session revoked', { sidHash: logHash(ref), userId, reason: 'admin' });
      return ended;
    },

    async revokeAllForUser(userId, reason) {
      const ended = await repository.endAll(checkUserId(userId));
      for (const hash of ended) emit('session_revoked', 'INFO', `session revoked: ${String(reason).slice(0, 40)}`, { sidHash: logHash(hash), userId, reason });
      return ended.length;
    },

    async close() {
      if (config.ownsStore) await config.store.close();
    },
  };
}
