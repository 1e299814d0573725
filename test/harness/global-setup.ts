/**
 * Runs once before the suite. Makes sure the build the integration tests import exists.
 * System packages the suites need are installed by test/harness/system.ts on first use.
 */
import { existsSync } from 'node:fs';

export default function setup(): void {
  if (!existsSync(new URL('../../dist/core/index.js', import.meta.url))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does this for you).');
  }
}
