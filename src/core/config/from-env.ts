/**
 * Twelve-factor secrets: `fromEnv(process.env)` reads bulwark's variables, checks all of them with
 * valibot, and throws one ConfigurationError listing every problem. In production (NODE_ENV=production,
 * or `{ production: true }`) secrets must be present, long, random and not placeholders. Values are
 * never printed: messages name the variable and the fix, and the returned config masks itself when
 * logged or serialized.
 */

import type { KeyObject } from 'node:crypto';
import * as v from 'valibot';
import { ConfigurationError } from '../errors.js';
import { checkKeys, checkBoolean, fail, suggest } from './check-options.js';
import { checkFernetKeys, checkPrivateKey, checkPublicKey, checkSecret, checkSecretList, checkStoreUrl, unescapePem, type Reporter } from './env-checks.js';
import { maskSecret } from './weak-secrets.js';

/** Secrets that production requires by default; `require` picks a different set. */
export type RequirableSecret = 'encryptionKeys' | 'jwt' | 'csrfSecret' | 'apiKeyPepper' | 'redis';

export interface FromEnvOptions {
  /** Default: `env.NODE_ENV === 'production'`. */
  production?: boolean;
  /** Which must be set. Default in production: encryptionKeys, jwt, csrfSecret, apiKeyPepper; elsewhere none. */
  require?: readonly RequirableSecret[];
}

export interface EnvProblem {
  /** The variable's name, e.g. `BULWARK_CSRF_SECRET`. */
  variable: string;
  /** What is wrong and how to fix it; never the value. */
  message: string;
}

export interface EnvConfig {
  readonly production: boolean;
  /** Fernet keys, newest first (`BULWARK_ENCRYPTION_KEYS`); empty when unset. */
  readonly encryptionKeys: readonly string[];
  readonly jwt: {
    /** HS256 secrets, newest first (`BULWARK_JWT_SECRET`); empty when unset. */
    readonly secrets: readonly string[];
    /** PEM with real line breaks (`BULWARK_JWT_PRIVATE_KEY`). */
    readonly privateKey?: string;
    readonly publicKey?: string;
  };
  readonly csrfSecret?: string;
  readonly apiKeyPepper?: string;
  readonly redisUrl?: string;
  /** `RATELIMIT_STORAGE_URI`, else `REDIS_URL`; unset means the in-memory store. */
  readonly rateLimitStorageUri?: string;
  /** Problems that do not stop the app (weak secrets outside production, plain redis://, ...). */
  readonly warnings: readonly EnvProblem[];
}

export type EnvCheck = { ok: true; config: EnvConfig; problems: []; warnings: EnvProblem[] } | { ok: false; problems: EnvProblem[]; warnings: EnvProblem[] };

const PRODUCTION_DEFAULT: readonly RequirableSecret[] = ['encryptionKeys', 'jwt', 'csrfSecret', 'apiKeyPepper'];
const REQUIRABLE: readonly RequirableSecret[] = [...PRODUCTION_DEFAULT, 'redis'];

/** Every variable fromEnv reads; an unknown BULWARK_* name is reported with the closest of these. */
export const ENV_VARIABLES = [
  'BULWARK_ENCRYPTION_KEYS',
  'BULWARK_JWT_SECRET',
  'BULWARK_JWT_PRIVATE_KEY',
  'BULWARK_JWT_PUBLIC_KEY',
  'BULWARK_CSRF_SECRET',
  'BULWARK_API_KEY_PEPPER',
  'REDIS_URL',
  'RATELIMIT_STORAGE_URI',
] as const;
type Variable = (typeof ENV_VARIABLES)[number];

const HOW_TO_SET: Record<RequirableSecret, { variable: Variable; fix: string }> = {
  encryptionKeys: { variable: 'BULWARK_ENCRYPTION_KEYS', fix: 'run `bulwark keygen fernet`' },
  jwt: { variable: 'BULWARK_JWT_SECRET', fix: 'set it (`bulwark keygen hmac`) or BULWARK_JWT_PRIVATE_KEY (`bulwark keygen ed25519`)' },
  csrfSecret: { variable: 'BULWARK_CSRF_SECRET', fix: 'run `bulwark keygen csrf`' },
  apiKeyPepper: { variable: 'BULWARK_API_KEY_PEPPER', fix: 'run `bulwark keygen api-key`' },
  redis: { variable: 'REDIS_URL', fix: 'set REDIS_URL (or RATELIMIT_STORAGE_URI) to redis://host:6379' },
};

