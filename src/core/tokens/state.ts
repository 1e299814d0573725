/**
 * What the token manager keeps in the store, per issuer:
 *
 *   tokrefresh:<iss>:<jti>     a live refresh token: its subject, family, claims and issue time;
 *                              once used, a marker { u: used at, n: next jti, r: the record }
 *   tokdeny:<iss>:j:<jti>      a revoked access token, until it would have expired
 *   tokdeny:<iss>:f:<family>   a revoked family (logout, reuse), until its last token would have expired
 *   toksubject:<iss>:<sub>     "tokens issued before this ms are revoked" (logout everywhere)
 *
 * Every key is one value: each check is a single GET, and the checks of one token run in parallel.
 */

import { storeKey } from '../store/key.js';
import type { SecurityStore, StoreKey } from '../store/types.js';

export interface RefreshRecord {
  /** Subject. */
  s: string;
  /** Family id (the `sid` claim). */
  f: string;
  /** Custom claims for the access tokens of this family. */
  c?: Record<string, unknown> | undefined;
  /** Issued at, ms. */
  t: number;
}

export interface UsedMarker {
  /** Used at, ms. */
  u: number;
  /** The jti of the refresh token issued in exchange. */
  n: string;
  /** The record as it was. */
  r: RefreshRecord;
}

export type RefreshState = { kind: 'live'; record: RefreshRecord } | { kind: 'used'; marker: UsedMarker } | { kind: 'missing' };

function isRecord(value: unknown): value is RefreshRecord {
  const r = value as RefreshRecord;
  return typeof r === 'object' && r !== null && typeof r.s === 'string' && typeof r.f === 'string' && typeof r.t === 'number';
}

/** Reads a stored value; anything unreadable counts as missing (fail closed). */
export function parseRefreshState(text: string | undefined): RefreshState {
  if (text === undefined) return { kind: 'missing' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'missing' };
  }
  const marker = value as UsedMarker;
  if (typeof marker === 'object' && marker !== null && typeof marker.u === 'number' && typeof marker.n === 'string' && isRecord(marker.r)) {
    return { kind: 'used', marker };
  }
  return isRecord(value) ? { kind: 'live', record: value } : { kind: 'missing' };
}

export interface TokenState {
  readonly store: SecurityStore;
  refreshKey(jti: string): StoreKey;
  deniedTokenKey(jti: string): StoreKey;
  deniedFamilyKey(family: string): StoreKey;
  subjectKey(subject: string): StoreKey;
}

export function createTokenState(store: SecurityStore, issuerTag: string): TokenState {
  return {
    store,
    refreshKey: (jti) => storeKey('tokrefresh', issuerTag, jti),
    deniedTokenKey: (jti) => storeKey('tokdeny', issuerTag, 'j', jti),
    deniedFamilyKey: (family) => storeKey('tokdeny', issuerTag, 'f', family),
    subjectKey: (subject) => storeKey('toksubject', issuerTag, subject),
  };
}
