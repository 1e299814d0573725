/**
 * System packages the suites need beyond npm. On a fresh Debian machine as root, a missing one is
 * installed with apt-get (after one `apt-get update`); otherwise the suite stops with a message that
 * names the package to install.
 */

import { execFileSync, spawnSync } from 'node:child_process';

let aptUpdated = false;

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function aptInstall(debianPackage: string): void {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !has('apt-get')) {
    throw new Error(`This test needs the Debian package "${debianPackage}": run apt-get install ${debianPackage}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    execFileSync('apt-get', ['update'], { stdio: 'ignore', env, timeout: 300_000 });
    aptUpdated = true;
  }
  try {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', debianPackage], { stdio: 'ignore', env, timeout: 600_000 });
  } catch (error) {
    throw new Error(`apt-get install ${debianPackage} failed; install it by hand and run the tests again`, { cause: error });
  }
}

/** Ensures `command` is on the PATH, installing `debianPackage` if it is not. Returns the command's path. */
export function ensureCommand(command: string, debianPackage: string): string {
  if (!has(command)) aptInstall(debianPackage);
  if (!has(command)) throw new Error(`"${command}" is still missing after installing ${debianPackage}`);
  return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();
}

/**
 * Ensures `isInstalled()` holds, installing `debianPackage` if it does not: for packages that are not
 * a command on the PATH, such as a Python module.
 */
export function ensurePackage(debianPackage: string, isInstalled: () => boolean): void {
  if (isInstalled()) return;
  aptInstall(debianPackage);
  if (!isInstalled()) throw new Error(`still missing after installing ${debianPackage}`);
}
