/**
 * One range lookup over HTTP with global `fetch`: a deadline per attempt, a cap on the body size,
 * and retries with exponential backoff and full jitter on timeouts, network errors, 429 and 5xx.
 */

export type BreachFailure = 'timeout' | 'network_error' | 'http_error' | 'malformed' | 'circuit_open';

export interface RangeFetchOptions {
  baseUrl: string;
  timeoutMs: number;
  retries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  padding: boolean;
  userAgent: string;
}

/** Padded responses are about 40 KB; anything past 1 MiB is not a range response. */
const MAX_BODY_BYTES = 1024 * 1024;

export class RangeFetchError extends Error {
  constructor(
    readonly reason: BreachFailure,
    readonly retryable: boolean,
  ) {
    super(`breach check: ${reason}`);
  }
}

/** A uniform random delay in [0, ms): full jitter, from the CSPRNG. */
function jitter(ms: number): number {
  const [value] = crypto.getRandomValues(new Uint32Array(1));
  return Math.floor((value! / 2 ** 32) * ms);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw new RangeFetchError('malformed', false);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function attempt(url: string, options: RangeFetchOptions): Promise<string> {
  const headers: Record<string, string> = { 'User-Agent': options.userAgent };
  if (options.padding) headers['Add-Padding'] = 'true';
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetch(url, { headers, signal, redirect: 'error' });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      throw new RangeFetchError('http_error', response.status === 429 || response.status >= 500);
    }
    return await readCapped(response);
  } catch (error) {
    if (error instanceof RangeFetchError) throw error;
    if (signal.aborted) throw new RangeFetchError('timeout', true);
    throw new RangeFetchError('network_error', true);
  }
}

/** Fetches the range for `prefix`, retrying transient failures; rejects with RangeFetchError. */
export async function fetchRange(prefix: string, options: RangeFetchOptions): Promise<string> {
  const url = `${options.baseUrl}${prefix}`;
  for (let tries = 0; ; tries++) {
    try {
      return await attempt(url, options);
    } catch (error) {
      const failure = error instanceof RangeFetchError ? error : new RangeFetchError('network_error', true);
      if (!failure.retryable || tries >= options.retries) throw failure;
      await sleep(jitter(Math.min(options.backoffMaxMs, options.backoffBaseMs * 2 ** tries)));
    }
  }
}
