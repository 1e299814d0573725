/**
 * `/account`: sign-up with the password policy and strength estimate, login through the lockout
 * (5 failures lock for 15 minutes), TOTP enrollment with a QR code, backup codes, and API keys.
 * Everything lives in memory; `demo@example.com` / `vexing quokka lamp` exists from the start.
 * `/api/account/login` and `/api/account/whoami` (Authorization: Bearer <API key>) are the JSON side.
 */

import { randomBytes } from 'node:crypto';
import express from 'express';
import { createMemoryStore, parseCookies, serializeCookie } from '../../../dist/core/index.js';
import { apiKeyId, generateApiKey, maskApiKey, verifyApiKey } from '../../../dist/core/keys/index.js';
import { createLockout } from '../../../dist/core/lockout/index.js';
import { createBackupCodes, createTotpVerifier, generateTotpSecret, totpQrCodeSvg, totpUri, verifyTotp } from '../../../dist/core/mfa/index.js';
import { createPasswordPolicy, estimatePasswordStrength, hashPassword, verifyPassword } from '../../../dist/core/passwords/index.js';
import { html, raw } from '../layout.js';

const COOKIE = 'demo_account';
const SEED = { email: 'demo@example.com', password: 'vexing quokka lamp' };
const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });
const STYLE = '.qr svg { width: 12rem; height: 12rem; } .codes { columns: 2; font-family: monospace; } form.inline { display: inline; }';

/** Everything the feature keeps, in memory: users, login sessions and API keys, plus the bulwark services. */
function createAccounts(demo) {
  const pepper = randomBytes(32); // per process: a real service reads its pepper from the environment
  const store = createMemoryStore();
  const onEvent = (event) => {
    demo.feed.record(event);
    demo.log(`[account] ${event.type}: ${event.description}`);
  };
  const lockout = createLockout({ store, onEvent });
  const users = new Map(); // e-mail -> { email, hash, totpSecret, pendingSecret }
  const ready = hashPassword(SEED.password).then((hash) => users.set(SEED.email, { email: SEED.email, hash }));
  return {
    ready,
    users,
    lockout,
    pepper,
    sessions: new Map(), // session id -> { email, stage: 'mfa' | 'in' }
    apiKeys: new Map(), // lookup id -> { email, hash }
    policy: createPasswordPolicy({ mfa: true }),
    totp: createTotpVerifier({ store, lockout }),
    backup: createBackupCodes({ store, lockout, pepper }),
  };
}

function sessionOf(accounts, req) {
  const id = parseCookies(req.headers.cookie).get(COOKIE);
  return id === undefined ? undefined : accounts.sessions.get(id);
}

function startSession(accounts, res, email, stage) {
  const id = randomBytes(24).toString('base64url');
  accounts.sessions.set(id, { email, stage });
  // Secure only over TLS: the demo also runs on plain http://127.0.0.1.
  res.append('Set-Cookie', serializeCookie(COOKIE, id, { path: '/', sameSite: 'Lax', secure: Boolean(res.locals.bulwark.secure) }));
}

const field = (body, name) => (typeof body?.[name] === 'string' ? body[name] : '');
const csrf = (res) => html`<input type="hidden" name="_csrf" value="${res.locals.bulwark.csrfToken ?? ''}">`;
const minutes = (ms) => Math.max(1, Math.ceil(ms / 60_000));

function loginMessage(result) {
  if (result.storeError) return 'Login is unavailable right now.';
  if (result.locked) return `Too many attempts: try again in ${minutes(result.retryAfterMs)} minute(s).`;
  return 'Wrong e-mail or password.';
}

