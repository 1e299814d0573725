/**
 * `fetch` for URLs that came from users: every hop (the first URL and each redirect target) must
 * pass `assertPublicUrl`, redirects are followed by hand with a hop limit, and credentials are not
 * carried to another origin. See docs/validate.md for what this cannot stop (DNS rebinding).
 */

import { checkInteger, checkKeys, fail } from '../config/check-options.js';
import { BlockedUrlError, InvalidInputError, LimitExceededError } from '../errors.js';
import { checkPublicUrl, compilePublicUrlPolicy, type PublicUrlOptions } from './public-url.js';

export interface SafeFetchOptions extends PublicUrlOptions {
  /** Redirects followed at most. Default 5. */
  maxRedirects?: number;
  /** The fetch implementation. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Dropped when a redirect leaves the origin, as browsers do for Authorization (Fetch spec) and more.
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

function replayable(body: RequestInit['body']): boolean {
  return body === undefined || body === null || typeof body === 'string' || body instanceof ArrayBuffer || ArrayBuffer.isView(body) ||
    body instanceof URLSearchParams || body instanceof Blob || body instanceof FormData;
}

/**
 * Fetches a user-supplied URL, refusing (BlockedUrlError) any hop that is or resolves to an internal
 * address; LimitExceededError (`maxRedirects`) after too many redirects.
 */
export async function safeFetch(input: string | URL, init: RequestInit = {}, options: SafeFetchOptions = {}): Promise<Response> {
  const { maxRedirects: maxOption, fetch: fetchOption, ...publicOptions } = options;
  checkKeys('safeFetch', options, ['resolve', 'schemes', 'allow', 'maxRedirects', 'fetch']);
  const maxRedirects = checkInteger('safeFetch.maxRedirects', maxOption, 0, 20) ?? 5;
  if (fetchOption !== undefined && typeof fetchOption !== 'function') fail('safeFetch.fetch', 'expected a fetch function');
  const fetchImpl = fetchOption ?? globalThis.fetch;
  const policy = compilePublicUrlPolicy(publicOptions, 'safeFetch');
  const mode = init.redirect ?? 'follow';

  let url = await checkPublicUrl(input, policy);
  let method = (init.method ?? 'GET').toUpperCase();
  let body = init.body;
  const headers = new Headers(init.headers);
  for (let hop = 0; ; hop++) {
    const response = await fetchImpl(url, { ...init, method, body, headers, redirect: 'manual' });
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null || mode === 'manual') return response;
    await response.body?.cancel();
    if (mode === 'error') throw new BlockedUrlError('URL refused: the response is a redirect and redirect is "error"');
    if (hop >= maxRedirects) throw new LimitExceededError(`more than ${maxRedirects} redirects`, 'maxRedirects');
    let next: URL;
    try {
      next = new URL(location, url);
    } catch (error) {
      throw new BlockedUrlError('URL refused: the redirect target is not a valid URL', { cause: error });
    }
    next = await checkPublicUrl(next, policy);
    // Fetch spec 4.4 step 12: 301/302 turn POST into GET, 303 turns everything but HEAD into GET.
    if ((response.status === 303 && method !== 'HEAD') || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) headers.delete(name);
    } else if (body !== undefined && body !== null && !replayable(body)) {
      throw new InvalidInputError('a streamed request body cannot be sent again after a 307/308 redirect');
    }
    if (next.origin !== url.origin) for (const name of ORIGIN_BOUND_HEADERS) headers.delete(name);
    url = next;
  }
}
