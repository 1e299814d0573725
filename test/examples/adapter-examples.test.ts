/**
 * The per-framework examples in examples/{express,koa,fetch}: each is started as a user would
 * (`node examples/<name>/server.js`, importing `bulwark` by package name), then checked over HTTP.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

async function start(name: string): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const script = fileURLToPath(new URL(`../../examples/${name}/server.js`, import.meta.url));
  const child = spawn(process.execPath, [script], { env: { ...process.env, PORT: '0' } });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`${name} example exited with ${code}: ${output}`)));
  });
  return { child, url, exited };
}

describe.each(['express', 'koa', 'fetch'])('examples/%s/server.js', (name) => {
  it('serves a page with a nonce-based CSP and a JSON route under the api preset, and stops on SIGTERM', async () => {
    const { child, url, exited } = await start(name);
    try {
      const page = await fetch(`${url}/`);
      const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(page.headers.get('content-security-policy') ?? '')?.[1];
      expect(nonce).toBeDefined();
      expect(await page.text()).toContain(`<script nonce="${nonce}">`);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('x-powered-by')).toBeNull();

      const api = await fetch(`${url}/api/hello`);
      expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(api.headers.get('cache-control')).toBe('no-store');
      expect(await api.json()).toMatchObject({ hello: 'world', requestId: api.headers.get('x-request-id') });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
