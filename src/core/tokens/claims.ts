/** Claims: what the application may add, and how a pair of tokens is signed. */

import { SignJWT, type JWTPayload } from 'jose';
import { hasControlCharacter } from '../control-characters.js';
import { InvalidInputError } from '../errors.js';
import { timeOrderedId } from './ids.js';
import type { NormalizedTokenOptions } from './options.js';

export const ACCESS_TYP = 'at+jwt'; // RFC 9068
export const REFRESH_TYP = 'rt+jwt';

/** Claims the manager sets itself; custom claims may not override them. */
const RESERVED = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sid', 'bnd', 'typ', 'cnf']);
const MAX_CLAIMS_LENGTH = 4096;
const MAX_SUBJECT_LENGTH = 256;

/** What `verifyAccess` returns: the registered claims bulwark guarantees, plus your custom claims. */
export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  jti: string;
  iat: number;
  exp: number;
  /** The family (login) this token belongs to: revoking the family revokes it. */
  sid: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
  /** Seconds until the refresh token expires. */
  refreshExpiresIn: number;
  /** The family id: the same for every pair that `refresh()` derives from one `issue()`. */
  familyId: string;
}

export function checkSubject(subject: unknown): string {
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH || hasControlCharacter(subject)) {
    throw new InvalidInputError(`tokens: the subject must be a non-empty string of at most ${MAX_SUBJECT_LENGTH} characters without control characters`);
  }
  return subject;
}

/** Custom claims: a plain JSON object without registered names, at most 4 KiB as JSON. */
export function checkClaims(claims: unknown): Record<string, unknown> | undefined {
  if (claims === undefined) return undefined;
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new InvalidInputError('tokens: claims must be a plain object');
  for (const name of Object.keys(claims)) {
    if (RESERVED.has(name)) throw new InvalidInputError(`tokens: the claim "${name}" is set by the token manager`);
  }
  let json: string;
  try {
    json = JSON.stringify(claims);
  } catch {
    throw new InvalidInputError('tokens: claims must be JSON-serializable');
  }
  if (json.length > MAX_CLAIMS_LENGTH) throw new InvalidInputError(`tokens: claims are longer than ${MAX_CLAIMS_LENGTH} characters as JSON`);
  return JSON.parse(json) as Record<string, unknown>;
}

export interface PairInput {
  subject: string;
  family: string;
  claims: Record<string, unknown> | undefined;
  binding: string | undefined;
  nowMs: number;
  /** Pre-chosen refresh jti (rotation writes it into the used marker first). */
  refreshJti?: string;
}

/** Signs an access and a refresh token with the current key. */
export async function signPair(options: NormalizedTokenOptions, input: PairInput): Promise<{ pair: TokenPair; refreshJti: string }> {
  const { signingKey, issuer, audience, accessTtlMs, refreshTtlMs } = options;
  const iat = Math.floor(input.nowMs / 1000);
  const refreshJti = input.refreshJti ?? timeOrderedId(input.nowMs);
  const common = { iss: issuer, sub: input.subject, iat, sid: input.family, ...(input.binding === undefined ? {} : { bnd: input.binding }) };
  const key = signingKey.signingKey!;
  const [accessToken, refreshToken] = await Promise.all([
    new SignJWT({ ...input.claims, ...common, aud: audience.length === 1 ? audience[0] : audience, exp: iat + accessTtlMs / 1000, jti: timeOrderedId(input.nowMs) })
      .setProtectedHeader({ alg: signingKey.alg, kid: signingKey.kid, typ: ACCESS_TYP })
      .sign(key),
    new SignJWT({ ...common, aud: issuer, exp: iat + refreshTtlMs / 1000, jti: refreshJti })
      .setProtectedHeader({ alg: signingKey.alg, kid: signingKey.kid, typ: REFRESH_TYP })
      .sign(key),
  ]);
  return {
    pair: { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: accessTtlMs / 1000, refreshExpiresIn: refreshTtlMs / 1000, familyId: input.family },
    refreshJti,
  };
}
