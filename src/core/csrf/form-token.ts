/**
 * The `_csrf` field of an `application/x-www-form-urlencoded` body, for the rare request that has no
 * browser signal and no token header. Reads at most `maxBytes`; the adapter keeps the body readable
 * for the application afterwards.
 */

import { readBytes, type ByteSource } from '../limits/read-bytes.js';
import { CSRF_FIELD } from './csrf.js';

export async function readFormToken(source: ByteSource, maxBytes: number, idleTimeoutMs: number): Promise<string | undefined> {
  const body = await readBytes(source, maxBytes, idleTimeoutMs);
  return new URLSearchParams(new TextDecoder().decode(body)).get(CSRF_FIELD) ?? undefined;
}
