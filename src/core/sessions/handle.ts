/**
 * The per-request session handle the application uses (`context.session`). Every change that the
 * client must learn (a new cookie, a cleared one, logout's Clear-Site-Data) is queued as a response
 * header; the adapter either drains the queue (`takeHeaders()`) before it writes the response, or
 * hands a sink (`streamHeadersTo()`) that receives queued and later headers at once.
 */

import { InvalidInputError } from '../errors.js';
import type { SecurityRequest } from '../http/types.js';
import { SessionLimitError, SessionRequiredError } from './errors.js';
import type { EmitSessionEvent, SessionEventContext } from './events.js';
import type { NormalizedSessionOptions } from './options.js';
import { checkUserId, type SessionInfo, type StoredSession } from './records.js';
import type { SessionRepository } from './repository.js';

export interface PendingHeader {
  name: string;
  value: string;
  /** `append` for Set-Cookie, `set` for headers that must appear once. */
  mode: 'append' | 'set';
}

/** Receives response headers; throws when the response has already started (the change then cannot reach the client). */
export type HeaderSink = (name: string, value: string, mode: 'append' | 'set') => void;

/** A user's session as the handle and `list()` show it. */
export interface SessionListEntry extends SessionInfo {
  /** This request's session. */
  current: boolean;
}

const MAX_DATA_LENGTH = 65_536;
const CLEAR_SITE_DATA = '"cache", "cookies", "storage"';

/** What every handle of one guard shares. */
export interface HandleDeps {
  config: NormalizedSessionOptions;
  repository: SessionRepository;
  emit: EmitSessionEvent;
  logHash: (storageHash: string) => string;
  /** Called when the request's session (and so its CSRF binding) changes. */
  onChange: (request: SecurityRequest, session: StoredSession | undefined) => void;
}

/** The request as the handle needs it; `path` and `userAgent` are read only when used. */
export interface RequestMeta extends SessionEventContext {
  readonly request: SecurityRequest;
  readonly userAgent: string | undefined;
}

/** The session of one request. Inactive (`active: false`) until `login()` when the request had none. */
export class SessionHandle {
  #current: StoredSession | undefined;
  #pending: PendingHeader[] | undefined;
  #sink: HeaderSink | undefined;
  readonly #deps: HandleDeps;
  readonly #meta: RequestMeta;

  /** @internal Made by the session guard. */
  constructor(deps: HandleDeps, meta: RequestMeta, current: StoredSession | undefined) {
    this.#deps = deps;
    this.#meta = meta;
    this.#current = current;
  }

  get active(): boolean {
    return this.#current !== undefined;
  }
  get userId(): string | undefined {
    return this.#current?.record.u;
  }
  /** Login time, ms since the epoch. */
  get createdAt(): number | undefined {
    return this.#current?.record.c;
  }
  /** Last MFA verification, ms since the epoch. */
  get mfaVerifiedAt(): number | undefined {
    return this.#current?.record.m;
  }
  /** When the absolute timeout ends this session, ms since the epoch. */
  get expiresAt(): number | undefined {
    return this.#current === undefined ? undefined : this.#deps.repository.endsAt(this.#current.record);
  }
  /** Stable for the session's life, across rotations: what CSRF tokens bind to. Never sent to the client. */
  get csrfBinding(): string | undefined {
    return this.#current?.record.b;
  }
  /** The session's salted hash, for your own logs. */
  get logId(): string | undefined {
    return this.#current === undefined ? undefined : this.#deps.logHash(this.#current.hash);
  }

  /** True when the session passed MFA within `maxAgeMs`. */
  mfaVerifiedWithin(maxAgeMs: number): boolean {
    const at = this.#current?.record.m;
    return at !== undefined && Date.now() - at <= maxAgeMs;
  }

