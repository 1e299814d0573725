/**
 * Express adapter: `app.use(protect(bulwark))`. The context is on `res.locals.bulwark`
 * (templates: `<script nonce="<%= bulwark.nonce %>">`).
 */

import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Bulwark, Decision } from '../core/index.js';
import { evaluate, tracksCompletion } from '../core/internal.js';
import { limitNodeBody } from './node-body.js';
import { fromNodeRequest, sendDenied, streamSessionHeaders, writeDecisionHeaders } from './node-http.js';

function settle(bulwark: Bulwark, trackCompletion: boolean, req: Request, res: Response, next: NextFunction, decision: Decision): void {
  writeDecisionHeaders(res, decision);
  if (trackCompletion) res.once('finish', () => bulwark.complete(decision.context, res.statusCode));
  if (!decision.allowed) return sendDenied(req, res, decision);
  if (decision.bodyLimit !== undefined) limitNodeBody(req, res, decision.bodyLimit);
  streamSessionHeaders(res, decision.context);
  res.locals.bulwark = decision.context;
  next();
}

export function protect(bulwark: Bulwark): RequestHandler {
  const trackCompletion = tracksCompletion(bulwark);
  return function bulwarkMiddleware(req: Request, res: Response, next: NextFunction): void {
    const result = evaluate(bulwark, fromNodeRequest(req, req.originalUrl));
    if (result instanceof Promise) result.then((decision) => settle(bulwark, trackCompletion, req, res, next, decision), next);
    else settle(bulwark, trackCompletion, req, res, next, result);
  };
}
