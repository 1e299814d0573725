/**
 * Password hashing with argon2id (@node-rs/argon2), PHC strings out, OWASP's minimum cost by default:
 * m = 19456 KiB (19 MiB), t = 2, p = 1 (OWASP Password Storage Cheat Sheet).
 *
 *   const stored = await hashPassword(password);
 *   const { valid, needsRehash } = await verifyPassword(stored, attempt);
 *
 * Passwords are NFKC-normalized (NIST SP 800-63B) and capped at 1024 bytes. An optional pepper is
 * applied as HMAC-SHA256 before argon2, and its id is kept in the PHC string (`keyid=`) for rotation.
 * Node-only (a native addon), so it stays in its own module.
 */

import { createHmac, randomBytes } from 'node:crypto';
import { hash, parseOptions, verify, type Algorithm, type Version } from '@node-rs/argon2';
import { checkInteger, checkKeys, checkOneOf } from '../config/check-options.js';
import { InvalidInputError, LimitExceededError } from '../errors.js';
import { pepperKeys, type PepperKeys, type PepperOption } from '../keys/pepper.js';
import { splitKeyId, withKeyId } from './phc.js';

export interface PasswordHashOptions {
  /** Memory in KiB; at least 19456 (OWASP's minimum), the default. */
  memoryCost?: number;
  /** Passes over memory; at least 2, the default. */
  timeCost?: number;
  /** Lanes; at least 1, the default. */
  parallelism?: number;
  /** A server-side secret mixed in with HMAC-SHA256 before argon2; a ring of peppers rotates. Off by default. */
  pepper?: PepperOption | undefined;
  /** Unicode normalization before hashing: 'NFKC' (default, NIST SP 800-63B) or false for hashes made without it. */
  normalize?: 'NFKC' | false;
}

export interface PasswordVerification {
  valid: boolean;
  /** The password is right but the hash is weaker than the current settings: store `hashPassword(password)` now. */
  needsRehash: boolean;
}

