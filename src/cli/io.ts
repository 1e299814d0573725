/** Arguments, stdin and exit codes for the `bulwark` CLI. */

import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ReadStream } from 'node:tty';

export const EXIT_OK = 0;
/** The operation failed: invalid or expired token, environment problems, passwords that differ. */
export const EXIT_FAILED = 1;
/** Usage error: unknown command or option, bad value, no key. */
export const EXIT_USAGE = 2;
/** Interrupted with Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** A mistake in how the command was called: exit 2 with the message and a pointer to --help. */
export class UsageError extends Error {}

/** The operation failed for a reason worth one line on stderr: exit 1. */
export class CommandFailed extends Error {}

/** Ctrl-C at a prompt. */
export class Interrupted extends Error {}

export interface Io {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** node:util parseArgs, with messages that name an unknown option but never echo a value given with it. */
export function parse(args: string[], options: Options, positionals = 0): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: positionals > 0, strict: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const arg = args.find((a) => a.startsWith('-') && !Object.keys(options).some((name) => a === `--${name}` || a.startsWith(`--${name}=`)));
    const name = arg?.split('=')[0];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && name) throw new UsageError(`unknown option ${name}`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError('unexpected argument');
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError('an option is missing its value (for a value that starts with "-", write --option=VALUE)');
    }
    throw new UsageError('could not read the arguments');
  }
  if (parsed.positionals.length > positionals) throw new UsageError('too many arguments');
  return parsed;
}

/** A whole number from an option, or a UsageError naming the option. */
export function integerOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,10}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} expects a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

/** All of stdin, up to `maxBytes`. */
export async function readAll(stdin: NodeJS.ReadableStream, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    if (total > maxBytes) throw new CommandFailed(`input is larger than ${maxBytes} bytes`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

/** One line typed at the terminal without echo (raw mode); Enter ends it, Ctrl-C interrupts. */
export function readHidden(stdin: ReadStream, stderr: NodeJS.WriteStream, prompt: string): Promise<string> {
  // Raw mode (no echo) before the prompt, so nothing typed after the prompt can be echoed.
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (outcome: () => void): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      outcome();
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish(() => resolve(value));
        if (char === '\u0003') return finish(() => reject(new Interrupted('interrupted')));
        if (char === '\u0004' && value === '') return finish(() => reject(new Interrupted('no input')));
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else if (char >= ' ') value += char;
      }
    };
    stdin.on('data', onData);
  });
}
