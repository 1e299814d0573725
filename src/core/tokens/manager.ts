/**
 * The token manager: short-lived access tokens, rotating refresh tokens with reuse detection, a
 * denylist and per-subject revocation, all on one store. See docs/tokens.md for the threat model.
 */

import { compactVerify, decodeProtectedHeader, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { StoreUnavailableError } from '../store/errors.js';
import { fromRandomBytes } from '../random/pool.js';
import type { TokenContext } from './binding.js';
import { ACCESS_TYP, checkClaims, checkSubject, REFRESH_TYP, signPair, type AccessTokenClaims, type TokenPair } from './claims.js';
import { TokenError, TokenInvalidError, TokenRevokedError, TokenReusedError } from './errors.js';
import { createTokenEvents } from './events.js';
import { issuedAtMs, timeOrderedId } from './ids.js';
import { publicJwks } from './keys.js';
import { normalizeTokenOptions, type TokenManagerOptions } from './options.js';
import { createTokenState, parseRefreshState, type RefreshRecord, type UsedMarker } from './state.js';
import { checkCompactStructure, toTokenError } from './verify.js';

/** Extra life for family and subject revocations, beyond the last token they could cover. */
const REVOCATION_MARGIN_MS = 5 * 60_000;

export interface TokenManager {
  /** Starts a family: a new access token and refresh token for `subject`, with optional custom claims. */
  issue(subject: string, claims?: Record<string, unknown>, context?: TokenContext): Promise<TokenPair>;
  /** Verifies an access token (signature, algorithm, type, claims, binding, denylist). Throws a `TokenError`, or `StoreUnavailableError` per `onStoreError`. */
  verifyAccess(token: string, context?: TokenContext): Promise<AccessTokenClaims>;
  /** Exchanges a refresh token for a new pair, consuming it; a second use revokes the family (`TokenReusedError`). */
  refresh(refreshToken: string, context?: TokenContext): Promise<TokenPair>;
  /** Revokes one access token, or a refresh token's whole family (logout). Expired tokens need nothing. */
  revoke(token: string): Promise<void>;
  /** Revokes every token issued to `subject` until now (logout everywhere, password change, account lock). */
  revokeAllForSubject(subject: string): Promise<void>;
  /** The public keys as a JWKS document, for `/.well-known/jwks.json`. */
  jwks(): { keys: JWK[] };
  /** Closes the store when the manager made it (the default memory store). */
  close(): Promise<void>;
}

const randomFamilyId = (): string => fromRandomBytes(16, (bytes, start) => Buffer.from(bytes.buffer, bytes.byteOffset + start, 16).toString('base64url'));

/** Creates a token manager. Options are validated here; bad keys or options throw `ConfigurationError`. */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const ownsStore = options.store === undefined;
  const config = normalizeTokenOptions(options);
  const { store, resolver, issuer, audience, binding, graceMs, refreshTtlMs } = config;
  const state = createTokenState(store, config.issuerTag);
  const emit = createTokenEvents(options.onEvent, options.logger);
  const toleranceMs = config.toleranceSeconds * 1000;
  const verifyOptions = (typ: string, aud: string | string[]) => ({
    algorithms: resolver.algorithms as string[],
    issuer,
    audience: aud,
    typ,
    clockTolerance: config.toleranceSeconds,
    requiredClaims: ['exp', 'iat', 'jti', 'sub', 'sid'],
  });
  const accessVerify = verifyOptions(ACCESS_TYP, audience);
  // Tokens this process issues after its own revokeAllForSubject() are never stamped before that
  // cut-off, even within the same millisecond (a password change that logs the user back in).
  let clockFloor = 0;
  const now = (): number => Math.max(Date.now(), clockFloor);
  const refreshVerify = verifyOptions(REFRESH_TYP, issuer);

  async function verifyJwt(token: string, verifyWith: typeof accessVerify): Promise<JWTPayload & { sub: string; jti: string; sid: string; exp: number }> {
    checkCompactStructure(token, config.maxTokenLength);
    try {
      const { payload } = await jwtVerify(token, resolver, verifyWith);
      if (typeof payload.sid !== 'string' || typeof payload.jti !== 'string') throw new TokenInvalidError('claims');
      return payload as JWTPayload & { sub: string; jti: string; sid: string; exp: number };
    } catch (error) {
      throw toTokenError(error);
    }
  }

  function checkBinding(payload: JWTPayload, context: TokenContext | undefined): void {
    if (binding === undefined || payload.bnd === binding.claim(context)) return;
    emit('authn_token_binding_mismatch', 'WARN', 'a token was presented by another client than it was issued to', {
      subject: payload.sub,
      jti: payload.jti,
      mode: binding.mode,
    });
    if (binding.mode === 'reject') throw new TokenInvalidError('binding');
  }

  function remainingMs(exp: number, at: number): number {
    return Math.max(1000, exp * 1000 - at + toleranceMs);
  }

  async function startPair(record: RefreshRecord, context: TokenContext | undefined, at: number, refreshJti?: string): Promise<TokenPair> {
    const bnd = binding?.claim(context);
    const { pair, refreshJti: jti } = await signPair(config, { subject: record.s, family: record.f, claims: record.c, binding: bnd, nowMs: at, ...(refreshJti ? { refreshJti } : {}) });
    const next: RefreshRecord = { s: record.s, f: record.f, c: record.c, t: at };
    await store.set(state.refreshKey(jti), JSON.stringify(next), { ttlMs: refreshTtlMs + toleranceMs });
    return pair;
  }

  /** A used refresh token came back: another pair within the grace window, otherwise the family is revoked. */
  async function reused(marker: UsedMarker, payload: { sub: string; jti: string; sid: string }, context: TokenContext | undefined, at: number): Promise<TokenPair> {
    if (graceMs > 0 && at - marker.u <= graceMs) return startPair(marker.r, context, at);
    await Promise.all([
      store.set(state.deniedFamilyKey(payload.sid), '1', { ttlMs: refreshTtlMs + REVOCATION_MARGIN_MS }),
      store.delete(state.refreshKey(marker.n)),
    ]);
    emit('authn_token_reuse', 'CRITICAL', 'a consumed refresh token was presented again; its family is revoked', {
      subject: payload.sub,
      jti: payload.jti,
      family: payload.sid,
      usedMsAgo: at - marker.u,
    });
    throw new TokenReusedError();
  }

  async function subjectCutoff(subject: string): Promise<number | undefined> {
    const value = await store.get(state.subjectKey(subject));
    return value === undefined ? undefined : Number(value);
  }

  return {
    async issue(subject, claims, context) {
      const record: RefreshRecord = { s: checkSubject(subject), f: randomFamilyId(), c: checkClaims(claims), t: now() };
      const pair = await startPair(record, context, record.t);
      emit('authn_token_created', 'INFO', 'a token family was issued', { subject: record.s, family: record.f });
      return pair;
    },

    async verifyAccess(token, context) {
      const payload = await verifyJwt(token, accessVerify);
      checkBinding(payload, context);
      let checks: [string | undefined, string | undefined, number | undefined];
      try {
        checks = await Promise.all([
          store.get(state.deniedTokenKey(payload.jti)),
          store.get(state.deniedFamilyKey(payload.sid)),
          subjectCutoff(payload.sub),
        ]);
      } catch (error) {
        if (!(error instanceof StoreUnavailableError) || !config.failOpen) throw error instanceof StoreUnavailableError ? error : toTokenError(error);
        emit('authn_token_store_fail_open', 'WARN', 'the store did not answer; a signed access token was accepted without the denylist check', {
          subject: payload.sub,
          jti: payload.jti,
        });
        return payload as AccessTokenClaims;
      }
      const [deniedToken, deniedFamily, cutoff] = checks;
      if (deniedToken !== undefined) throw new TokenRevokedError('revoked');
      if (deniedFamily !== undefined) throw new TokenRevokedError('family_revoked');
      if (cutoff !== undefined && (issuedAtMs(payload.jti) ?? (payload.iat ?? 0) * 1000) < cutoff) throw new TokenRevokedError('subject_revoked');
      return payload as AccessTokenClaims;
    },

    async refresh(refreshToken, context) {
      const payload = await verifyJwt(refreshToken, refreshVerify);
      checkBinding(payload, context);
      const at = now();
      const key = state.refreshKey(payload.jti);
      // The family and subject are checked before the token is consumed: a concurrent reuse that
      // revokes the family can then never take the pair from the one request that won the swap.
      const [current, deniedFamily, cutoff] = await Promise.all([store.get(key), store.get(state.deniedFamilyKey(payload.sid)), subjectCutoff(payload.sub)]);
      if (deniedFamily !== undefined) throw new TokenRevokedError('family_revoked');
      const seen = parseRefreshState(current);
      if (seen.kind === 'missing') throw new TokenRevokedError('unknown');
      const record = seen.kind === 'live' ? seen.record : seen.marker.r;
      if (record.f !== payload.sid || record.s !== payload.sub) throw new TokenInvalidError('claims');
      if (cutoff !== undefined && record.t < cutoff) throw new TokenRevokedError('subject_revoked');
      if (seen.kind === 'used') return reused(seen.marker, payload, context, at);

      const nextJti = timeOrderedId(at);
      const marker: UsedMarker = { u: at, n: nextJti, r: record };
      const previous = parseRefreshState(await store.swap(key, JSON.stringify(marker), { ttlMs: remainingMs(payload.exp, at) }));
      if (previous.kind === 'missing') throw new TokenRevokedError('unknown');
      if (previous.kind === 'used') return reused(previous.marker, payload, context, at);
      return startPair(record, context, at, nextJti);
    },

    async revoke(token) {
      checkCompactStructure(token, config.maxTokenLength);
      let typ: unknown;
      let claims: JWTPayload;
      try {
        typ = decodeProtectedHeader(token).typ;
        const { payload } = await compactVerify(token, resolver, { algorithms: resolver.algorithms as string[] });
        claims = JSON.parse(new TextDecoder().decode(payload)) as JWTPayload;
      } catch (error) {
        throw error instanceof TokenError ? error : toTokenError(error);
      }
      const { iss, jti, sid, exp, sub } = claims;
      if (iss !== issuer || typeof jti !== 'string' || typeof sid !== 'string' || typeof exp !== 'number') throw new TokenInvalidError('claims');
      const at = Date.now();
      if (typ === ACCESS_TYP) {
        if (exp * 1000 + toleranceMs <= at) return;
        await store.set(state.deniedTokenKey(jti), '1', { ttlMs: remainingMs(exp, at) });
      } else if (typ === REFRESH_TYP) {
        await Promise.all([
          store.set(state.deniedFamilyKey(sid), '1', { ttlMs: refreshTtlMs + REVOCATION_MARGIN_MS }),
          store.delete(state.refreshKey(jti)),
        ]);
      } else {
        throw new TokenInvalidError('type');
      }
      emit('authn_token_revoked', 'INFO', typ === ACCESS_TYP ? 'an access token was revoked' : 'a token family was revoked', { subject: sub, jti, family: sid });
    },

    async revokeAllForSubject(subject) {
      const key = state.subjectKey(checkSubject(subject));
      // +1: a token issued in this very millisecond, before the call, is revoked too.
      const cutoff = Date.now() + 1;
      const previous = Number((await store.get(key)) ?? 0);
      clockFloor = Math.max(clockFloor, cutoff);
      await store.set(key, String(Math.max(cutoff, previous)), { ttlMs: refreshTtlMs + toleranceMs + REVOCATION_MARGIN_MS });
      emit('authn_token_revoked', 'INFO', 'every token of a subject was revoked', { subject });
    },

    jwks: () => publicJwks(config.keys),

    async close() {
      if (ownsStore) await store.close();
    },
  };
}
