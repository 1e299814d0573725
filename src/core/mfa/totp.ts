/**
 * HOTP (RFC 4226) and TOTP (RFC 6238) on node:crypto's HMAC: SHA-1, SHA-256 or SHA-512, 6-8
 * digits, 30-second steps, a window of +-1 step by default. Times are milliseconds since the epoch.
 *
 *   const code = generateTotp(secret);                 // '287082'
 *   verifyTotp(code, secret, { window: 1 });           // true
 *
 * Verification computes every code in the window and compares each in constant time, without
 * stopping at the first match.
 */

import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigurationError, InvalidInputError } from '../errors.js';
import { decodeBase32 } from './base32.js';

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export interface HotpOptions {
  /** 6 (default), 7 or 8. */
  digits?: number;
  /** 'SHA1' (default, what authenticator apps use), 'SHA256' or 'SHA512'. */
  algorithm?: TotpAlgorithm;
}

export interface TotpOptions extends HotpOptions {
  /** Milliseconds since the epoch. Default now. */
  timestamp?: number;
  /** Seconds per step. Default 30. */
  period?: number;
}

export interface VerifyTotpOptions extends TotpOptions {
  /** Steps accepted on either side of the current one. Default 1, at most 10. */
  window?: number;
}

/** The secret, as base32 text (as in otpauth URIs) or as raw bytes. */
export type TotpSecret = string | Uint8Array;

export const TOTP_DEFAULTS = Object.freeze({ digits: 6, period: 30, window: 1, algorithm: 'SHA1' as TotpAlgorithm });
const HMAC_NAMES: Readonly<Record<string, string>> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };
const POWERS = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];
const counterBytes = Buffer.alloc(8);
const expected = Buffer.alloc(8);
const given = Buffer.alloc(8);

function bad(message: string): never {
  throw new ConfigurationError(`totp: ${message}`);
}

function secretBytes(secret: TotpSecret): Uint8Array {
  const bytes = secret instanceof Uint8Array ? secret : decodeBase32(secret);
  if (!bytes || bytes.length === 0) throw new InvalidInputError('totp: the secret must be base32 text (A-Z, 2-7) or bytes');
  return bytes;
}

function hmacName(algorithm: unknown): string {
  if (algorithm === undefined) return 'sha1';
  const name = typeof algorithm === 'string' ? HMAC_NAMES[algorithm.toUpperCase().replace('-', '')] : undefined;
  return name ?? bad(`algorithm must be 'SHA1', 'SHA256' or 'SHA512'`);
}

function digitsOf(digits: unknown): number {
  if (digits === undefined) return TOTP_DEFAULTS.digits;
  if (digits !== 6 && digits !== 7 && digits !== 8) bad('digits must be 6, 7 or 8');
  return digits;
}

function counterAt(options: TotpOptions | undefined): number {
  const timestamp = options?.timestamp ?? Date.now();
  const period = options?.period ?? TOTP_DEFAULTS.period;
  if (typeof period !== 'number' || !Number.isInteger(period) || period < 1 || period > 3600) bad('period must be an integer from 1 to 3600 seconds');
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || timestamp < 0 || timestamp > Number.MAX_SAFE_INTEGER) {
    throw new InvalidInputError('totp: timestamp must be milliseconds since the epoch (a non-negative finite number)');
  }
  return Math.floor(timestamp / 1000 / period);
}

/** The code for one counter value, as a number (dynamic truncation, RFC 4226 section 5.3). */
function codeAt(key: Uint8Array, counter: number, hmac: string, digits: number): number {
  counterBytes.writeUInt32BE(Math.floor(counter / 2 ** 32), 0);
  counterBytes.writeUInt32BE(counter >>> 0, 4);
  const mac = createHmac(hmac, key).update(counterBytes).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return binary % POWERS[digits]!;
}

function format(code: number, digits: number): string {
  return String(code).padStart(digits, '0');
}

/** The HOTP code for `counter` (RFC 4226). */
export function generateHotp(secret: TotpSecret, counter: number, options?: HotpOptions): string {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new InvalidInputError('hotp: the counter must be a non-negative safe integer');
  const digits = digitsOf(options?.digits);
  return format(codeAt(secretBytes(secret), counter, hmacName(options?.algorithm), digits), digits);
}

/** The TOTP code at `timestamp` (default now), RFC 6238. */
export function generateTotp(secret: TotpSecret, options?: TotpOptions): string {
  const digits = digitsOf(options?.digits);
  return format(codeAt(secretBytes(secret), counterAt(options), hmacName(options?.algorithm), digits), digits);
}

/** Which step a token matched. */
export interface TotpMatch {
  /** The time-step counter the token belongs to (use it for the replay guard). */
  step: number;
  /** Steps from the current one: -1 a step late, 0 current, +1 a step early. */
  delta: number;
}

function isToken(token: unknown, digits: number): token is string {
  if (typeof token !== 'string' || token.length !== digits) return false;
  for (let i = 0; i < digits; i++) {
    const c = token.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * The step a token matches within the window, or undefined. Every code in the window is computed
 * and compared in constant time. A token that is not exactly `digits` ASCII digits never matches.
 */
export function matchTotp(token: string, secret: TotpSecret, options?: VerifyTotpOptions): TotpMatch | undefined {
  const digits = digitsOf(options?.digits);
  const hmac = hmacName(options?.algorithm);
  const window = options?.window ?? TOTP_DEFAULTS.window;
  if (!Number.isInteger(window) || window < 0 || window > 10) bad('window must be an integer from 0 to 10');
  const key = secretBytes(secret);
  const counter = counterAt(options);
  if (!isToken(token, digits)) return undefined;
  given.write(token, 0, digits, 'latin1');
  const tokenBytes = given.subarray(0, digits);
  let found: TotpMatch | undefined;
  for (let delta = -window; delta <= window; delta++) {
    const step = counter + delta;
    if (step < 0) continue;
    expected.write(format(codeAt(key, step, hmac, digits), digits), 0, digits, 'latin1');
    const same = timingSafeEqual(expected.subarray(0, digits), tokenBytes);
    if (same && found === undefined) found = { step, delta };
  }
  return found;
}

/** True when the token is the code of a step within `window` steps of `timestamp` (default now). */
export function verifyTotp(token: string, secret: TotpSecret, options?: VerifyTotpOptions): boolean {
  return matchTotp(token, secret, options) !== undefined;
}
