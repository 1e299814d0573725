/** What a session record is, how its stored text is read back, and the user ids it may hold. */

import { InvalidInputError } from '../errors.js';
import { hasControlCharacter } from '../control-characters.js';
import type { StoreKey } from '../store/types.js';

export interface SessionRecord {
  /** User id. */
  u: string;
  /** Created (login), ms. */
  c: number;
  /** Last id change, ms. */
  r: number;
  /** Last MFA verification, ms. */
  m?: number | undefined;
  /** Stable binding id: CSRF tokens and application data hang on it; it survives rotation. */
  b: string;
}

export interface Pointer {
  /** Hash of the successor. */
  to: string;
  /** Until when the old id may still be used, ms. */
  until: number;
}

export interface StoredSession {
  hash: string;
  record: SessionRecord;
}

export interface RecordLocation {
  readonly hash: string;
  readonly key: StoreKey;
}

export interface NewSession extends StoredSession {
  id: string;
}

export interface SessionInfo {
  /** Reference for `revoke(ref)`: not the session id, and useless as a cookie. */
  ref: string;
  createdAt: number;
  /** When the session was last used, to within the touch interval. */
  lastSeenAt: number;
  userAgent: string | undefined;
  ip: string | undefined;
  mfaVerifiedAt: number | undefined;
}

export interface LoginMeta {
  userAgent?: string | undefined;
  clientIp?: string | undefined;
  mfaVerified?: boolean | undefined;
}

const MAX_USER_ID = 256;
export const MAX_AGENT = 256;

export function checkUserId(userId: unknown): string {
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > MAX_USER_ID || hasControlCharacter(userId)) {
    throw new InvalidInputError(`sessions: the user id must be a non-empty string of at most ${MAX_USER_ID} characters without control characters`);
  }
  return userId;
}

export function parseRecord(text: string | undefined): SessionRecord | Pointer | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as SessionRecord | Pointer;
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parsed values by their exact text: every request reads a record, and most read the same few
 * again. Keyed by content, so a hit is always the same value; the values are frozen and never changed.
 */
const PARSED_CACHE = 2048;

export function createParser(): (text: string | undefined) => SessionRecord | Pointer | undefined {
  const cache = new Map<string, SessionRecord | Pointer>();
  return (text) => {
    if (text === undefined) return undefined;
    const hit = cache.get(text);
    if (hit !== undefined) return hit;
    const value = parseRecord(text);
    if (value === undefined) return undefined;
    if (cache.size >= PARSED_CACHE) cache.clear();
    cache.set(text, Object.freeze(value));
    return value;
  };
}

export const isPointer = (value: SessionRecord | Pointer | StoredSession): value is Pointer => typeof (value as Pointer).to === 'string';