function signedOut(res, notice) {
  return html`${notice ?? ''}
    <h2>Sign up</h2>
    <p>Policy: 8+ characters (this demo requires a second factor to be offered), any Unicode, no common passwords,
    nothing from your e-mail address. The strength estimate comes from zxcvbn-ts.</p>
    <form method="post" action="/account/signup">${csrf(res)}
      <p><label>E-mail <input name="email" type="email" maxlength="200" required></label>
      <label>Password <input name="password" type="password" maxlength="300" required></label>
      <button>Sign up</button></p>
    </form>
    <h2>Log in</h2>
    <p>Try <code>${SEED.email}</code> / <code>${SEED.password}</code>, or fail 5 times to see the lockout.</p>
    <form method="post" action="/account/login">${csrf(res)}
      <p><label>E-mail <input name="email" maxlength="200" value="${SEED.email}"></label>
      <label>Password <input name="password" type="password" maxlength="300"></label>
      <button id="login">Log in</button></p>
    </form>`;
}

function secondFactor(res, notice) {
  return html`${notice ?? ''}
    <h2>Second factor</h2>
    <form method="post" action="/account/login/mfa">${csrf(res)}
      <p><label>Code from your app, or a backup code <input name="code" autocomplete="one-time-code" maxlength="20"></label>
      <button>Verify</button></p>
    </form>`;
}

function signedIn(res, user, accounts, extra) {
  const keys = [...accounts.apiKeys.values()].filter((key) => key.email === user.email);
  return html`${extra ?? ''}
    <p id="signed-in">Signed in as <code>${user.email}</code>. TOTP: <strong>${user.totpSecret ? 'on' : 'off'}</strong>.</p>
    <form method="post" action="/account/totp/start" class="inline">${csrf(res)}<button>${user.totpSecret ? 'Re-enroll TOTP' : 'Set up TOTP'}</button></form>
    <form method="post" action="/account/backup-codes" class="inline">${csrf(res)}<button>New backup codes</button></form>
    <form method="post" action="/account/api-keys" class="inline">${csrf(res)}<button id="new-key">Create an API key</button></form>
    <form method="post" action="/account/logout" class="inline">${csrf(res)}<button>Log out</button></form>
    <h2>Your API keys</h2>
    ${keys.length ? html`<ul>${keys.map((key) => html`<li><code>${key.masked}</code> (id <code>${key.id}</code>)</li>`)}</ul>` : html`<p>None yet.</p>`}`;
}

function render(demo, res, body, status = 200) {
  const nonce = res.locals.bulwark.nonce ?? '';
  demo.render(res, { title: 'Accounts: passwords, lockout, MFA, API keys', status, body: html`<style nonce="${nonce}">${raw(STYLE)}</style>${body}` });
}

/** The page for whoever is asking: signed out, half-way (second factor), or signed in. */
function page(demo, accounts, req, res, notice, status) {
  const session = sessionOf(accounts, req);
  const user = session && accounts.users.get(session.email);
  if (user && session.stage === 'in') return render(demo, res, signedIn(res, user, accounts, notice), status);
  if (user && session.stage === 'mfa') return render(demo, res, secondFactor(res, notice), status);
  render(demo, res, signedOut(res, notice), status);
}

const note = (ok, text, id = 'notice') => html`<p class="${ok ? 'ok' : 'bad'}" id="${id}">${text}</p>`;

function backupCodesNotice(codes) {
  return html`${note(true, 'Your backup codes. Each works once; they are shown only now.')}
    <ul class="codes" id="backup-codes">${codes.map((code) => html`<li>${code}</li>`)}</ul>`;
}

