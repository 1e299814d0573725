/** `bulwark hash-password`: an argon2id PHC hash of a password read from stdin, never echoed. */

import { createHash, timingSafeEqual } from 'node:crypto';
import type { ReadStream } from 'node:tty';
import { hashPassword, MAX_PASSWORD_BYTES, PASSWORD_HASH_DEFAULTS } from '../core/passwords/hash.js';
import { CommandFailed, integerOption, parse, readAll, readHidden, type Io } from './io.js';

export const HASH_PASSWORD_HELP = `Usage: bulwark hash-password [--memory-cost KiB] [--time-cost N] [--parallelism N]

Hashes a password with argon2id and prints the PHC string (\`$argon2id$v=19$m=...\`).

On a terminal it asks twice, without echo. Otherwise it reads stdin; one trailing newline is
dropped. Passwords longer than ${MAX_PASSWORD_BYTES} bytes are refused.

Options (defaults are OWASP's minimum, which is also the lowest accepted):
  --memory-cost KiB   memory (default ${PASSWORD_HASH_DEFAULTS.memoryCost})
  --time-cost N       passes (default ${PASSWORD_HASH_DEFAULTS.timeCost})
  --parallelism N     lanes (default ${PASSWORD_HASH_DEFAULTS.parallelism})

Example:
  bulwark hash-password < password.txt`;

/** Constant-time comparison of two passwords (digests have equal length, as timingSafeEqual needs). */
function sameText(a: string, b: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}

async function readPassword(io: Io): Promise<string> {
  const stdin = io.stdin as ReadStream;
  if (stdin.isTTY && typeof stdin.setRawMode === 'function') {
    const first = await readHidden(stdin, io.stderr, 'Password: ');
    const second = await readHidden(stdin, io.stderr, 'Repeat password: ');
    if (!sameText(first, second)) throw new CommandFailed('the passwords differ');
    return first;
  }
  // A little more than the limit, so an over-long password gets the limit's message.
  const text = (await readAll(io.stdin, 4 * MAX_PASSWORD_BYTES + 2)).toString('utf8');
  return text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
}

export async function hashPasswordCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { 'memory-cost': { type: 'string' }, 'time-cost': { type: 'string' }, parallelism: { type: 'string' } });
  if (values.help) {
    io.stdout.write(`${HASH_PASSWORD_HELP}\n`);
    return 0;
  }
  const options = {
    memoryCost: integerOption('memory-cost', values['memory-cost'] as string | undefined, PASSWORD_HASH_DEFAULTS.memoryCost, 4 * 1024 * 1024),
    timeCost: integerOption('time-cost', values['time-cost'] as string | undefined, PASSWORD_HASH_DEFAULTS.timeCost, 100),
    parallelism: integerOption('parallelism', values.parallelism as string | undefined, PASSWORD_HASH_DEFAULTS.parallelism, 255),
  };
  const password = await readPassword(io);
  if (password.length === 0) throw new CommandFailed('the password is empty');
  io.stdout.write(`${await hashPassword(password, options)}\n`);
  return 0;
}
