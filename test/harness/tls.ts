/**
 * A throwaway certificate authority and a `localhost` server certificate it signed, made with the
 * openssl CLI in a temporary directory. Clients trust the CA through `NODE_EXTRA_CA_CERTS=caFile`
 * (read at process start) or `ca: cert.ca` on a TLS client.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCommand } from './system.js';

export interface LocalCertificate {
  /** PEM file of the CA, for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  ca: string;
  /** Server key and certificate (SAN: DNS:localhost, IP:127.0.0.1) for https.createServer. */
  key: string;
  cert: string;
  remove(): void;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

const LEAF_EXTENSIONS = [
  'basicConstraints = critical, CA:FALSE',
  'keyUsage = critical, digitalSignature',
  'extendedKeyUsage = serverAuth',
  'subjectAltName = DNS:localhost, IP:127.0.0.1',
  '',
].join('\n');

export function createLocalCertificate(): LocalCertificate {
  const openssl = ensureCommand('openssl', 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-tls-'));
  const file = (name: string): string => join(dir, name);
  const run = (args: string[]): void => {
    execFileSync(openssl, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  try {
    run([
      'req', '-x509', ...EC_KEY, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2',
      '-subj', '/CN=bulwark throwaway test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    run(['req', ...EC_KEY, '-keyout', file('key.pem'), '-out', file('leaf.csr'), '-subj', '/CN=localhost']);
    writeFileSync(file('leaf.ext'), LEAF_EXTENSIONS);
    run([
      'x509', '-req', '-in', file('leaf.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
      '-out', file('cert.pem'), '-days', '2', '-extfile', file('leaf.ext'),
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error('openssl could not create the test certificate', { cause: error });
  }
  // The CA's private key is not needed once the leaf is signed.
  rmSync(file('ca.key'));
  return {
    caFile: file('ca.pem'),
    ca: readFileSync(file('ca.pem'), 'utf8'),
    key: readFileSync(file('key.pem'), 'utf8'),
    cert: readFileSync(file('cert.pem'), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