export const accountFeature = {
  path: '/account',
  title: 'Accounts',
  summary: 'sign-up with a NIST password policy, login with lockout, TOTP with a QR code, backup codes, API keys',
  tryIt: (base) => [
    {
      note: 'Six wrong passwords: the fifth locks the account for 15 minutes (authn_login_lock on /events)',
      command: `for i in 1 2 3 4 5 6; do curl -s -H 'Sec-Fetch-Site: same-origin' -H 'Content-Type: application/json' -d '{"email":"${SEED.email}","password":"wrong"}' ${base}/api/account/login; echo; done`,
    },
    { note: 'An API key from /account authenticates a JSON request; an altered one gets 401', command: `curl -s -H 'Authorization: Bearer <your key>' ${base}/api/account/whoami` },
  ],
  register({ pages, api, demo }) {
    const accounts = createAccounts(demo);
    const { users, lockout } = accounts;
    const attemptLogin = async (email, password, ip) => {
      await accounts.ready;
      return lockout.attempt({ account: email, ip }, async () => (await verifyPassword(users.get(email)?.hash, password)).valid);
    };
    const signedInUser = (req) => {
      const session = sessionOf(accounts, req);
      return session?.stage === 'in' ? users.get(session.email) : undefined;
    };

    pages.get('/account', (req, res) => page(demo, accounts, req, res));

    pages.post('/account/signup', form, async (req, res, next) => {
      try {
        const email = field(req.body, 'email').trim().toLowerCase();
        const password = field(req.body, 'password');
        const verdict = await accounts.policy.check(password, { userInputs: [email] });
        const strength = await estimatePasswordStrength(password, [email]);
        const meter = html`<p id="strength">Strength: <strong>${strength.score}/100 (${strength.label})</strong>${strength.feedback.warning ? html` · ${strength.feedback.warning}` : ''}</p>`;
        if (!/^[^@\s]{1,64}@[^@\s]{1,190}$/.test(email) || !verdict.ok || users.has(email)) {
          const reasons = verdict.issues.map((issue) => html`<li><code>${issue.code}</code> ${issue.message}</li>`);
          return page(demo, accounts, req, res, html`${note(false, 'Sign-up refused.')}<ul id="issues">${reasons}</ul>${meter}`, 422);
        }
        users.set(email, { email, hash: await hashPassword(verdict.normalized) });
        startSession(accounts, res, email, 'in');
        render(demo, res, signedIn(res, users.get(email), accounts, html`${note(true, 'Account created.')}${meter}`));
      } catch (error) {
        next(error);
      }
    });

    pages.post('/account/login', form, async (req, res, next) => {
      try {
        const email = field(req.body, 'email').trim().toLowerCase();
        const result = await attemptLogin(email, field(req.body, 'password'), res.locals.bulwark.clientIp);
        if (!result.ok) return page(demo, accounts, req, res, note(false, loginMessage(result)), result.locked ? 429 : 401);
        const user = users.get(email);
        startSession(accounts, res, email, user.totpSecret ? 'mfa' : 'in');
        render(demo, res, user.totpSecret ? secondFactor(res, note(true, 'Password accepted.')) : signedIn(res, user, accounts, note(true, 'Welcome back.')));
      } catch (error) {
        next(error);
      }
    });

    pages.post('/account/login/mfa', form, async (req, res, next) => {
      try {
        const session = sessionOf(accounts, req);
        const user = session?.stage === 'mfa' ? users.get(session.email) : undefined;
        if (!user) return page(demo, accounts, req, res, note(false, 'Log in with your password first.'), 401);
        const code = field(req.body, 'code').trim();
        const ip = res.locals.bulwark.clientIp;
        const result = /^\d{6}$/.test(code) ? await accounts.totp.verify(user.email, code, user.totpSecret, { ip }) : await accounts.backup.consume(user.email, code, { ip });
        if (!result.valid) {
          const why = result.reason === 'locked' ? `Too many attempts: try again in ${minutes(result.retryAfterMs)} minute(s).` : `Code refused (${result.reason}).`;
          return render(demo, res, secondFactor(res, note(false, why)), 401);
        }
        session.stage = 'in';
        const low = result.low ? note(false, `Only ${result.remaining} backup codes left: make new ones.`, 'low') : '';
        render(demo, res, signedIn(res, user, accounts, html`${note(true, 'Second factor accepted.')}${low}`));
      } catch (error) {
        next(error);
      }
    });

    pages.post('/account/totp/start', form, async (req, res, next) => {
      try {
        const user = signedInUser(req);
        if (!user) return page(demo, accounts, req, res, note(false, 'Log in first.'), 401);
        user.pendingSecret = generateTotpSecret();
        const uri = totpUri({ secret: user.pendingSecret, issuer: 'bulwark demo', account: user.email });
        const svg = await totpQrCodeSvg(uri);
        render(demo, res, html`<h2>Scan this with your authenticator app</h2>
          <div class="qr" id="qr">${raw(svg)}</div>
          <p>Or type the secret: <code id="secret">${user.pendingSecret}</code></p>
          <form method="post" action="/account/totp/confirm">${csrf(res)}
            <p><label>Code from the app <input name="code" inputmode="numeric" maxlength="6" autocomplete="one-time-code"></label>
            <button>Turn on TOTP</button></p>
          </form>`);
      } catch (error) {
        next(error);
      }
    });

    pages.post('/account/totp/confirm', form, async (req, res, next) => {
      try {
        const user = signedInUser(req);
        if (!user?.pendingSecret) return page(demo, accounts, req, res, note(false, 'Start the TOTP set-up first.'), 400);
        if (!verifyTotp(field(req.body, 'code').trim(), user.pendingSecret)) return page(demo, accounts, req, res, note(false, 'That code did not match: scan again.'), 422);
        user.totpSecret = user.pendingSecret;
        delete user.pendingSecret;
        const codes = await accounts.backup.generate(user.email);
        render(demo, res, signedIn(res, user, accounts, html`${note(true, 'TOTP is on.', 'totp-on')}${backupCodesNotice(codes)}`));
      } catch (error) {
        next(error);
      }
    });

    pages.post('/account/backup-codes', form, async (req, res, next) => {
      try {
        const user = signedInUser(req);
        if (!user) return page(demo, accounts, req, res, note(false, 'Log in first.'), 401);
        render(demo, res, signedIn(res, user, accounts, backupCodesNotice(await accounts.backup.generate(user.email))));
      } catch (error) {
        next(error);
      }
    });

    pages.post('/account/api-keys', form, (req, res) => {
      const user = signedInUser(req);
      if (!user) return page(demo, accounts, req, res, note(false, 'Log in first.'), 401);
      const { key, id, hash } = generateApiKey({ prefix: 'demo', pepper: accounts.pepper });
      accounts.apiKeys.set(id, { id, email: user.email, hash, masked: maskApiKey(key) });
      const shown = html`${note(true, 'Your new API key. Copy it now: only a hash is kept.')}<p><code id="api-key">${key}</code></p>`;
      render(demo, res, signedIn(res, user, accounts, shown));
    });

    pages.post('/account/logout', form, (req, res) => {
      const id = parseCookies(req.headers.cookie).get(COOKIE);
      if (id !== undefined) accounts.sessions.delete(id);
      res.append('Set-Cookie', serializeCookie(COOKIE, '', { path: '/', maxAge: 0, secure: Boolean(res.locals.bulwark.secure) }));
      render(demo, res, signedOut(res, note(true, 'Logged out.')));
    });

    api.post('/account/login', express.json({ limit: '8kb' }), async (req, res, next) => {
      try {
        const email = field(req.body, 'email').trim().toLowerCase();
        const result = await attemptLogin(email, field(req.body, 'password'), res.locals.bulwark.clientIp);
        if (result.ok) return res.json({ ok: true, mfaRequired: Boolean(users.get(email)?.totpSecret) });
        if (result.locked) res.set('Retry-After', String(Math.ceil(result.retryAfterMs / 1000)));
        res.status(result.locked ? 429 : 401).json({ ok: false, locked: result.locked, retryAfterMs: result.retryAfterMs, message: loginMessage(result) });
      } catch (error) {
        next(error);
      }
    });

    api.get('/account/whoami', (req, res) => {
      const header = req.headers.authorization ?? '';
      const presented = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
      const record = accounts.apiKeys.get(apiKeyId(presented));
      if (!record || !verifyApiKey(presented, record.hash, { pepper: accounts.pepper })) {
        return res.status(401).json({ error: { code: 'invalid_api_key', requestId: res.locals.bulwark.requestId } });
      }
      res.json({ email: record.email, key: maskApiKey(presented) });
    });
  },
};
