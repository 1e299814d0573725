/**
 * `/rate-limit`: a login form limited to 2 attempts a second and 10 a minute per client (repeat
 * offenders are banned for 30 s, then 2 min, 8 min...), and `/api/rate-limit`, a JSON endpoint under
 * the API's default tier (10/s, 60/min), both printing the RateLimit headers they were sent with.
 * The demo counts in memory; with REDIS_URL set it counts (and bans) in Redis, shared by every
 * process.
 */

import { createBanList, RATE_LIMIT_TIERS } from '../../../dist/core/rate-limit/index.js';
import { createMemoryStore, createRedisStore } from '../../../dist/core/store/index.js';
import { html } from '../layout.js';

const RATE_LIMIT_HEADERS = ['ratelimit-policy', 'ratelimit', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'];

/**
 * The demo's rate limits: memory, or Redis when `env.REDIS_URL` is set. `rateLimit` is the
 * options object for `createBulwark({ rateLimit, bans })`; `bans` goes to `createBulwark({ bans })`.
 */
export function createDemoRateLimits(env = process.env) {
  const redisUrl = env.REDIS_URL;
  const store = redisUrl ? createRedisStore({ url: redisUrl }) : createMemoryStore();
  const bans = createBanList({ store, progressive: { firstMs: 30_000, factor: 4, maxMs: 15 * 60_000, decayMs: 60 * 60_000 } });
  const rateLimit = {
    store,
    bans,
    headers: 'both',
    exempt: { paths: ['/healthz'] },
    rules: [
      { name: 'login', path: '/rate-limit/login', methods: ['POST'], limits: RATE_LIMIT_TIERS.auth, penalize: true },
      { name: 'api', path: '/api/**', limits: RATE_LIMIT_TIERS.default },
    ],
  };
  return { store, bans, rateLimit, storeLabel: redisUrl ? 'Redis (REDIS_URL)' : 'memory (set REDIS_URL to use Redis)', close: () => store.close() };
}

function sentHeaders(res) {
  return Object.fromEntries(RATE_LIMIT_HEADERS.filter((name) => res.getHeader(name) !== undefined).map((name) => [name, String(res.getHeader(name))]));
}

export const rateLimitFeature = {
  path: '/rate-limit',
  title: 'Rate limits',
  summary: 'a login form at 2/s and 10/min with progressive bans, the API at 10/s and 60/min, RateLimit headers',
  tryIt: (base) => [
    { note: 'Three quick login attempts: the third gets 429 with Retry-After and RateLimit headers', command: `for i in 1 2 3; do curl -si -X POST -H 'Sec-Fetch-Site: same-origin' -d user=alice -d password=x ${base}/rate-limit/login | grep -i -E '^(HTTP|ratelimit|retry-after)'; done` },
    { note: 'The API tier: RateLimit-Policy and RateLimit on every response', command: `curl -si ${base}/api/rate-limit | grep -i ratelimit` },
    { note: 'IPv6 clients share a budget per /56 (the demo trusts loopback as a proxy)', command: `curl -s -H 'X-Forwarded-For: 2001:db8:0:1200::1' ${base}/api/rate-limit; curl -s -H 'X-Forwarded-For: 2001:db8:0:12ff::9' ${base}/api/rate-limit` },
  ],
  // The limits themselves run in the pipeline (app.js passes createDemoRateLimits() to createBulwark): these routes only show them.
  register({ pages, api, demo }) {
    const setup = demo.rateLimits;

    pages.get('/rate-limit', (req, res) => {
      const { csrfToken, clientIp } = res.locals.bulwark;
      demo.render(res, {
        title: 'Rate limits',
        body: html`
          <p>Counting in <strong id="rate-store">${setup.storeLabel}</strong>, per client address
          (<code>${clientIp ?? 'unknown'}</code>; IPv6 per /56).</p>
          <h2>A login form: 2 attempts a second, 10 a minute</h2>
          <p>Every attempt fails (this is a demo). Submit quickly: the third attempt within a second gets
          <code>429</code>. Going over again soon after bans this address for 30 s, then 2 min, 8 min.</p>
          <form method="post" action="/rate-limit/login">
            <input type="hidden" name="_csrf" value="${csrfToken ?? ''}">
            <label>User <input name="user" value="alice" autocomplete="username"></label>
            <label>Password <input name="password" type="password" autocomplete="current-password"></label>
            <button id="login">Sign in</button>
          </form>
          <h2>The API</h2>
          <p><a href="/api/rate-limit">/api/rate-limit</a> answers with the headers the API tier (10/s, 60/min) sent.</p>`,
      });
    });

    pages.post('/rate-limit/login', (req, res) => {
      const headers = sentHeaders(res);
      demo.render(res, {
        status: 401,
        title: 'Sign-in failed',
        body: html`<p id="login-failed">Wrong user name or password (every attempt fails in the demo).</p>
          <table id="rate-headers">${Object.entries(headers).map(([name, value]) => html`<tr><th>${name}</th><td><code>${value}</code></td></tr>`)}</table>
          <p><a href="/rate-limit">Try again</a></p>`,
      });
    });

    api.get('/rate-limit', (req, res) => {
      res.json({ store: setup.storeLabel, clientIp: res.locals.bulwark.clientIp ?? null, headers: sentHeaders(res) });
    });
  },
};