export const PASSWORD_HASH_DEFAULTS: Readonly<{ memoryCost: number; timeCost: number; parallelism: number }> = Object.freeze({
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

/** Longer passwords are refused before hashing: argon2 would spend its full cost on them (a DoS lever). */
export const MAX_PASSWORD_BYTES = 1024;

// `Algorithm` and `Version` are const enums in the addon's types, which isolatedModules cannot inline.
const ARGON2ID = 2 as Algorithm;
const ARGON2_VERSION_13 = 1 as Version;
const encoder = new TextEncoder();
const MAX = { memoryCost: 4 * 1024 * 1024, timeCost: 100, parallelism: 255 } as const;
const KNOWN = ['memoryCost', 'timeCost', 'parallelism', 'pepper', 'normalize'] as const;

/** Options checked once: what `createPasswordHasher` keeps and the per-call functions rebuild. */
interface ResolvedHashOptions {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
  pepper: PepperKeys | undefined;
  normalize: boolean;
}

function resolve(options: PasswordHashOptions | undefined): ResolvedHashOptions {
  if (options === undefined) return { ...PASSWORD_HASH_DEFAULTS, pepper: undefined, normalize: true };
  checkKeys('passwords', options, KNOWN);
  const cost = (name: keyof typeof MAX): number =>
    checkInteger(`passwords.${name}`, options[name], PASSWORD_HASH_DEFAULTS[name], MAX[name]) ?? PASSWORD_HASH_DEFAULTS[name];
  if (options.normalize !== false) checkOneOf('passwords.normalize', options.normalize, ['NFKC'] as const);
  return {
    memoryCost: cost('memoryCost'),
    timeCost: cost('timeCost'),
    parallelism: cost('parallelism'),
    pepper: options.pepper === undefined ? undefined : pepperKeys('passwords.pepper', options.pepper),
    normalize: options.normalize !== false,
  };
}

/** The password as bytes, or undefined when it is over the cap. Throws on a non-string. */
function passwordBytes(password: unknown, normalize: boolean): Uint8Array | undefined {
  if (typeof password !== 'string') throw new InvalidInputError('passwords: the password must be a string');
  if (password.length > MAX_PASSWORD_BYTES) return undefined; // every UTF-16 unit is at least one UTF-8 byte
  const bytes = encoder.encode(normalize ? password.normalize('NFKC') : password);
  return bytes.length > MAX_PASSWORD_BYTES ? undefined : bytes;
}

function tooLong(): never {
  throw new LimitExceededError(`passwords: the password is longer than ${MAX_PASSWORD_BYTES} bytes`, 'maxPasswordBytes');
}

/** HMAC-SHA256 under the pepper, as base64: the addon's verify() reads its input as UTF-8, so raw MAC bytes would not do. */
function peppered(bytes: Uint8Array, key: Parameters<typeof createHmac>[1]): string {
  return createHmac('sha256', key).update(bytes).digest('base64');
}

async function hashWith(options: ResolvedHashOptions, password: string): Promise<string> {
  const bytes = passwordBytes(password, options.normalize) ?? tooLong();
  const { memoryCost, timeCost, parallelism, pepper } = options;
  const cost = { memoryCost, timeCost, parallelism, algorithm: ARGON2ID, version: ARGON2_VERSION_13 };
  if (!pepper) return hash(bytes, cost);
  return withKeyId(await hash(peppered(bytes, pepper.current), cost), pepper.currentId);
}

const dummyHashes = new Map<string, Promise<string>>();

/** A hash of a random password at the given cost, made once per cost and reused. */
function dummyHash(options: ResolvedHashOptions): Promise<string> {
  const id = `${options.memoryCost},${options.timeCost},${options.parallelism}`;
  let made = dummyHashes.get(id);
  if (!made) {
    const { memoryCost, timeCost, parallelism } = options;
    made = hash(randomBytes(32), { memoryCost, timeCost, parallelism, algorithm: ARGON2ID, version: ARGON2_VERSION_13 });
    made.catch(() => dummyHashes.delete(id));
    dummyHashes.set(id, made);
  }
  return made;
}

async function dummyVerifyWith(options: ResolvedHashOptions, password: unknown): Promise<PasswordVerification> {
  const bytes = passwordBytes(password, options.normalize);
  if (bytes) await verify(await dummyHash(options), options.pepper ? peppered(bytes, options.pepper.current) : bytes);
  return { valid: false, needsRehash: false };
}

function parseStored(stored: string): { phc: string; keyId: string | undefined; params: ReturnType<typeof parseOptions> } {
  const split = typeof stored === 'string' ? splitKeyId(stored) : undefined;
  let params;
  try {
    if (!split) throw new TypeError('malformed');
    params = parseOptions(split.phc);
  } catch {
    throw new InvalidInputError('passwords: the stored hash is not an argon2 PHC string');
  }
  // A stored hash sets the work of verifying it: refuse costs no hash of ours would have.
  if (params.memoryCost > MAX.memoryCost || params.timeCost > MAX.timeCost || params.parallelism > MAX.parallelism) {
    throw new InvalidInputError('passwords: the stored hash asks for more work than bulwark allows');
  }
  return { phc: split!.phc, keyId: split!.keyId, params };
}

async function verifyWith(options: ResolvedHashOptions, stored: string | null | undefined, password: string): Promise<PasswordVerification> {
  if (stored === undefined || stored === null) return dummyVerifyWith(options, password);
  const { phc, keyId, params } = parseStored(stored);
  const bytes = passwordBytes(password, options.normalize);
  if (!bytes) return { valid: false, needsRehash: false };
  let input: Uint8Array | string = bytes;
  if (keyId !== undefined) {
    const key = options.pepper?.get(keyId);
    if (!key) throw new InvalidInputError(`passwords: the stored hash needs pepper "${keyId}", which is not configured`);
    input = peppered(bytes, key);
  }
  const valid = await verify(phc, input);
  const weaker =
    params.algorithm !== ARGON2ID ||
    params.version !== ARGON2_VERSION_13 ||
    params.memoryCost < options.memoryCost ||
    params.timeCost < options.timeCost ||
    params.parallelism < options.parallelism ||
    keyId !== options.pepper?.currentId;
  return { valid, needsRehash: valid && weaker };
}

/** Hashes a password with argon2id; returns a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`). */
export async function hashPassword(password: string, options?: PasswordHashOptions): Promise<string> {
  return hashWith(resolve(options), password);
}

/**
 * Checks a password against a stored PHC hash. `needsRehash` is true when the password is right and
 * the hash is weaker than `options` (default: OWASP's minimum), not argon2id, or made with another
 * pepper than the current one. A missing hash (`undefined`, an unknown user) runs a dummy verify of
 * the same cost and is never valid, so response time does not tell which accounts exist. Throws
 * InvalidInputError if `stored` is not an argon2 hash; a password over the cap is simply not valid.
 */
export async function verifyPassword(
  stored: string | null | undefined,
  password: string,
  options?: PasswordHashOptions,
): Promise<PasswordVerification> {
  return verifyWith(resolve(options), stored, password);
}

/** Spends the time of one verification and answers `{ valid: false }`: call it when the user does not exist. */
export async function dummyVerifyPassword(password: string, options?: PasswordHashOptions): Promise<PasswordVerification> {
  return dummyVerifyWith(resolve(options), password);
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(stored: string | null | undefined, password: string): Promise<PasswordVerification>;
  dummyVerify(password: string): Promise<PasswordVerification>;
}

/** The same three functions with options checked once, and the dummy hash made at once in the background. */
export function createPasswordHasher(options?: PasswordHashOptions): PasswordHasher {
  const resolved = resolve(options);
  dummyHash(resolved).catch(() => {});
  return {
    hash: (password) => hashWith(resolved, password),
    verify: (stored, password) => verifyWith(resolved, stored, password),
    dummyVerify: (password) => dummyVerifyWith(resolved, password),
  };
}
