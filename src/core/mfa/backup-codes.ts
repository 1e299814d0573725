/**
 * Backup codes: 10 per user by default, each 12 characters of Crockford base32 (60 bits from the
 * CSPRNG), shown once as `xxxx-xxxx-xxxx` and stored only as keyed hashes in a capped collection.
 * A code is consumed with one atomic `removeMember`: of any number of concurrent uses, across
 * processes on Redis, exactly one succeeds. Attempts go through the lockout.
 *
 *   const backup = createBackupCodes({ store, lockout, pepper });
 *   const codes = await backup.generate(user.id);              // show once
 *   const { valid, remaining, low } = await backup.consume(user.id, input, { ip });
 */

import { createHash, createHmac } from 'node:crypto';
import { checkInteger, checkKeys } from '../config/check-options.js';
import { InvalidInputError } from '../errors.js';
import { pepperKeys, type PepperKeys, type PepperOption } from '../keys/pepper.js';
import { taggedKey } from '../store/key.js';
import { MAX_TTL_MS, type TaggedStoreKey } from '../store/types.js';
import { checkUser, refusal, resolveMfaCommon, type MfaCommonOptions, type MfaFailure } from './shared.js';

export interface BackupCodesOptions extends MfaCommonOptions {
  /** Codes per user. Default 10. */
  count?: number;
  /** `low` is true once this many or fewer remain. Default 3. */
  lowThreshold?: number;
  /** Codes are hashed with HMAC-SHA256 under this pepper (recommended); without one, with SHA-256 salted by the user id. */
  pepper?: PepperOption;
  /** How long unused codes stay valid. Default 10 years (the store's maximum). */
  ttlMs?: number;
}

export interface BackupCodeResult {
  valid: boolean;
  reason: MfaFailure | undefined;
  retryAfterMs: number;
  /** Codes left after this one (undefined when the store did not answer). */
  remaining: number | undefined;
  /** Few codes left: prompt the user to generate new ones. */
  low: boolean;
}

export interface BackupCodes {
  /** Replaces the user's codes with new ones and returns them, formatted for display. Show them once. */
  generate(user: string): Promise<string[]>;
  /** Uses up a code. Input is forgiving: case, spaces, hyphens and Crockford look-alikes (O=0, I=L=1) do not matter. */
  consume(user: string, code: string, context?: { ip?: string }): Promise<BackupCodeResult>;
  /** How many unused codes the user has. */
  remaining(user: string): Promise<number>;
}

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32: no i, l, o, u
const CODE_LENGTH = 12; // 60 bits
const LOOKALIKES: Readonly<Record<string, string>> = { o: '0', i: '1', l: '1' };
const KNOWN = ['store', 'lockout', 'onEvent', 'count', 'lowThreshold', 'pepper', 'ttlMs'] as const;

/** 12 characters, 5 bits each straight from the CSPRNG (32 symbols: no modulo bias). */
function newCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(CODE_LENGTH));
  let code = '';
  for (const byte of bytes) code += ALPHABET[byte & 31];
  return code;
}

function display(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** The canonical 12 characters, or undefined when the input cannot be a code. */
function canonical(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > 64) return undefined;
  let code = '';
  for (const char of input.toLowerCase()) {
    if (char === ' ' || char === '-') continue;
    const mapped = LOOKALIKES[char] ?? char;
    if (!ALPHABET.includes(mapped)) return undefined;
    code += mapped;
  }
  return code.length === CODE_LENGTH ? code : undefined;
}

/** Builds the backup-code manager; options are checked here, once. */
export function createBackupCodes(options: BackupCodesOptions = {}): BackupCodes {
  checkKeys('backupCodes', options, KNOWN);
  const { store, lockout } = resolveMfaCommon('backupCodes', options, 'mfa-backup-lockout');
  const count = checkInteger('backupCodes.count', options.count, 1, 100) ?? 10;
  const lowThreshold = checkInteger('backupCodes.lowThreshold', options.lowThreshold, 0, count) ?? Math.min(3, count);
  const ttlMs = checkInteger('backupCodes.ttlMs', options.ttlMs, 60_000, MAX_TTL_MS) ?? MAX_TTL_MS;
  const pepper: PepperKeys | undefined = options.pepper === undefined ? undefined : pepperKeys('backupCodes.pepper', options.pepper);

  const owner = (user: string): TaggedStoreKey => taggedKey('mfa-backup', user);
  // The member id: a keyed hash bound to the user, so equal codes of two users never collide.
  // Rotating the pepper invalidates outstanding codes: generate new ones after a rotation.
  const hashOf = (user: string, code: string): string =>
    pepper
      ? createHmac('sha256', pepper.current).update(`${user}\0${code}`).digest('hex')
      : createHash('sha256').update(`bulwark-backup-code\0${user}\0${code}`).digest('hex');

  async function generate(user: string): Promise<string[]> {
    const id = checkUser('backupCodes', user);
    const codes = new Set<string>();
    while (codes.size < count) codes.add(newCode());
    await store.removeAllMembers(owner(id));
    let score = 0;
    for (const code of codes) await store.addMember(owner(id), hashOf(id, code), { score: score++, max: count, ttlMs });
    return [...codes].map(display);
  }

  async function remaining(user: string): Promise<number> {
    return (await store.listMembers(owner(checkUser('backupCodes', user)))).length;
  }

  async function consume(user: string, input: string, context: { ip?: string } = {}): Promise<BackupCodeResult> {
    const id = checkUser('backupCodes', user);
    if (typeof input !== 'string') throw new InvalidInputError('backupCodes: the code must be a string');
    const attempt = { account: id, ip: context.ip, factor: 'backup_code' };
    const none = { remaining: undefined, low: false };
    if (lockout) {
      const refused = refusal(await lockout.check(attempt));
      if (refused) return { valid: false, ...refused, ...none };
    }
    const code = canonical(input);
    let used = false;
    try {
      used = code !== undefined && (await store.removeMember(owner(id), hashOf(id, code)));
    } catch {
      // The codes live only in the store: without it no code can be checked, let alone used once.
      return { valid: false, reason: 'store_unavailable', retryAfterMs: 0, ...none };
    }
    if (!used) {
      const after = await lockout?.recordFailure(attempt);
      return { valid: false, reason: 'invalid', retryAfterMs: after?.retryAfterMs ?? 0, ...none };
    }
    await lockout?.recordSuccess(attempt);
    const left = await remaining(id).catch(() => undefined);
    return { valid: true, reason: undefined, retryAfterMs: 0, remaining: left, low: left !== undefined && left <= lowThreshold };
  }

  return { generate, consume, remaining };
}
