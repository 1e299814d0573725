/**
 * The pipeline's injection guard: every query parameter name and value through the detectors at
 * one level and, when asked, JSON and form bodies too. `block` (the default) refuses a request with
 * findings (400); `report` lets it through and only emits the event. Options are validated once;
 * requests without a query or a scanned body cost nothing.
 */

import { checkKeys, checkOneOf, fail } from '../config/check-options.js';
import { LimitExceededError, TimeBudgetExceededError } from '../errors.js';
import type { SecurityRequest } from '../http/types.js';
import { readBytes } from '../limits/read-bytes.js';
import { isJsonContentType, readJson } from '../limits/read-json.js';
import { inspectNormalized } from './inspect.js';
import { normalizeInspectOptions, type NormalizedInspectOptions } from './levels.js';
import { inspectParameters, parseParameters, parseQuery } from './query.js';
import type { InspectOptions, InspectResult } from './types.js';

/** Body types the guard can inspect. Multipart bodies (uploads) are not inspected: check their fields in the handler. */
export type ScannedBody = 'json' | 'form';

export interface InjectionGuardOptions extends Pick<InspectOptions, 'level' | 'kinds' | 'limits'> {
  /** `block` (default): 400 with code `injection_detected`; `report`: an event only. */
  mode?: 'block' | 'report';
  /**
   * Also inspect request bodies of these types, read within the route's body limit (and still
   * readable by the handler afterwards). `true` means `['json', 'form']`. Default: the query only.
   */
  body?: boolean | readonly ScannedBody[];
}

/**
 * What a scan found. A scanned body that cannot be inspected is refused in `block` mode: a body the
 * guard cannot read could still be read, differently, by the application.
 */
export type ScanOutcome = InspectResult | 'over-limits' | 'unreadable' | 'too-large' | 'stalled';

export interface InjectionGuard {
  readonly mode: 'block' | 'report';
  /** Findings for the query of `url`. */
  scan(url: string, search: string): ScanOutcome;
  /** Findings in the body when its type is one the guard scans; undefined when it is not. */
  scanBody(request: SecurityRequest, maxBytes: number, idleTimeoutMs: number): Promise<ScanOutcome> | undefined;
}

const FORM = 'application/x-www-form-urlencoded';

function scannedBodies(option: unknown): ReadonlySet<ScannedBody> {
  if (option === undefined || option === false) return new Set();
  if (option === true) return new Set(['json', 'form']);
  if (!Array.isArray(option)) return fail('injection.body', "expected true, false or a list of 'json', 'form'");
  return new Set(option.map((type, i) => checkOneOf(`injection.body[${i}]`, type, ['json', 'form'] as const)!));
}

function outcomeOf(error: unknown): ScanOutcome {
  if (error instanceof LimitExceededError) return error.limit === 'maxBytes' ? 'too-large' : 'over-limits';
  if (error instanceof TimeBudgetExceededError) return 'stalled';
  return 'unreadable';
}

function inspectForm(bytes: Uint8Array, options: NormalizedInspectOptions): InspectResult {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  return inspectParameters(parseParameters(text, options.limits.maxKeys, options.limits.maxStringLength), options);
}

export function createInjectionGuard(options: InjectionGuardOptions): InjectionGuard {
  checkKeys('injection', options, ['level', 'kinds', 'limits', 'mode', 'body']);
  const mode = checkOneOf('injection.mode', options.mode, ['block', 'report'] as const) ?? 'block';
  const inspectOptions = normalizeInspectOptions({ level: options.level, kinds: options.kinds, limits: options.limits }, 'injection');
  const bodies = scannedBodies(options.body);
  const { limits } = inspectOptions;

  async function scanJson(request: SecurityRequest, body: NonNullable<SecurityRequest['body']>, maxBytes: number, idleTimeoutMs: number): Promise<ScanOutcome> {
    // The same structure limits as the inspection, checked while parsing; `__proto__` keys are inspected like any other.
    const value = await readJson({ body: body(maxBytes), headers: request.headers }, { ...limits, maxBytes, idleTimeoutMs, prototypeKeys: 'allow' });
    return inspectNormalized(value, inspectOptions);
  }

  async function scanForm(body: NonNullable<SecurityRequest['body']>, maxBytes: number, idleTimeoutMs: number): Promise<ScanOutcome> {
    return inspectForm(await readBytes(body(maxBytes), maxBytes, idleTimeoutMs), inspectOptions);
  }

  return {
    mode,
    scan(url, search) {
      if (search.length <= 1) return { safe: true, findings: [] };
      try {
        return inspectParameters(parseQuery(url, limits.maxKeys, limits.maxStringLength), inspectOptions);
      } catch (error) {
        if (error instanceof LimitExceededError) return 'over-limits';
        throw error;
      }
    },
    scanBody(request, maxBytes, idleTimeoutMs) {
      const body = request.body;
      if (bodies.size === 0 || body === undefined || request.headers.get('content-length') === '0') return undefined;
      const type = request.headers.get('content-type')?.toLowerCase();
      if (type === undefined) return undefined;
      if (bodies.has('json') && isJsonContentType(type)) return scanJson(request, body, maxBytes, idleTimeoutMs).catch(outcomeOf);
      if (bodies.has('form') && type.split(';', 1)[0]!.trim() === FORM) return scanForm(body, maxBytes, idleTimeoutMs).catch(outcomeOf);
      return undefined;
    },
  };
}
