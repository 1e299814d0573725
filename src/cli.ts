#!/usr/bin/env node
/**
 * The `bulwark` command: keys and secrets, password hashes, environment checks and Fernet tokens.
 * Exit codes: 0 success, 1 the operation failed, 2 usage error, 130 interrupted (see docs/cli.md).
 */

import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CommandFailed, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, Interrupted, UsageError, type Io } from './cli/io.js';
import { suggest } from './core/config/check-options.js';
import { BulwarkError } from './core/errors.js';

const HELP = `Usage: bulwark <command> [options]

Commands:
  keygen <type>    Print a new key or secret: fernet, ed25519, es256, hmac, csrf, api-key
  hash-password    Hash a password from stdin with argon2id (no echo on a terminal)
  check-env        Check bulwark's environment variables and say what to fix
  encrypt          Encrypt stdin into a Fernet token
  decrypt          Decrypt a Fernet token from stdin
  rotate           Re-encrypt a Fernet token from stdin under the newest key

Options:
  -h, --help       Show help; \`bulwark <command> --help\` shows a command's help
  -v, --version    Show the version

Exit codes:
  0    success
  1    the operation failed (invalid or expired token, environment problems, ...)
  2    usage error (unknown command or option, bad value, no key)
  130  interrupted (Ctrl-C)`;

type Command = (args: string[], io: Io) => number | Promise<number>;

// Loaded on use: `bulwark keygen` need not load argon2's native addon or valibot.
const COMMANDS: Record<string, () => Promise<Command>> = {
  keygen: async () => (await import('./cli/keygen.js')).keygen,
  'hash-password': async () => (await import('./cli/hash-password.js')).hashPasswordCommand,
  'check-env': async () => (await import('./cli/check-env.js')).checkEnvCommand,
  encrypt: async () => (await import('./cli/fernet-commands.js')).encrypt,
  decrypt: async () => (await import('./cli/fernet-commands.js')).decrypt,
  rotate: async () => (await import('./cli/fernet-commands.js')).rotate,
};

function version(): string {
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- our own package.json, next to dist/
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}

/** Runs one command line; returns the exit code. Messages go to stderr and never include secrets. */
export async function run(argv: string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout.write(`${HELP}\n`);
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '-v' || name === '--version') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  try {
    if (!command) {
      const hint = name.startsWith('-') ? undefined : suggest(name, Object.keys(COMMANDS));
      // Echo the name only when it looks like one: a pasted secret must not land in a terminal log.
      const shown = /^[a-z][a-z-]{0,31}$/.test(name) ? ` "${name}"` : '';
      throw new UsageError(`unknown command${shown}${hint ? `; did you mean "${hint}"?` : ''}`);
    }
    return await (await command())(args, io);
  } catch (error) {
    const where = command ? `bulwark ${name}` : 'bulwark';
    if (error instanceof UsageError) {
      io.stderr.write(`${where}: ${error.message}\nRun \`${where} --help\` for usage.\n`);
      return EXIT_USAGE;
    }
    if (error instanceof Interrupted) return EXIT_INTERRUPTED;
    if (error instanceof CommandFailed || error instanceof BulwarkError) {
      io.stderr.write(`${where}: ${error.message}\n`);
      return EXIT_FAILED;
    }
    throw error;
  }
}

function isMain(): boolean {
  try {
    // npm links bin scripts, so compare real paths.
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- only compared, never read
    return realpathSync(process.argv[1] ?? '') === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

// Only when run as a program, not when a test imports run().
if (isMain()) {
  process.exitCode = await run(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
}