function checkOptions(options: FromEnvOptions | undefined): { production?: boolean; require?: readonly RequirableSecret[] } {
  if (options === undefined) return {};
  checkKeys('fromEnv', options, ['production', 'require']);
  const production = checkBoolean('fromEnv.production', options.production);
  const require = options.require;
  if (require !== undefined && (!Array.isArray(require) || require.some((name) => !REQUIRABLE.includes(name)))) {
    fail('fromEnv.require', `expected a list of ${REQUIRABLE.map((name) => `"${name}"`).join(', ')}`);
  }
  return { production, require };
}

/** Reads the variables that are set and not blank; blank counts as unset (`VAR=` in a .env file). */
function present(env: Readonly<Record<string, string | undefined>>): Partial<Record<Variable, string>> {
  const values: Partial<Record<Variable, string>> = {};
  for (const name of ENV_VARIABLES) {
    const value = env[name];
    if (typeof value === 'string' && value.trim() !== '') values[name] = value.trim();
  }
  return values;
}

/** Checks the environment and returns every problem instead of throwing. `check-env` prints this. */
export function checkEnv(env: Readonly<Record<string, string | undefined>>, options?: FromEnvOptions): EnvCheck {
  const checked = checkOptions(options);
  if (env === null || typeof env !== 'object') fail('fromEnv', 'expected an environment object such as process.env');
  const production = checked.production ?? env.NODE_ENV === 'production';
  const required = new Set(checked.require ?? (production ? PRODUCTION_DEFAULT : []));
  const values = present(env);
  const warnings: EnvProblem[] = [];
  let privateKey: KeyObject | undefined;

  // Each variable's schema: a string piped through its check, which reports through valibot issues.
  const variable = <T>(name: Variable, check: (value: string, report: Reporter) => T) =>
    v.optional(
      v.pipe(
        v.string(),
        v.rawCheck<string>(({ dataset, addIssue }) => {
          if (!dataset.typed) return;
          const report: Reporter = {
            error: (message) => addIssue({ message }),
            weak: (message) => (production ? addIssue({ message }) : warnings.push({ variable: name, message })),
            warn: (message) => warnings.push({ variable: name, message }),
          };
          check(dataset.value, report);
        }),
      ),
    );

  const schema = v.object({
    BULWARK_ENCRYPTION_KEYS: variable('BULWARK_ENCRYPTION_KEYS', checkFernetKeys),
    BULWARK_JWT_SECRET: variable('BULWARK_JWT_SECRET', (value, report) => checkSecretList(value, report, 'hmac')),
    BULWARK_JWT_PRIVATE_KEY: variable('BULWARK_JWT_PRIVATE_KEY', (value, report) => (privateKey = checkPrivateKey(value, report).key)),
    BULWARK_JWT_PUBLIC_KEY: variable('BULWARK_JWT_PUBLIC_KEY', (value, report) => checkPublicKey(value, report, privateKey)),
    BULWARK_CSRF_SECRET: variable('BULWARK_CSRF_SECRET', (value, report) => checkSecret(value, report, 'csrf')),
    BULWARK_API_KEY_PEPPER: variable('BULWARK_API_KEY_PEPPER', (value, report) => checkSecret(value, report, 'api-key')),
    REDIS_URL: variable('REDIS_URL', (value, report) => checkStoreUrl(value, report, false, production)),
    RATELIMIT_STORAGE_URI: variable('RATELIMIT_STORAGE_URI', (value, report) => checkStoreUrl(value, report, true, production)),
  });

  const result = v.safeParse(schema, values, { abortEarly: false, abortPipeEarly: false });
  const problems: EnvProblem[] = (result.issues ?? []).map((issue) => ({
    variable: String(issue.path?.[0]?.key ?? 'environment'),
    // Our checks write every message; anything else gets a generic one that cannot carry the value.
    message: issue.type === 'raw_check' ? issue.message : 'has an unexpected value',
  }));

  const isSet: Record<RequirableSecret, boolean> = {
    encryptionKeys: values.BULWARK_ENCRYPTION_KEYS !== undefined,
    jwt: values.BULWARK_JWT_SECRET !== undefined || values.BULWARK_JWT_PRIVATE_KEY !== undefined,
    csrfSecret: values.BULWARK_CSRF_SECRET !== undefined,
    apiKeyPepper: values.BULWARK_API_KEY_PEPPER !== undefined,
    redis: values.REDIS_URL !== undefined || (values.RATELIMIT_STORAGE_URI ?? 'memory:').startsWith('redis'),
  };
  for (const name of REQUIRABLE) {
    if (required.has(name) && !isSet[name]) {
      problems.push({ variable: HOW_TO_SET[name].variable, message: `is required${production ? ' in production' : ''}; ${HOW_TO_SET[name].fix}` });
    }
  }
  for (const name of Object.keys(env)) {
    if (!name.startsWith('BULWARK_') || (ENV_VARIABLES as readonly string[]).includes(name)) continue;
    const hint = suggest(name, ENV_VARIABLES);
    problems.push({ variable: name, message: `is not a bulwark variable${hint ? `; did you mean ${hint}?` : `; known: ${ENV_VARIABLES.join(', ')}`}` });
  }

  if (problems.length > 0) return { ok: false, problems, warnings };
  return { ok: true, config: buildConfig(values, production, warnings), problems: [], warnings };
}

