/** `createTokenManager` options, validated once at construction. */

import { createHash } from 'node:crypto';
import { checkInteger, checkKeys, checkOneOf, fail } from '../config/check-options.js';
import type { PinoLikeLogger } from '../events/types.js';
import { createMemoryStore } from '../store/memory.js';
import type { SecurityStore } from '../store/types.js';
import { hasControlCharacter } from '../control-characters.js';
import { createBinding, type Binding, type TokenBindingOptions } from './binding.js';
import type { TokenEvent } from './events.js';
import { importKeys, type TokenAlgorithm, type TokenKey, type TokenKeyInput } from './keys.js';
import { checkAlgorithms, createKeyResolver, DEFAULT_MAX_TOKEN_LENGTH, type KeyResolver } from './verify.js';

export interface TokenManagerOptions {
  /** The first key signs; all verify (rotation: put the new key first, keep the old ones until their tokens expire). */
  keys: readonly TokenKeyInput[];
  /** `iss` of every token, e.g. `https://auth.example.com`. */
  issuer: string;
  /** `aud` of access tokens: the API(s) they are for. */
  audience: string | readonly string[];
  /** Where refresh tokens, the denylist and subject cut-offs live. Default: an in-process memory store. */
  store?: SecurityStore;
  /** Allowlist; default: the algorithms of `keys`. Never taken from a token's header. */
  algorithms?: readonly TokenAlgorithm[];
  /** Access token lifetime in seconds. Default 900 (15 minutes). */
  accessTtlSeconds?: number;
  /** Refresh token lifetime in seconds. Default 604,800 (7 days). */
  refreshTtlSeconds?: number;
  /** Leeway for `exp`, `nbf` and `iat` between clocks, in seconds. Default 5. */
  clockToleranceSeconds?: number;
  /**
   * A consumed refresh token presented again within this many seconds gets another pair instead of
   * revoking its family (two tabs refreshing at once). Default 0: every reuse revokes. See docs/tokens.md.
   */
  reuseGraceSeconds?: number;
  /** Bind tokens to the client (user agent, optionally IP prefix). Default false. */
  binding?: boolean | TokenBindingOptions;
  /** When the store does not answer during `verifyAccess`: `deny` (default) rejects with `StoreUnavailableError`, `allow` accepts the signed token and emits an event. */
  onStoreError?: 'deny' | 'allow';
  /** Longest token read, in characters. Default 8192. */
  maxTokenLength?: number;
  onEvent?: (event: TokenEvent) => void;
  logger?: PinoLikeLogger;
}

export interface NormalizedTokenOptions {
  keys: TokenKey[];
  signingKey: TokenKey;
  resolver: KeyResolver;
  issuer: string;
  audience: string[];
  /** Short, stable tag of the issuer for store keys. */
  issuerTag: string;
  store: SecurityStore;
  accessTtlMs: number;
  refreshTtlMs: number;
  toleranceSeconds: number;
  graceMs: number;
  binding: Binding | undefined;
  failOpen: boolean;
  maxTokenLength: number;
}

const KNOWN = [
  'keys', 'issuer', 'audience', 'store', 'algorithms', 'accessTtlSeconds', 'refreshTtlSeconds', 'clockToleranceSeconds',
  'reuseGraceSeconds', 'binding', 'onStoreError', 'maxTokenLength', 'onEvent', 'logger',
];
const PATH = 'tokens';

function checkText(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 512 || hasControlCharacter(value)) {
    fail(path, 'expected a non-empty string of at most 512 characters without control characters');
  }
  return value;
}

function checkStore(store: unknown): SecurityStore {
  if (store === undefined) return createMemoryStore();
  const candidate = store as Partial<SecurityStore>;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.swap !== 'function' || typeof candidate.get !== 'function') {
    fail(`${PATH}.store`, 'expected a store from bulwark/store (createMemoryStore, createRedisStore, createRedisClusterStore)');
  }
  return candidate as SecurityStore;
}

export function normalizeTokenOptions(options: TokenManagerOptions): NormalizedTokenOptions {
  checkKeys(PATH, options, KNOWN);
  const keys = importKeys(options.keys, `${PATH}.keys`);
  const signingKey = keys[0]!;
  if (signingKey.signingKey === undefined) fail(`${PATH}.keys[0]`, 'the first key signs: give a private key (or an HS256 secret), public keys after it');
  const algorithms = checkAlgorithms(`${PATH}.algorithms`, keys, options.algorithms);
  if (!algorithms.includes(signingKey.alg)) fail(`${PATH}.algorithms`, `the signing key's ${signingKey.alg} must be allowed`);
  const issuer = checkText(`${PATH}.issuer`, options.issuer);
  const audienceList = typeof options.audience === 'string' ? [options.audience] : options.audience;
  if (!Array.isArray(audienceList) || audienceList.length === 0) fail(`${PATH}.audience`, 'expected a string or a non-empty list of strings');
  const audience = audienceList.map((aud, i) => checkText(`${PATH}.audience[${i}]`, aud));
  const accessTtl = checkInteger(`${PATH}.accessTtlSeconds`, options.accessTtlSeconds, 10, 86_400) ?? 900;
  const refreshTtl = checkInteger(`${PATH}.refreshTtlSeconds`, options.refreshTtlSeconds, 60, 366 * 86_400) ?? 604_800;
  if (refreshTtl < accessTtl) fail(`${PATH}.refreshTtlSeconds`, 'must be at least accessTtlSeconds');
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') fail(`${PATH}.onEvent`, 'expected a function (event) => void');
  return {
    keys,
    signingKey,
    resolver: createKeyResolver(keys, algorithms),
    issuer,
    audience,
    issuerTag: createHash('sha256').update(issuer).digest('base64url').slice(0, 12),
    store: checkStore(options.store),
    accessTtlMs: accessTtl * 1000,
    refreshTtlMs: refreshTtl * 1000,
    toleranceSeconds: checkInteger(`${PATH}.clockToleranceSeconds`, options.clockToleranceSeconds, 0, 300) ?? 5,
    graceMs: (checkInteger(`${PATH}.reuseGraceSeconds`, options.reuseGraceSeconds, 0, 300) ?? 0) * 1000,
    binding: createBinding(`${PATH}.binding`, options.binding),
    failOpen: (checkOneOf(`${PATH}.onStoreError`, options.onStoreError, ['deny', 'allow'] as const) ?? 'deny') === 'allow',
    maxTokenLength: checkInteger(`${PATH}.maxTokenLength`, options.maxTokenLength, 256, 65_536) ?? DEFAULT_MAX_TOKEN_LENGTH,
  };
}
