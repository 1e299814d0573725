/**
 * Signing and verification keys: JWK (private, public or `oct`), PEM, or a raw HS256 secret, each
 * validated once into a `TokenKey` with a fixed algorithm and `kid`. The algorithm belongs to the
 * key, never to a token's header: a header that names another algorithm than its key's is refused.
 */

import { createHash, createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { fail, isPlainObject } from '../config/check-options.js';
import { describeWeakness, secretWeakness } from '../config/weak-secrets.js';
import { hasRocaFingerprint } from './roca.js';

/** The algorithms bulwark signs and verifies with. EdDSA means Ed25519. */
export type TokenAlgorithm = 'EdDSA' | 'ES256' | 'RS256' | 'HS256';
export const TOKEN_ALGORITHMS: readonly TokenAlgorithm[] = ['EdDSA', 'ES256', 'RS256', 'HS256'];

/** A PEM key (PKCS#8 private, SPKI public, or an X.509 certificate's key) with its `kid`. */
export interface PemKeyInput {
  pem: string;
  kid: string;
  /** Needed only to tell RS256 from other RSA uses; inferred from the key type otherwise. */
  alg?: TokenAlgorithm;
}

/** An HS256 secret of at least 32 bytes (random, e.g. from `bulwark keygen`). */
export interface SecretKeyInput {
  secret: string | Uint8Array;
  kid: string;
}

export type TokenKeyInput = JWK | PemKeyInput | SecretKeyInput | TokenKey;

const KID = /^[\x21-\x7e]{1,128}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const MIN_HMAC_BYTES = 32;
const MIN_RSA_BITS = 2048;

/** A validated key: `kid`, algorithm, and the node:crypto key objects jose signs and verifies with. */
export class TokenKey {
  /** @internal Use `importKeys`. */
  constructor(
    readonly kid: string,
    readonly alg: TokenAlgorithm,
    /** Present when the key can sign (a private key or an HS256 secret). */
    readonly signingKey: KeyObject | undefined,
    readonly verifyKey: KeyObject,
  ) {
    Object.freeze(this);
  }

  /** The public JWK to publish (kid, alg, use), or undefined for an HS256 secret. */
  publicJwk(): JWK | undefined {
    if (this.alg === 'HS256') return undefined;
    return { ...(this.verifyKey.export({ format: 'jwk' }) as JWK), kid: this.kid, alg: this.alg, use: 'sig' };
  }
}

/** RFC 7638 thumbprint of a public JWK: a stable default `kid`. */
function thumbprint(jwk: Record<string, unknown>): string {
  const members: Record<string, readonly string[]> = { EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'], RSA: ['e', 'kty', 'n'], oct: ['k', 'kty'] };
  const names = members[String(jwk.kty)] ?? [];
  const canonical = `{${names.map((name) => `${JSON.stringify(name)}:${JSON.stringify(jwk[name])}`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

function algorithmFor(path: string, kty: unknown, crv: unknown, declared: unknown): TokenAlgorithm {
  const inferred =
    kty === 'OKP' && crv === 'Ed25519' ? 'EdDSA'
    : kty === 'EC' && crv === 'P-256' ? 'ES256'
    : kty === 'RSA' ? 'RS256'
    : kty === 'oct' ? 'HS256'
    : undefined;
  if (inferred === undefined) fail(path, `unsupported key type ${JSON.stringify(kty)}${crv === undefined ? '' : ` on curve ${JSON.stringify(crv)}`}; use Ed25519 (EdDSA), P-256 (ES256), RSA (RS256) or an HS256 secret`);
  const fullySpecified = declared === 'Ed25519' && inferred === 'EdDSA'; // RFC 9864's name for EdDSA on Ed25519
  if (declared !== undefined && declared !== inferred && !fullySpecified) {
    fail(path, `the key's alg ${JSON.stringify(declared)} does not fit its type (expected "${inferred}"); supported: ${TOKEN_ALGORITHMS.join(', ')}`);
  }
  return inferred;
}

function checkKid(path: string, kid: unknown): string {
  if (typeof kid !== 'string' || !KID.test(kid)) fail(`${path}.kid`, 'expected 1-128 printable ASCII characters without spaces');
  return kid;
}

/** `use` and `key_ops` must allow signatures: a key meant for encryption never verifies a token. */
function checkUse(path: string, jwk: Record<string, unknown>, signing: boolean): void {
  if (jwk.use !== undefined && jwk.use !== 'sig') fail(`${path}.use`, `expected "sig", got ${JSON.stringify(jwk.use)}: this key is not for signatures`);
  if (jwk.key_ops === undefined) return;
  const ops = jwk.key_ops;
  if (!Array.isArray(ops) || ops.some((op) => op !== 'sign' && op !== 'verify') || new Set(ops).size !== ops.length) {
    fail(`${path}.key_ops`, 'expected a list of "sign" and "verify" without repeats');
  }
  if (!ops.includes('verify') && !(signing && ops.includes('sign'))) fail(`${path}.key_ops`, 'the key does not allow "verify"');
}

function secretKey(path: string, bytes: Uint8Array, kid: string): TokenKey {
  if (bytes.length < MIN_HMAC_BYTES) fail(path, `an HS256 secret needs at least ${MIN_HMAC_BYTES} bytes (256 bits); generate one with \`bulwark keygen\``);
  const key = createSecretKey(bytes);
  return new TokenKey(kid, 'HS256', key, key);
}

function checkRsa(path: string, key: KeyObject): void {
  const { modulusLength, publicExponent } = key.asymmetricKeyDetails ?? {};
  if (modulusLength === undefined || modulusLength < MIN_RSA_BITS) fail(path, `RSA keys need at least ${MIN_RSA_BITS} bits`);
  if (publicExponent === undefined || publicExponent < 3n || publicExponent % 2n === 0n) fail(path, 'the RSA public exponent must be odd and at least 3');
  const n = (key.export({ format: 'jwk' }) as JWK).n;
  if (n !== undefined && hasRocaFingerprint(Buffer.from(n, 'base64url'))) fail(path, 'this RSA key was made by a generator with the ROCA flaw (CVE-2017-15361): replace it');
}

function fromJwk(path: string, jwk: Record<string, unknown>): TokenKey {
  if (typeof jwk.kty !== 'string') fail(`${path}.kty`, 'expected a JWK with "kty"');
  const alg = algorithmFor(path, jwk.kty, jwk.crv, jwk.alg);
  const kid = jwk.kid === undefined ? thumbprint(jwk) : checkKid(path, jwk.kid);
  if (alg === 'HS256') {
    checkUse(path, jwk, true);
    if (typeof jwk.k !== 'string' || !BASE64URL.test(jwk.k)) fail(`${path}.k`, 'expected the secret in base64url');
    return secretKey(path, Buffer.from(jwk.k, 'base64url'), kid);
  }
  const isPrivate = jwk.d !== undefined;
  checkUse(path, jwk, isPrivate);
  let signingKey: KeyObject | undefined;
  let verifyKey: KeyObject;
  try {
    // node:crypto checks the key material itself (point on the curve, RSA parameters).
    signingKey = isPrivate ? createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' }) : undefined;
    verifyKey = signingKey ? createPublicKey(signingKey) : createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  } catch {
    return fail(path, `not a valid ${jwk.kty} key`);
  }
  if (alg === 'RS256') checkRsa(path, verifyKey);
  return new TokenKey(kid, alg, signingKey, verifyKey);
}

function fromPem(path: string, input: PemKeyInput): TokenKey {
  const kid = checkKid(path, input.kid);
  let signingKey: KeyObject | undefined;
  let verifyKey: KeyObject;
  try {
    signingKey = input.pem.includes('PRIVATE KEY-----') ? createPrivateKey(input.pem) : undefined;
    verifyKey = signingKey ? createPublicKey(signingKey) : createPublicKey(input.pem);
  } catch {
    return fail(path, 'not a valid PEM key (PKCS#8 private key, SPKI public key or certificate)');
  }
  const jwk = verifyKey.export({ format: 'jwk' }) as JWK;
  const alg = algorithmFor(path, jwk.kty, jwk.crv, input.alg);
  if (alg === 'RS256') checkRsa(path, verifyKey);
  return new TokenKey(kid, alg, signingKey, verifyKey);
}

function fromSecret(path: string, input: SecretKeyInput): TokenKey {
  const kid = checkKid(path, input.kid);
  if (typeof input.secret === 'string') {
    const weakness = secretWeakness(input.secret, MIN_HMAC_BYTES);
    if (weakness !== undefined) fail(`${path}.secret`, describeWeakness(weakness, MIN_HMAC_BYTES));
    return secretKey(`${path}.secret`, Buffer.from(input.secret, 'utf8'), kid);
  }
  if (!(input.secret instanceof Uint8Array)) fail(`${path}.secret`, 'expected a string or bytes');
  return secretKey(`${path}.secret`, input.secret, kid);
}

/** Validates one key. Throws `ConfigurationError` saying what is wrong. */
export function importKey(input: TokenKeyInput, path = 'key'): TokenKey {
  if (input instanceof TokenKey) return input;
  const value: unknown = input;
  if (!isPlainObject(value)) return fail(path, 'expected a JWK, { pem, kid }, { secret, kid } or a key from importKeys()');
  if (typeof value.pem === 'string') return fromPem(path, value as unknown as PemKeyInput);
  if (value.secret !== undefined) return fromSecret(path, value as unknown as SecretKeyInput);
  return fromJwk(path, value);
}

/**
 * Validates a key set: every key importable, `kid`s unique, and no mix of HS256 secrets with
 * public-key algorithms (a verifier holding both can be tricked into HMAC with a public key).
 */
export function importKeys(inputs: readonly TokenKeyInput[] | { keys: readonly TokenKeyInput[] }, path = 'keys'): TokenKey[] {
  const list = Array.isArray(inputs) ? inputs : isPlainObject(inputs) && Array.isArray(inputs.keys) ? (inputs.keys as readonly TokenKeyInput[]) : undefined;
  if (list === undefined || list.length === 0) fail(path, 'expected a non-empty list of keys (or a JWKS { keys: [...] })');
  const keys = list.map((input, i) => importKey(input, `${path}[${i}]`));
  const kids = new Set<string>();
  for (const key of keys) {
    if (kids.has(key.kid)) fail(path, `two keys share the kid ${JSON.stringify(key.kid)}; each key needs its own`);
    kids.add(key.kid);
  }
  const symmetric = keys.some((key) => key.alg === 'HS256');
  if (symmetric && keys.some((key) => key.alg !== 'HS256')) fail(path, 'do not mix HS256 secrets with public-key algorithms in one key set');
  return keys;
}

/** The JWKS document for the public keys (HS256 secrets are never published). */
export function publicJwks(keys: readonly TokenKey[]): { keys: JWK[] } {
  return { keys: keys.flatMap((key) => key.publicJwk() ?? []) };
}
