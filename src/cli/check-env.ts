/** `bulwark check-env`: checks this process's environment as `fromEnv` would and says what to fix. */

import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { checkEnv, describeEnvConfig } from '../core/config/from-env.js';
import { parse, UsageError, type Io } from './io.js';

export const CHECK_ENV_HELP = `Usage: bulwark check-env [--production] [--dotenv PATH]

Checks bulwark's environment variables (BULWARK_*, REDIS_URL, RATELIMIT_STORAGE_URI) the way
fromEnv(process.env) does, lists every problem with its fix, and prints what is set with every
secret masked. Production rules (required, long, random, no placeholders) apply when
NODE_ENV=production or with --production.

  --production      apply production rules whatever NODE_ENV says
  --dotenv PATH     also read a .env file; variables already in the environment win, as with
                    node --env-file (named differently: Node 20 takes --env-file for itself)

Exit codes: 0 the environment is usable (warnings may be printed), 1 it has problems.

Examples:
  NODE_ENV=production bulwark check-env
  bulwark check-env --production --dotenv .env`;

function withEnvFile(env: NodeJS.ProcessEnv, file: string | undefined): NodeJS.ProcessEnv {
  if (file === undefined) return env;
  let text: string;
  try {
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- the user names the file to read
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError('cannot read the --dotenv file');
  }
  return { ...parseEnv(text), ...env };
}

export function checkEnvCommand(args: string[], io: Io): number {
  const { values } = parse(args, { production: { type: 'boolean' }, dotenv: { type: 'string' } });
  if (values.help) {
    io.stdout.write(`${CHECK_ENV_HELP}\n`);
    return 0;
  }
  const env = withEnvFile(io.env, values.dotenv as string | undefined);
  const result = checkEnv(env, values.production ? { production: true } : undefined);
  for (const warning of result.warnings) io.stderr.write(`warning: ${warning.variable} ${warning.message}\n`);
  if (!result.ok) {
    io.stderr.write(`bulwark check-env: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} to fix:\n`);
    for (const problem of result.problems) io.stderr.write(`  - ${problem.variable} ${problem.message}\n`);
    return 1;
  }
  const view = describeEnvConfig(result.config);
  io.stdout.write(`Environment OK (${result.config.production ? 'production' : 'development'} rules)\n`);
  for (const [name, value] of Object.entries(view)) if (name !== 'production') io.stdout.write(`  ${name.padEnd(24)} ${String(value)}\n`);
  return 0;
}
