/**
 * `/session` and `/api/tokens`: server-side sessions from `bulwark/sessions` (login, the list of
 * active sessions with revoke buttons, logout everywhere, an MFA step-up page) and, for the API,
 * JWT access and refresh tokens from `bulwark/tokens` (login, a protected call, rotation, logout).
 *
 * Until the pipeline loads sessions itself, this module loads them with a router middleware: it
 * builds the SecurityRequest, calls `sessions.load()`, and streams the session's response headers
 * (cookies, Clear-Site-Data) to the Express response.
 */

import { generateKeyPairSync } from 'node:crypto';
import express from 'express';
import { createSessionGuard } from '../../../dist/core/sessions/index.js';
import { createTokenManager } from '../../../dist/core/tokens/index.js';
import { html } from '../layout.js';

const PASSWORD = 'correct horse battery staple';
const MFA_CODE = '123456';
const USERS = ['alice', 'bob'];

/** The Express request as bulwark's guards see it. */
function securityRequest(req) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
  return { method: req.method, url: `${req.protocol}://${req.get('host')}${req.originalUrl}`, headers, secure: req.secure };
}

function time(ms) {
  return ms === undefined ? 'never' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

function hidden(res) {
  return html`<input type="hidden" name="_csrf" value="${res.locals.bulwark.csrfToken ?? ''}">`;
}

function button(res, action, label, extra = '') {
  return html`<form method="post" action="${action}">${hidden(res)}${extra}<button>${label}</button></form>`;
}

function loginForm(res) {
  return html`<form method="post" action="/session/login" id="login">
    ${hidden(res)}
    <p><label>User <select name="user">${USERS.map((u) => html`<option>${u}</option>`)}</select></label>
    <label>Password <input type="password" name="password" autocomplete="current-password"></label>
    <button>Log in</button></p>
    <p>The password is <code>${PASSWORD}</code>. Log in from several browsers (or private windows): the fourth session ends the oldest.</p>
  </form>`;
}

async function sessionPage(res) {
  const { session } = res.locals;
  const list = await session.list();
  const rows = list.map(
    (s) => html`<tr${s.current ? html` class="ok"` : ''}>
      <td>${time(s.createdAt)}</td><td>${time(s.lastSeenAt)}</td><td><code>${s.userAgent ?? '?'}</code></td><td>${s.ip ?? '?'}</td>
      <td>${s.current ? 'this session' : button(res, '/session/revoke', 'Revoke', html`<input type="hidden" name="ref" value="${s.ref}">`)}</td>
    </tr>`,
  );
  return html`<p>Logged in as <strong id="user">${session.userId}</strong> since ${time(session.createdAt)}; the session ends by
      ${time(session.expiresAt)} at the latest, after 15 idle minutes, or at logout. Its id is rotated every 5 minutes; MFA verified: ${time(session.mfaVerifiedAt)}.</p>
    <h2>Active sessions (at most 3)</h2>
    <table id="sessions"><tr><th>Created</th><th>Last seen</th><th>User agent</th><th>IP</th><th></th></tr>${rows}</table>
    <p>${button(res, '/session/logout', 'Log out')} ${button(res, '/session/logout-others', 'Log out other sessions')}
      ${button(res, '/session/logout-everywhere', 'Log out everywhere')}</p>
    <h2>Step-up</h2>
    <p><a href="/session/admin">/session/admin</a> needs an MFA verification from the last 5 minutes.</p>
    <form method="post" action="/session/mfa">${hidden(res)}<label>Code <input name="code" inputmode="numeric" value="${MFA_CODE}"></label> <button>Verify MFA</button></form>`;
}

export const sessionsFeature = {
  path: '/session',
  title: 'Sessions and tokens',
  summary: 'server-side sessions (rotation, cap of 3, revoke, step-up) and JWT access/refresh tokens for the API',
  tryIt: (base) => [
    { note: 'API login: an access token (15 min) and a refresh token (7 days)', command: `curl -s -H 'Sec-Fetch-Site: same-origin' -H 'Content-Type: application/json' -d '{"user":"alice","password":"${PASSWORD}"}' ${base}/api/tokens/login` },
    { note: 'A protected API call with the access token', command: `curl -s -H "Authorization: Bearer $ACCESS" ${base}/api/tokens/me` },
    { note: 'Refresh twice with the same refresh token: the second is reuse, and the whole family is revoked', command: `for i in 1 2; do curl -s -H 'Sec-Fetch-Site: same-origin' -H 'Content-Type: application/json' -d "{\\"refreshToken\\":\\"$REFRESH\\"}" ${base}/api/tokens/refresh; echo; done` },
    { note: 'A session page without a session, then the step-up page: 401', command: `curl -i ${base}/session/admin` },
  ],
  register({ pages, api, demo }) {
    const onEvent = (event) => demo.feed.record(event);
    const sessions = createSessionGuard({ stepUp: { routes: ['/session/admin'], maxAgeMs: 5 * 60_000 }, onEvent });
    const { privateKey } = generateKeyPairSync('ed25519');
    const tokens = createTokenManager({
      keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'demo' }],
      issuer: 'https://demo.bulwark.local',
      audience: 'https://demo.bulwark.local/api',
      onEvent,
    });

    const router = express.Router();
    router.use(async (req, res, next) => {
      try {
        const { session, denied } = await sessions.load(securityRequest(req), { clientIp: res.locals.bulwark.clientIp, requestId: res.locals.bulwark.requestId });
        session.streamHeadersTo((name, value, mode) => {
          if (res.headersSent) throw new Error('session change after the response headers were sent');
          if (mode === 'append') res.append(name, value);
          else res.set(name, value);
        });
        res.locals.session = session;
        if (denied) {
          return demo.render(res, {
            title: denied.code === 'step_up_required' ? 'Verify your second factor' : 'Log in first',
            status: denied.status,
            body: html`<p id="denied">${denied.message} (<code>${denied.code}</code>)</p><p><a href="/session">Back to the session page</a></p>`,
          });
        }
        next();
      } catch (error) {
        next(error);
      }
    });
    const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });
    const back = (res) => res.redirect(303, '/session');

    router.get('/', async (req, res) => {
      const { session } = res.locals;
      demo.render(res, {
        title: 'Sessions and tokens',
        body: html`<p>The browser holds only <code>__Host-sid</code> (Secure, HttpOnly, SameSite=Lax), a random 256-bit id; the server keeps
          the session under the id's SHA-256. Events go to the <a href="/events">event log</a> with salted hashes, never ids.</p>
          ${session.active ? await sessionPage(res) : loginForm(res)}`,
      });
    });
    router.post('/login', form, async (req, res) => {
      const user = String(req.body?.user ?? '');
      if (!USERS.includes(user) || req.body?.password !== PASSWORD) {
        return demo.render(res, { title: 'Log in', status: 401, body: html`<p class="bad" id="denied">Wrong user or password.</p>${loginForm(res)}` });
      }
      await res.locals.session.login(user);
      back(res);
    });
    router.post('/logout', form, async (req, res) => {
      await res.locals.session.logout();
      back(res);
    });
    router.post('/logout-everywhere', form, async (req, res) => {
      if (res.locals.session.active) await res.locals.session.logoutEverywhere();
      back(res);
    });
    router.post('/logout-others', form, async (req, res) => {
      if (res.locals.session.active) await res.locals.session.logoutOthers();
      back(res);
    });
    router.post('/revoke', form, async (req, res) => {
      if (res.locals.session.active) await res.locals.session.revoke(String(req.body?.ref ?? ''));
      back(res);
    });
    router.post('/mfa', form, async (req, res) => {
      if (res.locals.session.active && req.body?.code === MFA_CODE) await res.locals.session.markMfaVerified();
      back(res);
    });
    router.get('/admin', (req, res) => {
      demo.render(res, { title: 'Step-up area', body: html`<p id="admin" class="ok">MFA verified at ${time(res.locals.session.mfaVerifiedAt)}: welcome.</p>` });
    });
    pages.use('/session', router);

    // The API: bearer tokens instead of cookies.
    const json = express.json({ limit: '8kb' });
    const tokenError = (res, error) => {
      if (typeof error?.code !== 'string' || !error.code.startsWith('ERR_BULWARK_TOKEN')) throw error;
      res.status(401).json({ error: { code: error.code, reason: error.reason } });
    };
    api.post('/tokens/login', json, async (req, res) => {
      const { user, password } = req.body ?? {};
      if (!USERS.includes(user) || password !== PASSWORD) return res.status(401).json({ error: { code: 'invalid_credentials' } });
      res.json(await tokens.issue(user, { scope: 'demo' }, { userAgent: req.get('user-agent'), clientIp: res.locals.bulwark.clientIp }));
    });
    api.get('/tokens/me', async (req, res) => {
      const token = /^Bearer ([A-Za-z0-9._-]{1,8192})$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
      try {
        const claims = await tokens.verifyAccess(token);
        res.json({ user: claims.sub, scope: claims.scope, expiresAt: new Date(claims.exp * 1000).toISOString(), family: claims.sid });
      } catch (error) {
        tokenError(res, error);
      }
    });
    api.post('/tokens/refresh', json, async (req, res) => {
      try {
        res.json(await tokens.refresh(String(req.body?.refreshToken ?? '')));
      } catch (error) {
        tokenError(res, error);
      }
    });
    api.post('/tokens/logout', json, async (req, res) => {
      try {
        await tokens.revoke(String(req.body?.refreshToken ?? ''));
        res.status(204).end();
      } catch (error) {
        tokenError(res, error);
      }
    });
    api.get('/tokens/jwks', (req, res) => res.json(tokens.jwks()));
  },
};
