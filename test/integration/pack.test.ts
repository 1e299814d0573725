/**
 * `npm pack` of the repository installs into a fresh ESM + TypeScript project as a user would:
 * every subpath in the exports map type-checks under NodeNext + strict and runs under node.
 * The frameworks (optional peers) and typescript come from the repository's node_modules by symlink,
 * so the check needs no registry for them.
 */

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>;
};
const SUBPATHS = Object.keys(manifest.exports)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? 'bulwark' : `bulwark/${key.slice(2)}`));

/** Peers and tools linked from the repository instead of installed. */
const LINKED = ['typescript', 'express', 'koa', 'next', 'react', 'react-dom', '@types/node', '@types/express', '@types/koa', '@types/react'];

const CONSUMER_TS = `
import { createBulwark, type Decision, type SecurityRequest } from 'bulwark';
import { cspHash } from 'bulwark/headers';
import { BulwarkError } from 'bulwark/errors';
import { protect as protectExpress } from 'bulwark/express';
import { protect as protectKoa } from 'bulwark/koa';
import { protect as protectFetch, toNodeListener } from 'bulwark/fetch';
import { protect as protectNext, protectRoute } from 'bulwark/next';
import type { RequestHandler } from 'express';
import type { Middleware } from 'koa';

const bulwark = createBulwark({ headers: { preset: 'api' } });
// @ts-expect-error an unknown preset is a type error
createBulwark({ headers: { preset: 'nope' } });
const request: SecurityRequest = { method: 'GET', url: 'https://app.test/', headers: new Headers(), remoteAddress: '127.0.0.1', secure: true };
const decision: Decision = await bulwark.protect(request);
if (decision.allowed) console.log(decision.context.requestId.length);
const middleware: RequestHandler = protectExpress(bulwark);
const koaMiddleware: Middleware = protectKoa(bulwark);
const handler: (request: Request) => Promise<Response> = protectFetch(bulwark, (_request, context) => Response.json({ id: context.requestId }));
const listener = toNodeListener(protectFetch(bulwark, () => new Response('ok')));
const proxy = protectNext(bulwark);
const route = protectRoute(bulwark, () => new Response('ok'));
// @ts-expect-error each adapter takes a Bulwark (fails if a subpath's types degrade to any)
protectExpress({});
// @ts-expect-error
protectKoa({});
// @ts-expect-error
protectFetch(bulwark, () => 'not a Response');
// @ts-expect-error
protectRoute(bulwark, () => 42);
// @ts-expect-error
protectNext('bulwark');
const error: unknown = new Error('x');
console.log(error instanceof BulwarkError, typeof cspHash, middleware, koaMiddleware, handler, listener, proxy, route);
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023', 'DOM'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    // As Next.js apps do: Next's and @types/koa's own declarations have errors with it off. The
    // expected-error lines in the consumer still fail if a subpath's types degrade to any.
    skipLibCheck: true,
    types: ['node'],
  },
  include: ['index.ts'],
};

const SMOKE_MJS = `
const modules = {};
for (const name of ${JSON.stringify(SUBPATHS)}) modules[name] = Object.keys(await import(name)).sort();
const { createBulwark } = await import('bulwark');
const { protect } = await import('bulwark/fetch');
const bulwark = createBulwark();
const decision = await bulwark.protect({ method: 'GET', url: 'https://app.test/', headers: new Headers(), remoteAddress: '127.0.0.1', secure: true });
const response = await protect(bulwark, () => new Response('ok'))(new Request('https://app.test/'), { remoteAddress: '127.0.0.1' });
console.log(JSON.stringify({
  modules,
  allowed: decision.allowed,
  headers: Object.fromEntries(decision.headers),
  fetch: { status: response.status, body: await response.text(), csp: response.headers.get('content-security-policy') },
}));
`;

let work: string;
let files: string[] = [];

/** Runs the consumer's tsc; returns its diagnostics ('' when it passes). */
async function typeCheck(project = 'tsconfig.json'): Promise<string> {
  const tsc = join(work, 'app', 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await run(process.execPath, [tsc, '-p', project, '--pretty', 'false'], { cwd: join(work, 'app'), maxBuffer: 16 * 1024 * 1024 });
    return '';
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return `${stdout ?? ''}${stderr ?? ''}` || String(error);
  }
}

describe('npm pack installs into a fresh ESM + TypeScript project', () => {
  beforeAll(async () => {
    if (!existsSync(join(REPO, 'dist', 'core', 'index.js'))) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO });
    work = mkdtempSync(join(tmpdir(), 'bulwark-pack-'));
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: REPO, maxBuffer: 16 * 1024 * 1024 });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    files = packed!.files.map((f) => f.path);

    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await run('npm', ['install', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', join(work, packed!.filename)], {
      cwd: app,
    });
    for (const name of LINKED) {
      const target = join(app, 'node_modules', name);
      mkdirSync(dirname(target), { recursive: true });
      if (!existsSync(target)) symlinkSync(join(REPO, 'node_modules', name), target, 'dir');
    }
    writeFileSync(join(app, 'index.ts'), CONSUMER_TS);
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    writeFileSync(join(app, 'smoke.mjs'), SMOKE_MJS);
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('packs the build with declarations and nothing from src, test or bench', () => {
    for (const entry of Object.values(manifest.exports)) {
      if (typeof entry === 'string') continue;
      expect(files).toContain(entry.types.slice(2));
      expect(files).toContain(entry.default.slice(2));
    }
    expect(files.filter((f) => f.startsWith('dist/') && f.endsWith('.d.ts')).length).toBeGreaterThanOrEqual(SUBPATHS.length);
    expect(files.filter((f) => /^(src|test|bench)\//.test(f))).toEqual([]);
    expect(files).toContain('package.json');
  });

  it('type-checks a consumer of every subpath with NodeNext + strict', async () => {
    expect(await typeCheck()).toBe('');
  }, 120_000);

  it('runs under node: every subpath imports and protect() answers a request', async () => {
    const { stdout } = await run(process.execPath, ['smoke.mjs'], { cwd: join(work, 'app') });
    const smoke = JSON.parse(stdout) as {
      modules: Record<string, string[]>;
      allowed: boolean;
      headers: Record<string, string>;
      fetch: { status: number; body: string; csp: string | null };
    };
    expect(Object.keys(smoke.modules).sort()).toEqual([...SUBPATHS].sort());
    for (const name of SUBPATHS) expect(smoke.modules[name]?.length, name).toBeGreaterThan(0);
    expect(smoke.modules['bulwark']).toContain('createBulwark');
    expect(smoke.modules['bulwark/express']).toContain('protect');
    expect(smoke.allowed).toBe(true);
    expect(smoke.headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/_-]{22,}={0,2}'/);
    expect(smoke.headers['strict-transport-security']).toMatch(/^max-age=63072000; includeSubDomains$/);
    expect(smoke.fetch).toMatchObject({ status: 200, body: 'ok' });
    expect(smoke.fetch.csp).toContain("default-src 'self'");
  }, 60_000);
});
