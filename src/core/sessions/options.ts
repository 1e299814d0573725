/** `createSessionGuard` options, validated once at construction. */

import { checkBoolean, checkInteger, checkKeys, checkOneOf, fail, isPlainObject } from '../config/check-options.js';
import type { PinoLikeLogger } from '../events/types.js';
import { compilePathPattern, type PathMatcher } from '../routes/path-pattern.js';
import { createMemoryStore } from '../store/memory.js';
import type { SecurityStore } from '../store/types.js';
import { createSessionCookie, type SessionCookie, type SessionCookieOptions } from './cookie.js';
import type { SessionEvent } from './events.js';

export interface StepUpOptions {
  /** Path patterns (`/admin/**`, `/account/password`) that need a recent MFA verification. */
  routes: readonly string[];
  /** How recent, in ms. Default 15 minutes. */
  maxAgeMs?: number;
}

export interface SessionOptions {
  /** Default: an in-process memory store (one process only; use Redis for more). */
  store?: SecurityStore;
  cookie?: SessionCookieOptions;
  /** Ends a session unused for this long, in ms. Default 15 minutes. */
  idleTimeoutMs?: number;
  /** Ends every session this long after login, in ms, however active. Default 8 hours. */
  absoluteTimeoutMs?: number;
  /** A session's id is replaced this often while it is used, in ms. Default 5 minutes. */
  rotateEveryMs?: number;
  /** How long a replaced id keeps working for requests already in flight, in ms. Default 10 seconds. */
  rotationGraceMs?: number;
  /** Idle expiry is pushed forward at most this often per session and process, in ms. Default 60 seconds. */
  touchIntervalMs?: number;
  /** Sessions per user; a new login evicts the oldest beyond it. Default 3. */
  maxPerUser?: number;
  /** Routes that need an MFA-verified session, verified within `maxAgeMs`. */
  stepUp?: StepUpOptions;
  /** When the store does not answer: `deny` (default, 503) or `allow` (the request goes on without a session). */
  onStoreError?: 'deny' | 'allow';
  /** Salt for the hashed session ids in events; share it between processes to correlate. Default: random per guard. */
  logSalt?: string | Uint8Array;
  onEvent?: (event: SessionEvent) => void;
  logger?: PinoLikeLogger;
}

export interface NormalizedSessionOptions {
  store: SecurityStore;
  ownsStore: boolean;
  cookie: SessionCookie;
  idleMs: number;
  absoluteMs: number;
  rotateMs: number;
  graceMs: number;
  touchMs: number;
  maxPerUser: number;
  stepUp: { matchers: PathMatcher[]; maxAgeMs: number } | undefined;
  failOpen: boolean;
  logSalt: Uint8Array;
}

const KNOWN = [
  'store', 'cookie', 'idleTimeoutMs', 'absoluteTimeoutMs', 'rotateEveryMs', 'rotationGraceMs', 'touchIntervalMs', 'maxPerUser',
  'stepUp', 'onStoreError', 'logSalt', 'onEvent', 'logger',
];
const PATH = 'sessions';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function checkStore(store: unknown): SecurityStore {
  const candidate = store as Partial<SecurityStore>;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.addMember !== 'function' || typeof candidate.get !== 'function') {
    fail(`${PATH}.store`, 'expected a store from bulwark/store (createMemoryStore, createRedisStore, createRedisClusterStore)');
  }
  return candidate as SecurityStore;
}

function normalizeStepUp(value: unknown): NormalizedSessionOptions['stepUp'] {
  if (value === undefined) return undefined;
  checkKeys(`${PATH}.stepUp`, value, ['routes', 'maxAgeMs']);
  const { routes, maxAgeMs } = value as StepUpOptions;
  if (!Array.isArray(routes) || routes.length === 0) fail(`${PATH}.stepUp.routes`, 'expected a non-empty list of path patterns such as "/admin/**"');
  return {
    matchers: routes.map((route, i) => compilePathPattern(`${PATH}.stepUp.routes[${i}]`, route)),
    maxAgeMs: checkInteger(`${PATH}.stepUp.maxAgeMs`, maxAgeMs, 1000, DAY) ?? 15 * MINUTE,
  };
}

function normalizeSalt(value: unknown): Uint8Array {
  if (value === undefined) return crypto.getRandomValues(new Uint8Array(32));
  const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value instanceof Uint8Array ? value : undefined;
  if (bytes === undefined || bytes.length < 16) fail(`${PATH}.logSalt`, 'expected at least 16 bytes (a string or bytes)');
  return bytes;
}

export function normalizeSessionOptions(options: SessionOptions): NormalizedSessionOptions {
  checkKeys(PATH, options, KNOWN);
  const cookieOptions = options.cookie ?? {};
  if (!isPlainObject(cookieOptions)) fail(`${PATH}.cookie`, 'expected { name, sameSite, persistent }');
  checkKeys(`${PATH}.cookie`, cookieOptions, ['name', 'sameSite', 'persistent']);
  const idleMs = checkInteger(`${PATH}.idleTimeoutMs`, options.idleTimeoutMs, 10_000, 30 * DAY) ?? 15 * MINUTE;
  const absoluteMs = checkInteger(`${PATH}.absoluteTimeoutMs`, options.absoluteTimeoutMs, 10_000, 366 * DAY) ?? 8 * 60 * MINUTE;
  if (absoluteMs < idleMs) fail(`${PATH}.absoluteTimeoutMs`, 'must be at least idleTimeoutMs');
  const rotateMs = checkInteger(`${PATH}.rotateEveryMs`, options.rotateEveryMs, 1000, 30 * DAY) ?? 5 * MINUTE;
  const graceMs = checkInteger(`${PATH}.rotationGraceMs`, options.rotationGraceMs, 1000, 5 * MINUTE) ?? 10_000;
  const touchMs = checkInteger(`${PATH}.touchIntervalMs`, options.touchIntervalMs, 1000, idleMs) ?? Math.min(MINUTE, Math.floor(idleMs / 4));
  const persistent = checkBoolean(`${PATH}.cookie.persistent`, cookieOptions.persistent) ?? false;
  const name = cookieOptions.name ?? '__Host-sid';
  if (typeof name !== 'string') fail(`${PATH}.cookie.name`, 'expected a cookie name such as "__Host-sid"');
  let cookie: SessionCookie;
  try {
    cookie = createSessionCookie(name, checkOneOf(`${PATH}.cookie.sameSite`, cookieOptions.sameSite, ['Lax', 'Strict'] as const) ?? 'Lax', persistent ? Math.floor(absoluteMs / 1000) : undefined);
  } catch (error) {
    if (error instanceof Error && error.name === 'ConfigurationError') throw error;
    return fail(`${PATH}.cookie.name`, 'expected an RFC 6265 cookie name');
  }
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') fail(`${PATH}.onEvent`, 'expected a function (event) => void');
  return {
    store: options.store === undefined ? createMemoryStore() : checkStore(options.store),
    ownsStore: options.store === undefined,
    cookie,
    idleMs,
    absoluteMs,
    rotateMs,
    graceMs,
    touchMs,
    maxPerUser: checkInteger(`${PATH}.maxPerUser`, options.maxPerUser, 1, 1000) ?? 3,
    stepUp: normalizeStepUp(options.stepUp),
    failOpen: (checkOneOf(`${PATH}.onStoreError`, options.onStoreError, ['deny', 'allow'] as const) ?? 'deny') === 'allow',
    logSalt: normalizeSalt(options.logSalt),
  };
}
