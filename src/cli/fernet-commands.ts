/** `bulwark encrypt`, `decrypt` and `rotate`: Fernet tokens through stdin and stdout. */

import { readFileSync } from 'node:fs';
import { MultiFernet } from '../core/crypto/multi-fernet.js';
import { InvalidToken } from '../core/errors.js';
import { CommandFailed, integerOption, parse, readAll, UsageError, type Io } from './io.js';

/** Fernet holds a whole message in memory; beyond this, use a streaming format (see docs/crypto.md). */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

const KEY_SOURCES = `Keys, first found wins:
  --key-file PATH   a file with one key per line, newest first
  --key=KEY         a key on the command line (visible to other users in ps: avoid)
  BULWARK_ENCRYPTION_KEYS   comma-separated keys, newest first (the default)`;

export const ENCRYPT_HELP = `Usage: bulwark encrypt [--key-file PATH | --key=KEY]

Encrypts stdin (bytes, as is) into a Fernet token with the newest key and prints it with a newline.
Tokens are compatible with Python's cryptography.fernet.

${KEY_SOURCES}

Example:
  printf %s 'postgres://app:pw@db/app' | bulwark encrypt > db-url.token`;

export const DECRYPT_HELP = `Usage: bulwark decrypt [--ttl SECONDS] [--key-file PATH | --key=KEY]

Reads a Fernet token from stdin (surrounding whitespace ignored), tries each key and writes the
plaintext to stdout as is. Exits 1 with "invalid or expired token" on any failure.

  --ttl SECONDS     refuse tokens older than this (and more than 60 s in the future)

${KEY_SOURCES}

Example:
  bulwark decrypt --ttl 3600 < db-url.token`;

export const ROTATE_HELP = `Usage: bulwark rotate [--key-file PATH | --key=KEY]

Reads a Fernet token from stdin and prints it re-encrypted under the newest key, keeping its
original timestamp. Put the new key first and keep the old ones after it until every stored
token is rotated.

${KEY_SOURCES}`;

const KEY_OPTIONS = { key: { type: 'string' }, 'key-file': { type: 'string' } } as const;

function keysFrom(values: { key?: string | boolean; 'key-file'?: string | boolean }, io: Io): MultiFernet {
  let keys: string[];
  if (typeof values['key-file'] === 'string') {
    let text: string;
    try {
      // eslint-disable-next-line security/detect-non-literal-fs-filename -- the user names the file to read
      text = readFileSync(values['key-file'], 'utf8');
    } catch {
      throw new UsageError('cannot read the --key-file');
    }
    keys = text.split(/[\r\n,]/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  } else if (typeof values.key === 'string') {
    keys = [values.key];
  } else {
    keys = (io.env.BULWARK_ENCRYPTION_KEYS ?? '').split(',').map((key) => key.trim()).filter((key) => key !== '');
  }
  if (keys.length === 0) throw new UsageError('no key: set BULWARK_ENCRYPTION_KEYS or pass --key-file (create one with `bulwark keygen fernet`)');
  try {
    return new MultiFernet(keys);
  } catch {
    throw new UsageError('a key is not a Fernet key (32 bytes as URL-safe base64, 44 characters)');
  }
}

async function readToken(io: Io): Promise<string> {
  return (await readAll(io.stdin, MAX_INPUT_BYTES)).toString('latin1').trim();
}

function tokenFailure(error: unknown): never {
  if (error instanceof InvalidToken) throw new CommandFailed('invalid or expired token');
  throw error;
}

export async function encrypt(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, KEY_OPTIONS);
  if (values.help) {
    io.stdout.write(`${ENCRYPT_HELP}\n`);
    return 0;
  }
  const fernet = keysFrom(values, io);
  io.stdout.write(`${fernet.encrypt(await readAll(io.stdin, MAX_INPUT_BYTES))}\n`);
  return 0;
}

export async function decrypt(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...KEY_OPTIONS, ttl: { type: 'string' } });
  if (values.help) {
    io.stdout.write(`${DECRYPT_HELP}\n`);
    return 0;
  }
  const ttl = integerOption('ttl', values.ttl as string | undefined, 0, 2 ** 32);
  const fernet = keysFrom(values, io);
  const token = await readToken(io);
  let plaintext: Uint8Array;
  try {
    plaintext = fernet.decrypt(token, ttl === undefined ? undefined : { ttl });
  } catch (error) {
    tokenFailure(error);
  }
  io.stdout.write(plaintext);
  return 0;
}

export async function rotate(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, KEY_OPTIONS);
  if (values.help) {
    io.stdout.write(`${ROTATE_HELP}\n`);
    return 0;
  }
  const fernet = keysFrom(values, io);
  const token = await readToken(io);
  let rotated: string;
  try {
    rotated = fernet.rotate(token);
  } catch (error) {
    tokenFailure(error);
  }
  io.stdout.write(`${rotated}\n`);
  return 0;
}
