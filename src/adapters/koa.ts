/**
 * Koa adapter: `app.use(protect(bulwark))`, first in the chain. The context is on `ctx.state.bulwark`
 * (koa-views passes `ctx.state` to templates).
 */

import type { Middleware } from 'koa';
import type { Bulwark } from '../core/index.js';
import type { ResponseHeaders } from '../core/http/response-headers.js';
import { evaluate, tracksCompletion } from '../core/internal.js';
import { limitNodeBody } from './node-body.js';
import { fromNodeRequest, sendDenied, streamSessionHeaders, writeDecisionHeaders } from './node-http.js';

export function protect(bulwark: Bulwark): Middleware {
  const trackCompletion = tracksCompletion(bulwark);
  return async function bulwarkMiddleware(ctx, next) {
    const result = evaluate(bulwark, fromNodeRequest(ctx.req, ctx.originalUrl));
    const decision = result instanceof Promise ? await result : result;
    writeDecisionHeaders(ctx.res, decision);
    if (trackCompletion) ctx.res.once('finish', () => bulwark.complete(decision.context, ctx.res.statusCode));
    if (!decision.allowed) {
      // The response is complete; tell Koa not to write it again.
      ctx.respond = false;
      sendDenied(ctx.req, ctx.res, decision);
      return;
    }
    if (decision.bodyLimit !== undefined) limitNodeBody(ctx.req, ctx.res, decision.bodyLimit);
    streamSessionHeaders(ctx.res, decision.context);
    ctx.state.bulwark = decision.context;
    try {
      await next();
    } catch (error) {
      // Koa's error response removes every header set so far and then sets `err.headers`: put ours back there.
      if (error instanceof Error) {
        const ours: Record<string, string | string[]> = {};
        (decision.headers as ResponseHeaders).forEachRaw((name, value) => (ours[name] = value));
        const own = (error as { headers?: Record<string, string | string[]> }).headers;
        Object.assign(error, { headers: { ...ours, ...own } });
      }
      throw error;
    }
  };
}
