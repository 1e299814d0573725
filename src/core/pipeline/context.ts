/**
 * The request context as the pipeline fills it in; applications see it through the read-only
 * `RequestContext` type. The CSRF token is signed only when something reads it: most responses
 * (API calls, assets) never render a form, and the HMAC would be the costliest step of a GET.
 */

import type { RequestContext } from '../http/types.js';
import type { SessionHandle } from '../sessions/handle.js';

const NONE_FAILED_OPEN: readonly string[] = Object.freeze([]);

export class PipelineContext implements RequestContext {
  clientIp: string | undefined = undefined;
  nonce: string | undefined = undefined;
  session: SessionHandle | undefined = undefined;
  failedOpen: readonly string[] = NONE_FAILED_OPEN;
  readonly startedAt = performance.now();
  #issueCsrfToken: (() => string) | undefined = undefined;
  #csrfToken: string | undefined = undefined;

  constructor(
    readonly requestId: string,
    public secure: boolean,
    public host: string,
    readonly method: string,
    readonly path: string,
    readonly userAgent: string | undefined,
  ) {}

  get csrfToken(): string | undefined {
    if (this.#csrfToken === undefined && this.#issueCsrfToken !== undefined) {
      this.#csrfToken = this.#issueCsrfToken();
      this.#issueCsrfToken = undefined;
    }
    return this.#csrfToken;
  }

  /** The token is signed on first read of `csrfToken`, once per request. */
  offerCsrfToken(issue: () => string): void {
    this.#issueCsrfToken = issue;
    this.#csrfToken = undefined;
  }

  addFailedOpen(names: readonly string[]): void {
    this.failedOpen = [...this.failedOpen, ...names];
  }
}
