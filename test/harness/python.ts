/**
 * Debian's Python 3 with `cryptography` (package python3-cryptography), for Fernet interop tests.
 * The Debian interpreter, not the first python3 on the PATH: a pyenv or venv one may lack the module.
 * Scripts get JSON on stdin and print JSON, so one process handles a whole batch.
 */

import { spawnSync } from 'node:child_process';
import { ensurePackage } from './system.js';

const DEBIAN_PYTHON = '/usr/bin/python3';

function hasCryptography(): boolean {
  return spawnSync(DEBIAN_PYTHON, ['-c', 'import cryptography.fernet'], { stdio: 'ignore' }).status === 0;
}

/** The path of a python3 that can `import cryptography.fernet`, installing python3-cryptography if needed. */
export function ensurePythonCryptography(): string {
  ensurePackage('python3-cryptography', hasCryptography);
  return DEBIAN_PYTHON;
}

/** The path of Debian's python3 (standard library only), installing python3 if needed. */
export function ensurePython(): string {
  ensurePackage('python3', () => spawnSync(DEBIAN_PYTHON, ['-c', 'pass'], { stdio: 'ignore' }).status === 0);
  return DEBIAN_PYTHON;
}

/** Runs `script` with `input` as JSON on stdin and returns what it prints as JSON. */
export function runPythonJson<T>(python: string, script: string, input: unknown): T {
  const result = spawnSync(python, ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  if (result.status !== 0) throw new Error(`python failed (${result.status ?? result.signal}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
