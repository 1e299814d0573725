/**
 * `/webhook-secret`: a user's webhook URL and signing secret, stored encrypted at rest with
 * `bulwark/crypto` (Fernet tokens behind key ids), and key rotation you can watch happen.
 *
 * The demo generates its keys at start and keeps everything in memory. A real app reads its keys
 * with `fromEnv(process.env).encryptionKeys` from `bulwark/config` (newest first) and stores the
 * encrypted text in its database.
 */

import express from 'express';
import { createFieldEncryptor, Fernet, fernetKeyId, InvalidToken } from '../../../dist/core/crypto/index.js';
import { html } from '../layout.js';

const MAX_SECRET = 200;
const MAX_URL = 2000;
const EXAMPLE = { url: 'https://hooks.example.com/bulwark', secret: 'whsec_7f3a9c2e41b8d6055e' };

/** One demo account's encrypted record, and the keys: newest first, as an app would configure them. */
function createVault() {
  let keys = [Fernet.generateKey()];
  let fields = createFieldEncryptor({ keys });
  let stored;
  return {
    get keyIds() {
      return keys.map(fernetKeyId);
    },
    get stored() {
      return stored;
    },
    save(record) {
      stored = fields.encrypt(record);
    },
    /** Decrypted record, or undefined when nothing is stored. Throws InvalidToken if the stored text was tampered with. */
    read() {
      return stored === undefined ? undefined : fields.decrypt(stored);
    },
    /** When the stored token was made (its Fernet timestamp), in seconds. */
    createdAt() {
      if (stored === undefined) return undefined;
      const token = stored.slice(stored.indexOf(':') + 1);
      for (const key of keys) {
        try {
          return new Fernet(key).extractTimestamp(token);
        } catch {
          // Another key made it.
        }
      }
      return undefined;
    },
    needsRotation: () => stored !== undefined && fields.needsRotation(stored),
    addKey() {
      keys = [Fernet.generateKey(), ...keys].slice(0, 3);
      fields = createFieldEncryptor({ keys });
    },
    rotate() {
      if (stored !== undefined) stored = fields.rotate(stored);
    },
  };
}

/** `whsec_••••••••055e`: enough to recognize a secret, not enough to use it. */
function maskSecret(secret) {
  return secret.length <= 8 ? '••••••••' : `${secret.slice(0, 6)}••••••••${secret.slice(-4)}`;
}

function checkInput(body) {
  const url = typeof body?.url === 'string' ? body.url.trim() : '';
  const secret = typeof body?.secret === 'string' ? body.secret.trim() : '';
  const problems = [];
  if (!/^https:\/\/[^\s]+$/.test(url) || url.length > MAX_URL) problems.push(`the URL must start with https:// (at most ${MAX_URL} characters)`);
  if (secret.length === 0 || secret.length > MAX_SECRET) problems.push(`the secret must be 1 to ${MAX_SECRET} characters`);
  return { record: { url, secret }, problems };
}

function view(vault) {
  let record;
  try {
    record = vault.read();
  } catch (error) {
    if (!(error instanceof InvalidToken)) throw error;
    return { state: 'tampered' };
  }
  if (!record) return { state: 'empty', keyIds: vault.keyIds };
  const createdAt = vault.createdAt();
  return {
    state: 'stored',
    stored: vault.stored,
    keyId: vault.stored.slice(0, vault.stored.indexOf(':')),
    keyIds: vault.keyIds,
    needsRotation: vault.needsRotation(),
    createdAt: createdAt === undefined ? null : new Date(createdAt * 1000).toISOString(),
    url: record.url,
    maskedSecret: maskSecret(record.secret),
  };
}

