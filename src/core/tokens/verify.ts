/**
 * Signature verification against a key set. The key comes from the set by `kid` (an exact map
 * lookup: a `kid` is never a path, a query or a URL), its algorithm must equal the header's, and the
 * header's algorithm must be in the allowlist. Headers that point elsewhere for a key (`jku`, `x5u`,
 * `jwk`, `x5c`) or demand extensions (`crit`) are refused: bulwark's own tokens never carry them.
 */

import type { KeyObject } from 'node:crypto';
import { compactVerify, errors as joseErrors, type JWSHeaderParameters } from 'jose';
import { fail } from '../config/check-options.js';
import { TokenError, TokenExpiredError, TokenInvalidError } from './errors.js';
import { TOKEN_ALGORITHMS, importKeys, type TokenAlgorithm, type TokenKey, type TokenKeyInput } from './keys.js';

/** Longest token read, in characters: far above any token bulwark issues, far below a memory problem. */
export const DEFAULT_MAX_TOKEN_LENGTH = 8192;

const BASE64URL_SEGMENT = /^[A-Za-z0-9_-]+$/;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** One canonical spelling per byte string: no padding, no spaces, no stray bits in the last character. */
function isCanonicalSegment(segment: string): boolean {
  if (!BASE64URL_SEGMENT.test(segment)) return false;
  const tail = segment.length % 4;
  if (tail === 1) return false;
  if (tail === 0) return true;
  const last = BASE64URL.indexOf(segment[segment.length - 1]!);
  return (last & (tail === 2 ? 0x0f : 0x03)) === 0;
}

/**
 * Structure check before any parsing: three non-empty canonical base64url segments (the payload may
 * be empty). Decoders that skip spaces or ignore stray bits would otherwise accept several spellings
 * of one token, which is how a MAC over differently encoded bytes can slip through.
 */
export function checkCompactStructure(token: unknown, maxLength: number): asserts token is string {
  if (typeof token !== 'string' || token.length === 0) throw new TokenInvalidError('malformed');
  if (token.length > maxLength) throw new TokenInvalidError('too_long');
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first < 1 || second < 0 || token.indexOf('.', second + 1) !== -1) throw new TokenInvalidError('malformed');
  const payload = token.slice(first + 1, second);
  if (!isCanonicalSegment(token.slice(0, first)) || (payload !== '' && !isCanonicalSegment(payload)) || !isCanonicalSegment(token.slice(second + 1))) {
    throw new TokenInvalidError('malformed');
  }
}

const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit', 'b64'] as const;

export interface KeyResolver {
  (header: JWSHeaderParameters): KeyObject;
  readonly algorithms: readonly TokenAlgorithm[];
}

/** Picks the verification key for a header, or throws `TokenInvalidError`. */
export function createKeyResolver(keys: readonly TokenKey[], algorithms: readonly TokenAlgorithm[]): KeyResolver {
  const byKid = new Map(keys.map((key) => [key.kid, key]));
  const allowed = new Set(algorithms);
  const resolve = (header: JWSHeaderParameters): KeyObject => {
    for (const name of FORBIDDEN_HEADERS) if (name in header) throw new TokenInvalidError('header');
    const alg = header.alg as TokenAlgorithm;
    if (typeof alg !== 'string' || !allowed.has(alg)) throw new TokenInvalidError('algorithm');
    let key: TokenKey | undefined;
    if (header.kid === undefined) {
      const candidates = keys.filter((k) => k.alg === alg);
      key = candidates.length === 1 ? candidates[0] : undefined;
    } else {
      key = typeof header.kid === 'string' ? byKid.get(header.kid) : undefined;
    }
    if (key === undefined) throw new TokenInvalidError('key');
    if (key.alg !== alg) throw new TokenInvalidError('algorithm');
    return key.verifyKey;
  };
  return Object.assign(resolve, { algorithms: [...allowed] });
}

/** The allowlist: explicit, or the algorithms of the configured keys. Each must have a key. */
export function checkAlgorithms(path: string, keys: readonly TokenKey[], algorithms: unknown): TokenAlgorithm[] {
  if (algorithms === undefined) return [...new Set(keys.map((key) => key.alg))];
  if (!Array.isArray(algorithms) || algorithms.length === 0) fail(path, `expected a non-empty list of ${TOKEN_ALGORITHMS.join(', ')}`);
  for (const alg of algorithms) {
    if (!TOKEN_ALGORITHMS.includes(alg as TokenAlgorithm)) fail(path, `${JSON.stringify(alg)} is not supported; use ${TOKEN_ALGORITHMS.join(', ')} (never "none")`);
    if (!keys.some((key) => key.alg === alg)) fail(path, `no configured key uses ${alg}`);
  }
  return [...new Set(algorithms as TokenAlgorithm[])];
}

/** Maps jose's errors to bulwark's; anything unexpected is an invalid token, never a crash. */
export function toTokenError(error: unknown): TokenError {
  if (error instanceof TokenError) return error;
  if (error instanceof joseErrors.JWTExpired) return new TokenExpiredError({ cause: error });
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return new TokenInvalidError(error.claim === 'nbf' ? 'not_yet_valid' : error.claim === 'typ' ? 'type' : 'claims', { cause: error });
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return new TokenInvalidError('signature', { cause: error });
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return new TokenInvalidError('algorithm', { cause: error });
  if (error instanceof joseErrors.JWTInvalid) return new TokenInvalidError('claims', { cause: error });
  if (error instanceof joseErrors.JOSENotSupported) return new TokenInvalidError('header', { cause: error }); // e.g. an unknown `crit`
  return new TokenInvalidError('malformed', { cause: error });
}

export interface VerifyJwsOptions {
  /** Allowlist; default: the algorithms of the given keys. */
  algorithms?: readonly TokenAlgorithm[];
  /** Default 8192 characters. */
  maxLength?: number;
}

/**
 * Verifies a compact JWS against a key set and returns its payload bytes and header. The JWS layer
 * only: JWT claims are `createTokenManager`'s job. Throws `TokenInvalidError`.
 */
export async function verifyJws(
  jws: string,
  keys: readonly (TokenKey | TokenKeyInput)[],
  options: VerifyJwsOptions = {},
): Promise<{ payload: Uint8Array; header: JWSHeaderParameters; kid: string | undefined }> {
  const keySet = importKeys(keys);
  const resolver = createKeyResolver(keySet, checkAlgorithms('verifyJws.algorithms', keySet, options.algorithms));
  checkCompactStructure(jws, options.maxLength ?? DEFAULT_MAX_TOKEN_LENGTH);
  try {
    const { payload, protectedHeader } = await compactVerify(jws, resolver, { algorithms: resolver.algorithms as string[] });
    return { payload, header: protectedHeader, kid: typeof protectedHeader.kid === 'string' ? protectedHeader.kid : undefined };
  } catch (error) {
    throw toTokenError(error);
  }
}
