/**
 * Benches measure the code users install: `../src/x.js` imports resolve to the compiled `dist/x.js`
 * (run `npm run build` first; `npm run bench` does). Through tsx, every function expression would
 * also pay for esbuild's name-keeping wrapper, a cost the peers, loaded as plain JavaScript, never pay.
 * Bench sources keep importing `src/` so they typecheck against the real API.
 */

import { existsSync } from 'node:fs';
import { register } from 'node:module';

const root = new URL('../../', import.meta.url).href;
const src = `${root}src/`;
const dist = `${root}dist/`;

if (!existsSync(new URL('core/index.js', dist))) {
  throw new Error('bench: dist/ is missing; run `npm run build` first (npm run bench does)');
}

register(
  'data:text/javascript,' +
    encodeURIComponent(`
      export async function resolve(specifier, context, next) {
        const resolved = await next(specifier, context);
        if (!resolved.url.startsWith(${JSON.stringify(src)})) return resolved;
        const url = ${JSON.stringify(dist)} + resolved.url.slice(${src.length}).replace(/\\.ts$/, '.js');
        return { ...resolved, url, format: 'module' };
      }
    `),
);
