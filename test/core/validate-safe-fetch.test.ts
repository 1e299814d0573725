import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockedUrlError, LimitExceededError } from '../../src/core/errors.js';
import { safeFetch, type SafeFetchOptions } from '../../src/core/validate/safe-fetch.js';
import { listen } from '../harness/net.js';

// Two real HTTP servers on loopback. Only 127.0.0.1 is allowed (as if it were the public internet);
// 127.0.0.2 plays the internal service an attacker wants to reach. Only DNS is mocked.
interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}
const seen: Record<'outside' | 'inside', Seen[]> = { outside: [], inside: [] };
let outside: Awaited<ReturnType<typeof listen>>;
let inside: Awaited<ReturnType<typeof listen>>;
let otherOrigin: Awaited<ReturnType<typeof listen>>;

function handler(name: 'outside' | 'inside', route: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen[name].push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
      route(req, res, body);
    });
  };
}

function redirect(res: ServerResponse, status: number, location: string): void {
  res.writeHead(status, { location }).end('moved');
}

beforeAll(async () => {
  inside = await listen(createServer(handler('inside', (_req, res) => res.end('secret'))), '127.0.0.2');
  const route = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const url = new URL(req.url!, 'http://x');
    const to = url.searchParams.get('to');
    if (url.pathname === '/redirect' && to) return redirect(res, Number(url.searchParams.get('status') ?? 302), to);
    if (url.pathname === '/loop') return redirect(res, 302, '/loop');
    res.end(`hello ${req.method} ${body}`);
  };
  outside = await listen(createServer(handler('outside', route)), '127.0.0.1');
  otherOrigin = await listen(createServer(handler('outside', route)), '127.0.0.1');
});

afterAll(async () => {
  await outside?.close();
  await inside?.close();
  await otherOrigin?.close();
});

const hosts: Record<string, string[]> = { 'public.test': ['127.0.0.1'], 'internal.test': ['127.0.0.2'], 'metadata.test': ['169.254.169.254'] };
const options: SafeFetchOptions = {
  allow: ['127.0.0.1/32'],
  resolve: async (host) => hosts[host] ?? [],
};
const out = (path: string): string => `http://127.0.0.1:${outside.port}${path}`;

function reset(): void {
  seen.outside.length = 0;
  seen.inside.length = 0;
}

describe('safeFetch', () => {
  it('fetches a public URL and follows redirects that stay public', async () => {
    reset();
    const response = await safeFetch(out(`/redirect?to=${encodeURIComponent(out('/final'))}`), {}, options);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('hello GET ');
    expect(response.url).toBe(out('/final'));
    expect(seen.outside.map((s) => s.url)).toEqual([`/redirect?to=${encodeURIComponent(out('/final'))}`, '/final']);
  });

  it('refuses a redirect to an internal IP literal without contacting it', async () => {
    reset();
    const target = `http://127.0.0.2:${inside.port}/admin`;
    await expect(safeFetch(out(`/redirect?to=${encodeURIComponent(target)}`), {}, options)).rejects.toThrow(BlockedUrlError);
    expect(seen.inside).toEqual([]);
    expect(seen.outside).toHaveLength(1);
  });

  it('refuses a redirect to a name that resolves inside (each hop is resolved again)', async () => {
    reset();
    for (const target of [`http://internal.test:${inside.port}/`, 'http://metadata.test/latest/meta-data/', `http://0x7f000002:${inside.port}/`, `http://localhost:${inside.port}/`]) {
      await expect(safeFetch(out(`/redirect?status=307&to=${encodeURIComponent(target)}`), {}, options), target).rejects.toThrow(BlockedUrlError);
    }
    await expect(safeFetch(out('/redirect?to=gopher%3A%2F%2F127.0.0.1%2F'), {}, options)).rejects.toThrow(/scheme/);
    expect(seen.inside).toEqual([]);
  });

  it('refuses the first URL before any request when it is internal', async () => {
    reset();
    await expect(safeFetch(`http://127.0.0.2:${inside.port}/`, {}, options)).rejects.toThrow(BlockedUrlError);
    await expect(safeFetch(`http://internal.test:${inside.port}/`, {}, options)).rejects.toThrow(BlockedUrlError);
    expect(seen.inside).toEqual([]);
  });

  it('stops after maxRedirects hops', async () => {
    reset();
    const error = await safeFetch(out('/loop'), {}, { ...options, maxRedirects: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LimitExceededError);
    expect((error as LimitExceededError).limit).toBe('maxRedirects');
    expect(seen.outside).toHaveLength(4);
  });

  it('turns POST into GET on 303 and keeps it on 307, dropping Authorization across origins', async () => {
    reset();
    const init = { method: 'POST', body: 'payload', headers: { authorization: 'Bearer not-logged' } };
    const viaSeeOther = await safeFetch(out(`/redirect?status=303&to=${encodeURIComponent(out('/next'))}`), init, options);
    expect(await viaSeeOther.text()).toBe('hello GET ');
    const viaTemporary = await safeFetch(out(`/redirect?status=307&to=${encodeURIComponent(out('/next'))}`), init, options);
    expect(await viaTemporary.text()).toBe('hello POST payload');
    expect(seen.outside.every((s) => s.authorization === 'Bearer not-logged')).toBe(true);
    reset();
    const elsewhere = `http://127.0.0.1:${otherOrigin.port}/next`;
    const crossOrigin = await safeFetch(out(`/redirect?status=307&to=${encodeURIComponent(elsewhere)}`), init, options);
    expect(await crossOrigin.text()).toBe('hello POST payload');
    expect(seen.outside.map((s) => s.authorization)).toEqual(['Bearer not-logged', undefined]);
  });

  it('returns the redirect itself with redirect: "manual", after checking the first URL', async () => {
    const response = await safeFetch(out('/loop'), { redirect: 'manual' }, options);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/loop');
  });
});
