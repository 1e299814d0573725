/**
 * `createSanitizer(options)`: the size cap, the managed window, profile resolution, and the optional
 * worker threads with a time budget. `sanitizeHtml` and friends use one shared default instance.
 */

import { checkInteger, checkKeys, checkOneOf, fail, isPlainObject, toggle } from '../config/check-options.js';
import { ConfigurationError, InvalidInputError, LimitExceededError } from '../errors.js';
import { EngineHost, type SanitizerStats, type WindowLimits } from './engine-host.js';
import { BUILT_IN_COMPILED, PROFILE_NAMES, compileCustomProfile, type CompiledProfile, type CustomProfile, type ProfileName, type ProfileRef } from './profiles.js';
import { sanitizeObjectWith, type SanitizeObjectRules } from './sanitize-object.js';
import { WorkerPool, type ProfileMessage, type WorkerPoolOptions } from './worker-pool.js';

export interface WorkerOptions {
  /** Worker threads. Default 1. */
  threads?: number;
  /** Longest a document may take in a worker before it is stopped (TimeBudgetExceededError). Default 5000 ms. */
  timeBudgetMs?: number;
  /** `sanitizeAsync` sends documents of at least this many bytes to a worker; smaller ones run inline. Default 32 KiB. */
  minInputBytes?: number;
  /** Documents that may wait for a worker; more is a LimitExceededError. Default 1000. */
  maxQueue?: number;
  /** Heap limit per worker; a document that needs more fails with LimitExceededError. Default 512 MB. */
  heapLimitMb?: number;
}

export interface SanitizerOptions {
  /** Larger inputs are refused with LimitExceededError. Default 1 MiB (1 048 576 bytes of UTF-8). */
  maxInputBytes?: number;
  /** Make a fresh jsdom window after this many calls. Default 10 000. */
  recycleAfterCalls?: number;
  /** Make a fresh window once the heap has grown this much since the current one was made. Default 256 MiB. */
  recycleAfterHeapGrowthBytes?: number;
  /** Off by default; `true` for defaults, or an object to configure. Only `sanitizeAsync` uses workers. */
  worker?: boolean | WorkerOptions;
}

export interface SanitizeOptions {
  /** Default `'basic'`. */
  profile?: ProfileRef;
}

