/**
 * The bulwark demo: an Express app with every protection that exists switched on, on embedded
 * memory only. `server.js` runs it from the command line; tests call `startDemo({ port: 0 })`.
 */


import http from 'node:http';
import express from 'express';
import { protect } from '../../dist/adapters/express.js';
import { createBulwark } from '../../dist/core/index.js';
import { guardRoutes } from './features/guards.js';
import { features } from './features/index.js';
import { createDemoRateLimits } from './features/rate-limit.js';
import { html, renderPage } from './layout.js';
import { createConsoleLogger, createEventFeed } from './log.js';

/**
 * The three bulwark configurations: `html` for pages, `api` for the JSON routes under /api, and
 * `guarded` for /api/guarded, where the injection guard blocks. Elsewhere it only reports (the
 * signup and comment demos take attacks on purpose, to show what the validators and the
 * sanitizer make of them); its findings appear on /events.
 */
export function demoOptions({ logger, onEvent, rateLimits }) {
  const shared = {
    // The demo's "proxy" is you with curl on loopback, so forwarding headers from loopback count.
    trustProxy: 'loopback',
    requestId: { trustIncoming: true },
    accessLog: true,
    // Off: the demo serves plain HTTP. In production: httpsRedirect: true (308 to https://).
    httpsRedirect: false,
    rateLimit: rateLimits.rateLimit,
    bans: rateLimits.bans,
    injection: { mode: 'report', body: true },
    logger,
    onEvent,
  };
  return {
    html: {
      ...shared,
      headers: {
        preset: 'html',
        reportingEndpoints: { csp: '/api/csp-reports' },
        contentSecurityPolicy: {
          reportTo: 'csp',
          // Trial Trusted Types in report-only mode before enforcing them.
          reportOnly: { directives: { requireTrustedTypesFor: ["'script'"] } },
        },
        // Opt-in cross-origin isolation: fine here, the pages load nothing from other origins.
        crossOriginEmbedderPolicy: 'require-corp',
      },
      routes: guardRoutes,
    },
    api: { ...shared, headers: { preset: 'api' } },
    guarded: { ...shared, headers: { preset: 'api' }, injection: { mode: 'block', body: true } },
  };
}

/**
 * Builds the Express app. `log` receives each console line (default console.log); with
 * `env.REDIS_URL` set, rate limits and bans count in that Redis instead of memory.
 */
export function createDemoApp({ log = console.log, env = process.env } = {}) {
  const feed = createEventFeed(50);
  const rateLimits = createDemoRateLimits(env);
  const options = demoOptions({ logger: createConsoleLogger(log), onEvent: feed.record, rateLimits });
  const pagesBulwark = createBulwark(options.html);
  const apiBulwark = createBulwark(options.api);
  const guardedBulwark = createBulwark(options.guarded);

  const nav = features.map(({ path, title }) => ({ path, title }));
  const demo = {
    features,
    feed,
    log,
    rateLimits,
    render(res, { title, body, status = 200 }) {
      res.status(status).type('html').send(renderPage({ title, body, nav, context: res.locals.bulwark }));
    },
  };

  const app = express();
  const pages = express.Router();
  const api = express.Router();
  const guarded = express.Router();
  for (const feature of features) feature.register({ pages, api, guarded, demo });

  api.use((req, res) => {
    res.status(404).json({ error: { code: 'not_found', requestId: res.locals.bulwark.requestId } });
  });
  pages.use((req, res) => {
    demo.render(res, { title: 'Not found', status: 404, body: html`<p>Nothing here. Try the links above.</p>` });
  });

  // Each part has its own bulwark; a request passes exactly one of them.
  app.use('/api/guarded', protect(guardedBulwark), guarded);
  app.use('/api', protect(apiBulwark), api);
  app.use(protect(pagesBulwark), pages);
  app.use((error, req, res, _next) => {
    // Body-parser errors (413, 400) keep their status; anything else is a 500.
    const status = error?.status >= 400 && error.status < 500 ? error.status : 500;
    log(`[demo] ${status}: ${error instanceof Error ? error.message : String(error)}`);
    if (!res.headersSent) res.status(status).type('text').send(status === 500 ? 'Internal error\n' : 'Bad request\n');
  });
  return { app, feed, close: () => rateLimits.close() };
}

/**
 * Starts the demo. Resolves to `{ server, url, port, feed, features, close() }`.
 * `port` 0 picks a free port; `host` defaults to 127.0.0.1 (loopback only).
 */
export async function startDemo({ port = 3000, host = '127.0.0.1', log = console.log, env = process.env } = {}) {
  const { app, feed, close: closeApp } = createDemoApp({ log, env });
  const server = http.createServer(app);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;
  const close = () =>
    new Promise((resolve) => {
      server.close(() => closeApp().then(resolve, resolve));
      server.closeAllConnections();
    });
  return { server, url, port: address.port, feed, features, close };
}
