/**
 * Key rotation with an overlap: the client gets a new key, and the old one keeps working until the
 * overlap ends, so deployments can switch without downtime. The old record gets an `expiresAt`,
 * which `verifyApiKey` enforces.
 *
 *   const { next, previous } = rotateApiKey(oldRecord, { prefix: 'acme', pepper, overlapMs: 86_400_000 });
 *   await db.save(previous); await db.insert(next.id, next.hash);   // give next.key to the client
 */

import { checkInteger } from '../config/check-options.js';
import { InvalidInputError } from '../errors.js';
import { generateApiKey, type ApiKeyRecord, type GenerateApiKeyOptions, type GeneratedApiKey } from './api-key.js';

export interface RotateApiKeyOptions extends GenerateApiKeyOptions {
  /** How long the old key keeps working. Default 24 hours; 0 ends it at once. */
  overlapMs?: number;
  now?: number;
}

export const DEFAULT_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** A new key, and the old record with its expiry set to the end of the overlap (never later than an expiry it already had). */
export function rotateApiKey<R extends ApiKeyRecord>(previous: R, options: RotateApiKeyOptions): { next: GeneratedApiKey; previous: R & { expiresAt: number } } {
  if (previous === null || typeof previous !== 'object' || typeof previous.hash !== 'string') {
    throw new InvalidInputError('rotateApiKey: expected the previous record { id, hash }');
  }
  const { overlapMs, now, ...generate } = options;
  const overlap = checkInteger('rotateApiKey.overlapMs', overlapMs, 0, 365 * 86_400_000) ?? DEFAULT_OVERLAP_MS;
  const end = (now ?? Date.now()) + overlap;
  const had = previous.expiresAt instanceof Date ? previous.expiresAt.getTime() : previous.expiresAt;
  const expiresAt = typeof had === 'number' && had < end ? had : end;
  return { next: generateApiKey(generate), previous: { ...previous, expiresAt } };
}
