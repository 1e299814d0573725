/**
 * The demo's encrypted webhook secret (`examples/demo/features/webhook-secret.js`), mounted on its
 * own behind a real bulwark and Express, and driven over HTTP: store, read, add a key, rotate.
 */

import http from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protect } from '../../dist/adapters/express.js';
import { createBulwark } from '../../dist/core/index.js';
import { listen } from '../harness/net.js';

interface Feature {
  path: string;
  tryIt(base: string): { note: string; command: string }[];
  register(parts: { pages: express.Router; api: express.Router; demo: unknown }): void;
}

const FEATURE = '../../examples/demo/features/webhook-secret.js';
const LAYOUT = '../../examples/demo/layout.js';

describe('demo: encrypted webhook secret', () => {
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const { webhookSecretFeature } = (await import(FEATURE)) as { webhookSecretFeature: Feature };
    const { renderPage } = (await import(LAYOUT)) as { renderPage: (page: unknown) => string };
    const demo = {
      log: () => {},
      render(res: express.Response, { title, body, status = 200 }: { title: string; body: unknown; status?: number }) {
        res.status(status).type('html').send(renderPage({ title, body, nav: [], context: res.locals.bulwark }));
      },
    };
    const app = express();
    const pages = express.Router();
    const api = express.Router();
    webhookSecretFeature.register({ pages, api, demo });
    app.use('/api', protect(createBulwark({ headers: { preset: 'api' } })), api);
    app.use(protect(createBulwark()), pages);
    const running = await listen(http.createServer(app));
    base = `http://127.0.0.1:${running.port}`;
    close = running.close;
  });
  afterAll(async () => close?.());

  const post = (path: string, form: Record<string, string>) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams(form),
    });
  const page = async () => (await fetch(`${base}/webhook-secret`)).text();
  /** The text of `<code data-field="name">...</code>`. */
  const field = (html: string, name: string) => {
    for (const match of html.matchAll(/data-field="([A-Za-z]+)">([^<]*)</g)) if (match[1] === name) return match[2];
    return undefined;
  };

  it('stores the secret encrypted, shows the token and never the secret', async () => {
    expect(await page()).toContain('Nothing stored yet');
    const saved = await post('/webhook-secret', { url: 'https://hooks.example.com/a', secret: 'whsec_page_secret_0001' });
    expect(saved.status).toBe(303);
    const html = await page();
    const stored = field(html, 'stored')!;
    expect(stored).toMatch(/^[A-Za-z0-9_-]{8}:gAAAAA[A-Za-z0-9_=-]+$/);
    expect(field(html, 'url')).toBe('https://hooks.example.com/a');
    expect(field(html, 'maskedSecret')).toBe('whsec_••••••••0001');
    expect(html).not.toContain('whsec_page_secret_0001');
  });

  it('marks the value for rotation after a new key, and rotates it', async () => {
    const before = field(await page(), 'keyId');
    expect((await post('/webhook-secret/new-key', {})).status).toBe(303);
    const afterKey = await page();
    expect(afterKey).toContain('id="needs-rotation"');
    expect(field(afterKey, 'keyId')).toBe(before);
    expect((await post('/webhook-secret/rotate', {})).status).toBe(303);
    const rotated = await page();
    expect(rotated).not.toContain('id="needs-rotation"');
    expect(field(rotated, 'keyId')).not.toBe(before);
    expect(field(rotated, 'url')).toBe('https://hooks.example.com/a');
  });

  it('answers the API and refuses bad input with 422', async () => {
    const created = await fetch(`${base}/api/webhook-secret`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ url: 'https://hooks.example.com/api', secret: 'whsec_api_secret_0002' }),
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { stored: string; keyId: string; needsRotation: boolean; maskedSecret: string };
    expect(body.stored.startsWith(`${body.keyId}:gAAAAA`)).toBe(true);
    expect(body.needsRotation).toBe(false);
    expect(JSON.stringify(body)).not.toContain('whsec_api_secret_0002');
    expect(((await (await fetch(`${base}/api/webhook-secret`)).json()) as { stored: string }).stored).toBe(body.stored);
    const refused = await post('/webhook-secret', { url: 'javascript:alert(1)', secret: '' });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('id="problems"');
  });
});