function list(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
}

function buildConfig(values: Partial<Record<Variable, string>>, production: boolean, warnings: EnvProblem[]): EnvConfig {
  const pem = (value: string | undefined): string | undefined => (value === undefined ? undefined : unescapePem(value));
  const config: EnvConfig = {
    production,
    encryptionKeys: Object.freeze(list(values.BULWARK_ENCRYPTION_KEYS)),
    jwt: Object.freeze({ secrets: Object.freeze(list(values.BULWARK_JWT_SECRET)), privateKey: pem(values.BULWARK_JWT_PRIVATE_KEY), publicKey: pem(values.BULWARK_JWT_PUBLIC_KEY) }),
    csrfSecret: values.BULWARK_CSRF_SECRET,
    apiKeyPepper: values.BULWARK_API_KEY_PEPPER,
    redisUrl: values.REDIS_URL,
    rateLimitStorageUri: values.RATELIMIT_STORAGE_URI ?? values.REDIS_URL,
    warnings: Object.freeze(warnings),
  };
  // console.log(config), JSON.stringify(config) and util.inspect show the masked view only.
  const masked = (): Record<string, unknown> => describeEnvConfig(config);
  Object.defineProperties(config, {
    toJSON: { value: masked, enumerable: false },
    [Symbol.for('nodejs.util.inspect.custom')]: { value: masked, enumerable: false },
  });
  return Object.freeze(config);
}

/** Masks a store URL's password; the rest of the URL is not secret. */
export function maskUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.password) url.password = '****';
    return url.toString();
  } catch {
    return maskSecret(value);
  }
}

/** A printable view of a config: which values are set and how long they are, never the values. */
export function describeEnvConfig(config: EnvConfig): Record<string, unknown> {
  const count = (items: readonly string[], noun: string): string => (items.length === 0 ? '(not set)' : `${items.length} ${noun}${items.length === 1 ? '' : 's'}`);
  return {
    production: config.production,
    BULWARK_ENCRYPTION_KEYS: count(config.encryptionKeys, 'key'),
    BULWARK_JWT_SECRET: count(config.jwt.secrets, 'secret'),
    BULWARK_JWT_PRIVATE_KEY: config.jwt.privateKey === undefined ? '(not set)' : 'PEM private key (set)',
    BULWARK_JWT_PUBLIC_KEY: config.jwt.publicKey === undefined ? '(not set)' : 'PEM public key (set)',
    BULWARK_CSRF_SECRET: maskSecret(config.csrfSecret),
    BULWARK_API_KEY_PEPPER: maskSecret(config.apiKeyPepper),
    REDIS_URL: maskUrl(config.redisUrl) ?? '(not set)',
    RATELIMIT_STORAGE_URI: maskUrl(config.rateLimitStorageUri) ?? '(not set: memory)',
  };
}

/** Reads and checks bulwark's environment variables; throws one ConfigurationError listing every problem. */
export function fromEnv(env: Readonly<Record<string, string | undefined>>, options?: FromEnvOptions): EnvConfig {
  const result = checkEnv(env, options);
  if (result.ok) return result.config;
  const lines = result.problems.map((problem) => `  - ${problem.variable} ${problem.message}`);
  throw new ConfigurationError(`environment: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}:\n${lines.join('\n')}`);
}