  /** Starts a session for `userId` with a fresh id; any session this request had ends first (no fixation). */
  async login(userId: string, options: { mfaVerified?: boolean } = {}): Promise<void> {
    checkUserId(userId);
    if (this.#current !== undefined) await this.#end('login');
    const now = Date.now();
    const created = await this.#deps.repository.create(userId, { userAgent: this.#meta.userAgent, clientIp: this.#meta.clientIp, mfaVerified: options.mfaVerified }, now);
    for (const hash of created.evicted) this.#event('session_revoked', 'session ended: per-user limit reached by a new login', hash, { userId, reason: 'limit' });
    if (!created.kept) throw new SessionLimitError('sessions: concurrent logins of this user took every place under the per-user limit');
    this.#use(created);
    this.#queue(this.#deps.config.cookie.set(created.id), 'append');
    this.#event('session_created', 'session created', created.hash, { userId, mfa: options.mfaVerified === true });
  }

  /** Ends this session and tells the browser to drop its cookies, storage and cache. */
  async logout(): Promise<void> {
    if (this.#current !== undefined) await this.#end('logout');
    this.#clearSite();
  }

  /** Ends every session of this user, this one included (logout everywhere). Returns how many ended. */
  async logoutEverywhere(): Promise<number> {
    const current = this.#require();
    const ended = await this.#deps.repository.endAll(current.record.u);
    for (const hash of ended) this.#event('session_revoked', 'session revoked: logout everywhere', hash, { userId: current.record.u, reason: 'logout_everywhere' });
    this.#use(undefined);
    this.#clearSite();
    return ended.length;
  }

  /** Ends every other session of this user. Returns how many ended. */
  async logoutOthers(): Promise<number> {
    const current = this.#require();
    const ended = await this.#deps.repository.endAll(current.record.u, current.hash);
    for (const hash of ended) this.#event('session_revoked', 'session revoked: logout of other sessions', hash, { userId: current.record.u, reason: 'logout_others' });
    return ended.length;
  }

  /** Gives the session a new id now (after a privilege change); the old id works for the grace period. */
  async rotate(): Promise<void> {
    await this.#rotate({}, 'privilege_change');
  }

  /** Records a successful MFA verification (for step-up routes) and rotates the id. */
  async markMfaVerified(): Promise<void> {
    await this.#rotate({ m: Date.now() }, 'mfa_verified');
  }

  /** This user's sessions, oldest login first. */
  async list(): Promise<SessionListEntry[]> {
    const current = this.#require();
    const sessions = await this.#deps.repository.list(current.record.u, Date.now());
    return sessions.map((info) => ({ ...info, current: info.ref === current.hash }));
  }

  /** Ends one of this user's sessions by its `ref` from `list()`. False when it was not (or no longer) theirs. */
  async revoke(ref: string): Promise<boolean> {
    const current = this.#require();
    if (typeof ref !== 'string' || ref.length === 0 || ref.length > 128) return false;
    if (ref === current.hash) {
      await this.logout();
      return true;
    }
    const ended = await this.#deps.repository.end(current.record.u, ref);
    if (ended) this.#event('session_revoked', 'session revoked by its user', ref, { userId: current.record.u, reason: 'revoked' });
    return ended;
  }

  /** The application data stored with this session (JSON), or undefined. */
  async readData<T = unknown>(): Promise<T | undefined> {
    const text = await this.#deps.repository.readData(this.#require().record);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      return undefined;
    }
  }

  /** Replaces the application data (JSON, at most 64 KiB). It survives rotation and ends with the session. */
  async writeData(value: unknown): Promise<void> {
    const current = this.#require();
    const json = JSON.stringify(value);
    if (json === undefined || json.length > MAX_DATA_LENGTH) throw new InvalidInputError(`sessions: data must be JSON of at most ${MAX_DATA_LENGTH} characters`);
    await this.#deps.repository.writeData(current.record, json, Date.now());
  }

  /** Headers the response owes the client, removed from the queue. Adapters call this before writing the response. */
  takeHeaders(): PendingHeader[] {
    const out = this.#pending ?? [];
    this.#pending = undefined;
    return out;
  }

  /** Sends queued and all later headers straight to `sink` (for frameworks whose response is open until the handler ends). */
  streamHeadersTo(sink: HeaderSink): void {
    this.#sink = sink;
    for (const header of this.takeHeaders()) sink(header.name, header.value, header.mode);
  }

  /** @internal The guard queues cookies from loading (rotation, a dead session's cookie). */
  queue(value: string): void {
    this.#queue(value, 'append');
  }

  #queue(value: string, mode: 'append' | 'set', name = 'Set-Cookie'): void {
    if (this.#sink !== undefined) this.#sink(name, value, mode);
    else (this.#pending ??= []).push({ name, value, mode });
  }

  #clearSite(): void {
    this.#queue(this.#deps.config.cookie.clear(), 'append');
    this.#queue(CLEAR_SITE_DATA, 'set', 'Clear-Site-Data');
    this.#queue('no-store', 'set', 'Cache-Control');
  }

  #require(): StoredSession {
    if (this.#current === undefined) throw new SessionRequiredError('sessions: this request has no active session');
    return this.#current;
  }

  #use(session: StoredSession | undefined): void {
    this.#current = session;
    this.#deps.onChange(this.#meta.request, session);
  }

  async #end(reason: string): Promise<void> {
    const current = this.#current!;
    this.#use(undefined);
    if (await this.#deps.repository.end(current.record.u, current.hash)) {
      this.#event('session_revoked', `session ended: ${reason}`, current.hash, { userId: current.record.u, reason });
    }
  }

  async #rotate(changes: { m?: number }, reason: string): Promise<void> {
    const current = this.#require();
    const next = await this.#deps.repository.rotate(current, Date.now(), changes, false);
    if (next === 'gone' || next === 'busy') {
      this.#use(undefined);
      this.#queue(this.#deps.config.cookie.clear(), 'append');
      throw new SessionRequiredError('sessions: the session ended while it was being rotated');
    }
    this.#use(next);
    this.#queue(this.#deps.config.cookie.set(next.id), 'append');
    this.#event('session_renewed', `session id replaced: ${reason}`, next.hash, { userId: next.record.u, previous: this.#deps.logHash(current.hash), reason });
  }

  #event(type: 'session_created' | 'session_renewed' | 'session_revoked', description: string, hash: string, details: Record<string, unknown>): void {
    this.#deps.emit(type, 'INFO', description, { sidHash: this.#deps.logHash(hash), ...details }, this.#meta);
  }
}
