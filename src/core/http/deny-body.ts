import type { DenyDecision } from './types.js';

export interface DenyBody {
  contentType: string;
  body: string;
}

function prefersJson(accept: string | null | undefined): boolean {
  if (!accept) return false;
  const lower = accept.toLowerCase();
  return lower.includes('application/json') || lower.includes('+json');
}

/** The small, generic body of a denied response: JSON when the client accepts it, plain text otherwise. */
export function denyBody(decision: DenyDecision, accept: string | null | undefined): DenyBody {
  if (prefersJson(accept)) {
    return {
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify({
        error: { code: decision.code, message: decision.message, requestId: decision.context.requestId },
      }),
    };
  }
  return {
    contentType: 'text/plain; charset=utf-8',
    body: `${decision.message} (request id ${decision.context.requestId})\n`,
  };
}
