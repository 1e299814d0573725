/**
 * A real Express 5 app behind `protect(createBulwark({ rateLimit }))` on a free loopback port. Each
 * response says how long protection took (`x-check-ms`, measured around the middleware) and who
 * decided its limits (`x-limit-source`: `insurance` when the context lists a rate limit as failed
 * open, `store` otherwise), so outage tests can see the insurance limiter take over.
 */

import http from 'node:http';
import express from 'express';
import { protect } from '../../../src/adapters/express.js';
import { createBulwark, type RequestContext, type SecurityEvent } from '../../../src/core/index.js';
import type { RateLimitGuardOptions } from '../../../src/core/rate-limit/index.js';
import { listen } from '../../harness/net.js';

export interface RateLimitedApp {
  url: string;
  /** Store and rate-limit events (the access log and others left out). */
  events: SecurityEvent[];
  close(): Promise<void>;
}

const KEPT = new Set(['store_unavailable', 'store_recovered', 'excess_rate_limit_exceeded']);

export async function startRateLimitedApp(rateLimit: RateLimitGuardOptions): Promise<RateLimitedApp> {
  const events: SecurityEvent[] = [];
  // Loopback is the "proxy": tests spread clients over X-Forwarded-For addresses.
  const bulwark = createBulwark({ trustProxy: 'loopback', csrf: false, rateLimit, onEvent: (event) => KEPT.has(event.type) && events.push(event) });
  const app = express();
  app.use((_req, res, next) => {
    res.locals.startedAt = performance.now();
    next();
  });
  app.use(protect(bulwark));
  app.use((_req, res, next) => {
    const context = res.locals.bulwark as RequestContext;
    res.setHeader('x-check-ms', (performance.now() - (res.locals.startedAt as number)).toFixed(1));
    res.setHeader('x-limit-source', context.failedOpen.some((name) => name.startsWith('rate-limit:')) ? 'insurance' : 'store');
    next();
  });
  app.get('/api/items', (_req, res) => {
    res.json({ items: [] });
  });
  const { port, close } = await listen(http.createServer(app));
  return { url: `http://127.0.0.1:${port}`, events, close };
}
