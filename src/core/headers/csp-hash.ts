import { InvalidInputError } from '../errors.js';

export type CspHashAlgorithm = 'sha256' | 'sha384' | 'sha512';

const SUBTLE_NAME = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' } as const;

/**
 * The CSP source for an inline script or style, e.g. `'sha256-B2yPHKaXnvFWtRChIbabYmUBFZdVfKKXHbWtWidDVF8='`.
 * Hash the exact text between the tags, whitespace included. Compute it once, at startup.
 */
export async function cspHash(source: string, algorithm: CspHashAlgorithm = 'sha256'): Promise<string> {
  if (typeof source !== 'string') throw new InvalidInputError('cspHash: expected the inline script or style as a string');
  const name = SUBTLE_NAME[algorithm];
  if (!name) throw new InvalidInputError('cspHash: algorithm must be sha256, sha384 or sha512');
  const digest = new Uint8Array(await crypto.subtle.digest(name, new TextEncoder().encode(source)));
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  return `'${algorithm}-${btoa(binary)}'`;
}
