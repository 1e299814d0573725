/** A throwaway self-signed `localhost` certificate, made with the openssl CLI in a temporary directory. */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCommand } from '../../harness/system.js';

export interface SelfSignedCertificate {
  key: string;
  cert: string;
}

export function createSelfSignedCertificate(): SelfSignedCertificate {
  const openssl = ensureCommand('openssl', 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-int-tls-'));
  try {
    execFileSync(openssl, [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
