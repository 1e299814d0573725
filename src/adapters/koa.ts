/**
 * Koa adapter: `app.use(protect(bulwark))`, first in the chain. The context is on `ctx.state.bulwark`
 * (koa-views passes `ctx.state` to templates).
 */

import type { Middleware } from 'koa';
import type { Bulwark } from '../core/index.js';
import { fromNodeRequest, sendDenied, writeDecisionHeaders } from './node-http.js';

export function protect(bulwark: Bulwark): Middleware {
  return async function bulwarkMiddleware(ctx, next) {
    const decision = await bulwark.protect(fromNodeRequest(ctx.req, ctx.originalUrl));
    writeDecisionHeaders(ctx.res, decision);
    ctx.res.once('finish', () => bulwark.complete(decision.context, ctx.res.statusCode));
    if (!decision.allowed) {
      // The response is complete; tell Koa not to write it again.
      ctx.respond = false;
      sendDenied(ctx.req, ctx.res, decision);
      return;
    }
    ctx.state.bulwark = decision.context;
    await next();
  };
}