function page(demo, res, vault, { problems = [], status = 200 } = {}) {
  const current = view(vault);
  const csrf = res.locals.bulwark.csrfToken ?? '';
  const storedPart =
    current.state === 'stored'
      ? html`<table id="stored">
          <tr><th>Stored text (what the database holds)</th><td><code data-field="stored">${current.stored}</code></td></tr>
          <tr><th>Key id</th><td><code data-field="keyId">${current.keyId}</code>
            ${current.needsRotation ? html`<span class="bad" id="needs-rotation">older key: rotate it</span>` : html`<span class="ok">current key</span>`}</td></tr>
          <tr><th>Encrypted at (token timestamp)</th><td><code>${current.createdAt}</code></td></tr>
          <tr><th>Decrypted URL</th><td><code data-field="url">${current.url}</code></td></tr>
          <tr><th>Decrypted secret (masked for display)</th><td><code data-field="maskedSecret">${current.maskedSecret}</code></td></tr>
        </table>
        <form method="post" action="/webhook-secret/rotate"><input type="hidden" name="_csrf" value="${csrf}">
          <button type="submit" id="rotate">Re-encrypt under the newest key</button></form>`
      : html`<p id="stored">Nothing stored yet.</p>`;
  demo.render(res, {
    title: 'Encrypted webhook secret',
    status,
    body: html`<p>Save a webhook URL and its signing secret. The server keeps only the encrypted text:
      <code>&lt;key id&gt;:&lt;Fernet token&gt;</code> from <code>createFieldEncryptor()</code> in
      <code>bulwark/crypto</code>. The token after the colon is a standard Fernet token, which Python's
      <code>cryptography.fernet</code> decrypts with the same key.</p>
      ${problems.length ? html`<ul class="bad" id="problems">${problems.map((p) => html`<li>${p}</li>`)}</ul>` : ''}
      <form method="post" action="/webhook-secret" id="webhook-form">
        <input type="hidden" name="_csrf" value="${csrf}">
        <p><label>Webhook URL <input name="url" value="${EXAMPLE.url}" size="50" maxlength="${MAX_URL}"></label></p>
        <p><label>Signing secret <input name="secret" type="password" value="${EXAMPLE.secret}" maxlength="${MAX_SECRET}" autocomplete="off"></label></p>
        <p><button type="submit">Save encrypted</button></p>
      </form>
      <h2>What is stored</h2>
      ${storedPart}
      <h2>Keys</h2>
      <p>Newest first; the first encrypts, all decrypt: <code id="key-ids">${(current.keyIds ?? []).join(', ')}</code>.
      Adding a key leaves stored values readable and marks them for rotation.</p>
      <form method="post" action="/webhook-secret/new-key"><input type="hidden" name="_csrf" value="${csrf}">
        <button type="submit" id="new-key">Add a new key</button></form>`,
  });
}

export const webhookSecretFeature = {
  path: '/webhook-secret',
  title: 'Encrypted secrets',
  summary: 'a webhook secret stored as a Fernet token with a key id, and key rotation',
  tryIt: (base) => [
    {
      note: 'Store a webhook secret: the answer is the encrypted text a database would hold',
      command: `curl -s -H 'Sec-Fetch-Site: same-origin' -H 'Content-Type: application/json' -d '{"url":"https://hooks.example.com/x","secret":"whsec_demo_123456"}' ${base}/api/webhook-secret`,
    },
    { note: 'Read it back: key id, token, timestamp, and the secret masked', command: `curl -s ${base}/api/webhook-secret` },
  ],
  register({ pages, api, demo }) {
    const vault = createVault();
    const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });
    const save = (body) => {
      const { record, problems } = checkInput(body);
      if (problems.length === 0) {
        vault.save(record);
        demo.log(`[demo] webhook secret stored encrypted under key ${vault.stored.slice(0, vault.stored.indexOf(':'))}`);
      }
      return problems;
    };

    pages.get('/webhook-secret', (req, res) => page(demo, res, vault));
    pages.post('/webhook-secret', form, (req, res) => {
      const problems = save(req.body);
      if (problems.length > 0) return page(demo, res, vault, { problems, status: 422 });
      res.redirect(303, '/webhook-secret');
    });
    pages.post('/webhook-secret/new-key', form, (req, res) => {
      vault.addKey();
      demo.log('[demo] new encryption key added; stored values now need rotation');
      res.redirect(303, '/webhook-secret');
    });
    pages.post('/webhook-secret/rotate', form, (req, res) => {
      vault.rotate();
      res.redirect(303, '/webhook-secret');
    });

    api.get('/webhook-secret', (req, res) => {
      const { state, ...rest } = view(vault);
      res.status(state === 'tampered' ? 500 : 200).json({ state, ...rest });
    });
    api.post('/webhook-secret', express.json({ limit: '8kb' }), (req, res) => {
      const problems = save(req.body);
      if (problems.length > 0) return res.status(422).json({ problems });
      const { state, ...rest } = view(vault);
      res.status(201).json({ state, ...rest });
    });
  },
};
