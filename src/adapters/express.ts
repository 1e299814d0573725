/**
 * Express adapter: `app.use(protect(bulwark))`. The context is on `res.locals.bulwark`
 * (templates: `<script nonce="<%= bulwark.nonce %>">`).
 */

import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Bulwark } from '../core/index.js';
import { fromNodeRequest, sendDenied, writeDecisionHeaders } from './node-http.js';

export function protect(bulwark: Bulwark): RequestHandler {
  return function bulwarkMiddleware(req: Request, res: Response, next: NextFunction): void {
    bulwark.protect(fromNodeRequest(req, req.originalUrl)).then((decision) => {
      writeDecisionHeaders(res, decision);
      res.once('finish', () => bulwark.complete(decision.context, res.statusCode));
      if (!decision.allowed) return sendDenied(req, res, decision);
      res.locals.bulwark = decision.context;
      next();
    }, next);
  };
}
