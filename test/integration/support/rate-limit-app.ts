/**
 * A real Express 5 app behind `protect(createBulwark(...))` with the rate-limit guard as the next
 * middleware, on a free loopback port. Each response says how long the guard's check took
 * (`x-check-ms`) and who decided (`x-limit-source`), so outage tests can see the insurance limiter.
 *
 * TODO(lead): once createBulwark wires the guard (`createBulwark({ rateLimit })`), drop the
 * middleware below and pass the guard options to createBulwark instead; the assertions stay.
 */

import http from 'node:http';
import express from 'express';
import { protect } from '../../../src/adapters/express.js';
import { fromNodeRequest } from '../../../src/adapters/node-http.js';
import { createBulwark, type RequestContext } from '../../../src/core/index.js';
import { createRateLimitGuard, type RateLimitEvent, type RateLimitGuardOptions } from '../../../src/core/rate-limit/index.js';
import { listen } from '../../harness/net.js';

export interface RateLimitedApp {
  url: string;
  events: RateLimitEvent[];
  close(): Promise<void>;
}

export async function startRateLimitedApp(options: RateLimitGuardOptions): Promise<RateLimitedApp> {
  const events: RateLimitEvent[] = [];
  const guard = createRateLimitGuard(options, (event) => events.push(event));
  const app = express();
  // Loopback is the "proxy": tests spread clients over X-Forwarded-For addresses.
  app.use(protect(createBulwark({ trustProxy: 'loopback', csrf: false })));
  app.use((req, res, next) => {
    const context = res.locals.bulwark as RequestContext;
    const started = performance.now();
    Promise.resolve(guard.check({ request: fromNodeRequest(req, req.originalUrl), method: req.method, path: context.path.toLowerCase(), clientIp: context.clientIp, context })).then(
      (outcome) => {
        res.setHeader('x-check-ms', (performance.now() - started).toFixed(1));
        res.setHeader('x-limit-source', outcome.limits.map((limit) => limit.source).join(','));
        for (const [name, value] of outcome.headers) res.setHeader(name, value);
        if (outcome.allowed) return next();
        res.status(429).json({ error: 'too_many_requests', retryAfter: outcome.retryAfterSeconds });
      },
      (error: unknown) => next(error),
    );
  });
  app.get('/api/items', (_req, res) => {
    res.json({ items: [] });
  });
  const { port, close } = await listen(http.createServer(app));
  return { url: `http://127.0.0.1:${port}`, events, close };
}