export interface Sanitizer {
  /** Sanitizes `html` in the calling thread. */
  sanitize(html: string, options?: SanitizeOptions): string;
  /** Like `sanitize`; with worker mode on, large documents run in a worker under the time budget. */
  sanitizeAsync(html: string, options?: SanitizeOptions): Promise<string>;
  /** A copy of `value` with every string sanitized by the profile its field asks for. */
  sanitizeObject<T>(value: T, rules?: ProfileRef | SanitizeObjectRules): T;
  /** Counters of the calling thread's window (workers keep their own). */
  stats(): SanitizerStats;
  /** Stops the workers (pending `sanitizeAsync` calls fail) and drops the window. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_INPUT_BYTES = 1_048_576;
const MiB = 1_048_576;
const OPTION_KEYS = ['maxInputBytes', 'recycleAfterCalls', 'recycleAfterHeapGrowthBytes', 'worker'] as const;
const WORKER_KEYS = ['threads', 'timeBudgetMs', 'minInputBytes', 'maxQueue', 'heapLimitMb'] as const;

const compiledCustom = new WeakMap<object, CompiledProfile>();
const workerKeys = new WeakMap<CompiledProfile, number>();
let nextWorkerKey = 1;

/** Validates a custom profile now (ConfigurationError if wrong) so mistakes surface at startup; returns it. */
export function defineProfile<T extends CustomProfile>(profile: T): T {
  resolveProfile(profile);
  return profile;
}

export function resolveProfile(ref: ProfileRef | undefined, path = 'profile'): CompiledProfile {
  if (ref === undefined) return BUILT_IN_COMPILED.basic;
  if (typeof ref === 'string') return BUILT_IN_COMPILED[checkOneOf(path, ref, PROFILE_NAMES) as ProfileName];
  if (!isPlainObject(ref)) fail(path, `expected one of ${PROFILE_NAMES.map((n) => `"${n}"`).join(', ')} or a custom profile object`);
  let compiled = compiledCustom.get(ref);
  if (!compiled) {
    compiled = compileCustomProfile(ref, path);
    compiledCustom.set(ref, compiled);
  }
  return compiled;
}

function profileMessage(compiled: CompiledProfile): ProfileMessage {
  const name = PROFILE_NAMES.find((n) => BUILT_IN_COMPILED[n] === compiled);
  if (name) return { name };
  if (compiled.hooks.length > 0) {
    throw new ConfigurationError('sanitizeAsync: profiles with hooks run in the main thread only; use sanitize() for them');
  }
  let key = workerKeys.get(compiled);
  if (key === undefined) workerKeys.set(compiled, (key = nextWorkerKey++));
  return { key, spec: compiled.spec };
}

/** UTF-8 size, without encoding when the length alone decides (each UTF-16 unit is 1 to 3 bytes). */
function exceedsBytes(text: string, max: number): boolean {
  if (text.length > max) return true;
  if (text.length * 3 <= max) return false;
  return Buffer.byteLength(text, 'utf8') > max;
}

function normalizeOptions(options: SanitizerOptions): { maxInputBytes: number; limits: WindowLimits; worker: (WorkerPoolOptions & { minInputBytes: number }) | undefined } {
  checkKeys('sanitizer', options, OPTION_KEYS);
  const maxInputBytes = checkInteger('sanitizer.maxInputBytes', options.maxInputBytes, 1, 2 ** 30) ?? DEFAULT_MAX_INPUT_BYTES;
  const limits: WindowLimits = {
    recycleAfterCalls: checkInteger('sanitizer.recycleAfterCalls', options.recycleAfterCalls, 1, 1e9) ?? 10_000,
    recycleAfterHeapGrowthBytes: checkInteger('sanitizer.recycleAfterHeapGrowthBytes', options.recycleAfterHeapGrowthBytes, MiB, 2 ** 40) ?? 256 * MiB,
  };
  const { enabled, options: workerOptions = {} } = options.worker === undefined ? { enabled: false, options: undefined } : toggle<WorkerOptions>('sanitizer.worker', options.worker);
  if (!enabled) return { maxInputBytes, limits, worker: undefined };
  checkKeys('sanitizer.worker', workerOptions, WORKER_KEYS);
  const at = (key: (typeof WORKER_KEYS)[number]) => `sanitizer.worker.${key}`;
  return {
    maxInputBytes,
    limits,
    worker: {
      threads: checkInteger(at('threads'), workerOptions.threads, 1, 64) ?? 1,
      timeBudgetMs: checkInteger(at('timeBudgetMs'), workerOptions.timeBudgetMs, 1, 600_000) ?? 5000,
      minInputBytes: checkInteger(at('minInputBytes'), workerOptions.minInputBytes, 0, 2 ** 30) ?? 32 * 1024,
      maxQueue: checkInteger(at('maxQueue'), workerOptions.maxQueue, 0, 1e6) ?? 1000,
      heapLimitMb: checkInteger(at('heapLimitMb'), workerOptions.heapLimitMb, 32, 65_536) ?? 512,
    },
  };
}

/** Creates a sanitizer with its own jsdom window (and workers, when asked for). */
export function createSanitizer(options: SanitizerOptions = {}): Sanitizer {
  const { maxInputBytes, limits, worker } = normalizeOptions(options);
  const host = new EngineHost(limits);
  const pool = worker ? new WorkerPool(worker, limits) : undefined;

  const checkInput = (html: unknown, where: string): string => {
    if (typeof html !== 'string') throw new InvalidInputError(`${where}: expected a string of HTML, got ${html === null ? 'null' : typeof html}`);
    if (exceedsBytes(html, maxInputBytes)) {
      throw new LimitExceededError(`${where}: the input is larger than ${maxInputBytes} bytes (maxInputBytes)`, 'maxInputBytes');
    }
    return html;
  };

  const sanitize = (html: string, sanitizeOptions?: SanitizeOptions): string => {
    const profile = resolveProfile(sanitizeOptions?.profile, 'sanitize: profile');
    return host.sanitize(checkInput(html, 'sanitize'), profile);
  };

  return {
    sanitize,
    async sanitizeAsync(html, sanitizeOptions) {
      const profile = resolveProfile(sanitizeOptions?.profile, 'sanitizeAsync: profile');
      const input = checkInput(html, 'sanitizeAsync');
      if (!pool || !worker || !exceedsBytes(input, worker.minInputBytes - 1)) {
        return host.sanitize(input, profile);
      }
      return pool.run(input, profileMessage(profile));
    },
    sanitizeObject(value, rules) {
      return sanitizeObjectWith(value, rules, { maxTotalLength: maxInputBytes, sanitizeString: (text, profile) => host.sanitize(text, profile), resolveProfile });
    },
    stats: () => host.stats(),
    async close() {
      host.recycle();
      await pool?.close();
    },
  };
}

let shared: Sanitizer | undefined;

/** The process-wide sanitizer behind `sanitizeHtml` and `sanitizeObject` (default options, no workers). */
export function defaultSanitizer(): Sanitizer {
  return (shared ??= createSanitizer());
}

/** Sanitizes untrusted HTML with a profile (default `'basic'`), using the shared sanitizer. */
export function sanitizeHtml(html: string, options?: SanitizeOptions): string {
  return defaultSanitizer().sanitize(html, options);
}

/** A copy of `value` (form or JSON data) with every string sanitized, using the shared sanitizer. */
export function sanitizeObject<T>(value: T, rules?: ProfileRef | SanitizeObjectRules): T {
  return defaultSanitizer().sanitizeObject(value, rules);
}
