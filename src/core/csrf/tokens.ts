/**
 * CSRF tokens: `<random>.<mac>`, where mac = HMAC-SHA256(secret, binding | random) and the binding
 * is the session id or the random id in the CSRF cookie. A fresh random part per token keeps the
 * token different on every page (no BREACH-style recovery from compressed responses). Secrets are a
 * list for rotation: the first signs, all verify.
 *
 * HMAC runs on node:crypto: it is synchronous, so issuing a token does not turn every page into a
 * promise, and Bun, Deno and Next's runtimes provide it too (see docs/csrf.md).
 */

import { createHmac, timingSafeEqual } from 'node:crypto';
import { fail } from '../config/check-options.js';
import { fromRandomBytes } from '../random/pool.js';

const RANDOM_BYTES = 16;
const MIN_SECRET_BYTES = 32;
const MAX_TOKEN_LENGTH = 200;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export interface CsrfTokens {
  issue(binding: string): string;
  verify(token: string, binding: string): boolean;
}

function base64url(bytes: Uint8Array, start: number, length: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString('base64url');
}

/** A random id for the CSRF cookie (128 bits). */
export function randomBindingId(): string {
  return fromRandomBytes(RANDOM_BYTES, (bytes, start) => base64url(bytes, start, RANDOM_BYTES));
}

export function createCsrfTokens(path: string, secrets: readonly (string | Uint8Array)[]): CsrfTokens {
  if (secrets.length === 0) fail(path, 'expected at least one secret');
  const keys = secrets.map((secret, i) => {
    const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
    if (key.length < MIN_SECRET_BYTES) fail(`${path}[${i}]`, `a CSRF secret needs at least ${MIN_SECRET_BYTES} bytes; generate one with \`bulwark keygen csrf\``);
    return key;
  });
  const mac = (key: Buffer, binding: string, random: string): Buffer => createHmac('sha256', key).update(`bulwark-csrf\0${binding}\0${random}`).digest();

  return {
    issue(binding) {
      const random = randomBindingId();
      return `${random}.${mac(keys[0]!, binding, random).toString('base64url')}`;
    },
    verify(token, binding) {
      if (token.length > MAX_TOKEN_LENGTH) return false;
      const dot = token.indexOf('.');
      const random = token.slice(0, dot);
      const presented = token.slice(dot + 1);
      if (dot < 1 || !BASE64URL.test(random) || !BASE64URL.test(presented)) return false;
      const presentedBytes = Buffer.from(presented, 'base64url');
      let valid = false;
      for (const key of keys) {
        const expected = mac(key, binding, random);
        // Every key is tried (no early exit), so timing does not reveal which one matched.
        if (presentedBytes.length === expected.length && timingSafeEqual(presentedBytes, expected)) valid = true;
      }
      return valid;
    },
  };
}
