/**
 * A real headless Chromium for the browser suites: Debian's `chromium` package (apt-get installed on
 * first use), driven by playwright-core. No browser is ever downloaded.
 */

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { ensureCommand } from '../../harness/system.js';

const LOCK = join(tmpdir(), 'bulwark-chromium-install.lock');
const STALE_LOCK_MS = 15 * 60_000;

/** Test files run in parallel workers; only one of them may run apt-get at a time. */
async function withInstallLock<T>(work: () => T): Promise<T> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      await sleep(250);
    }
  }
  try {
    return work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Launches headless Chromium with a fresh temporary profile (playwright's launch() creates and removes it). */
export async function launchChromium(): Promise<Browser> {
  const installed = spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).stdout.trim();
  const executablePath = installed || (await withInstallLock(() => ensureCommand('chromium', 'chromium')));
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Every console message a page logs, CSP and Permissions-Policy reports included. */
export function collectConsole(page: Page): string[] {
  const messages: string[] = [];
  page.on('console', (message: ConsoleMessage) => messages.push(`${message.type()}: ${message.text()}`));
  return messages;
}
