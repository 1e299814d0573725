/** `bulwark keygen <type>`: fresh keys and secrets from the CSPRNG, one per run. */

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Fernet } from '../core/crypto/fernet.js';
import { integerOption, parse, UsageError, type Io } from './io.js';

export const KEYGEN_HELP = `Usage: bulwark keygen <type> [--env] [--bytes N]

Prints a new random key or secret on stdout.

Types:
  fernet    Fernet key (32 bytes, URL-safe base64): BULWARK_ENCRYPTION_KEYS.
            The same format as Python's Fernet.generate_key().
  ed25519   Ed25519 key pair for EdDSA JWTs, PEM: BULWARK_JWT_PRIVATE_KEY / _PUBLIC_KEY
  es256     P-256 key pair for ES256 JWTs, PEM: BULWARK_JWT_PRIVATE_KEY / _PUBLIC_KEY
  hmac      HMAC secret for HS256 JWTs: BULWARK_JWT_SECRET
  csrf      CSRF signing secret: BULWARK_CSRF_SECRET
  api-key   Pepper for hashing API keys: BULWARK_API_KEY_PEPPER

Options:
  --env        Print as NAME=value lines for a .env file (PEM on one line with \\n)
  --bytes N    Random bytes for hmac, csrf and api-key (32 to 1024; default 32)
  -h, --help   Show this help

Example:
  bulwark keygen fernet --env >> .env`;

type KeyType = 'fernet' | 'ed25519' | 'es256' | 'hmac' | 'csrf' | 'api-key';

const SECRET_VARIABLES: Record<Exclude<KeyType, 'fernet' | 'ed25519' | 'es256'>, string> = {
  hmac: 'BULWARK_JWT_SECRET',
  csrf: 'BULWARK_CSRF_SECRET',
  'api-key': 'BULWARK_API_KEY_PEPPER',
};

function keyPair(type: 'ed25519' | 'es256'): { privateKey: string; publicKey: string } {
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  return type === 'ed25519'
    ? generateKeyPairSync('ed25519', { publicKeyEncoding, privateKeyEncoding })
    : generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding, privateKeyEncoding });
}

/** A .env value on one line: PEM line breaks as \n, in double quotes as dotenv expects. */
function envLine(name: string, value: string): string {
  return value.includes('\n') ? `${name}="${value.trim().replace(/\n/g, '\\n')}"` : `${name}=${value}`;
}

export function keygen(args: string[], io: Io): number {
  const { values, positionals } = parse(args, { env: { type: 'boolean' }, bytes: { type: 'string' } }, 1);
  if (values.help) {
    io.stdout.write(`${KEYGEN_HELP}\n`);
    return 0;
  }
  const type = positionals[0] as KeyType | undefined;
  if (!type) throw new UsageError('keygen needs a type: fernet, ed25519, es256, hmac, csrf or api-key');
  const asEnv = values.env === true;
  const bytes = integerOption('bytes', values.bytes as string | undefined, 32, 1024);
  if (bytes !== undefined && !(type in SECRET_VARIABLES)) throw new UsageError(`--bytes applies to hmac, csrf and api-key, not ${type}`);

  switch (type) {
    case 'fernet': {
      const key = Fernet.generateKey();
      io.stdout.write(`${asEnv ? envLine('BULWARK_ENCRYPTION_KEYS', key) : key}\n`);
      return 0;
    }
    case 'ed25519':
    case 'es256': {
      const { privateKey, publicKey } = keyPair(type);
      io.stdout.write(
        asEnv ? `${envLine('BULWARK_JWT_PRIVATE_KEY', privateKey)}\n${envLine('BULWARK_JWT_PUBLIC_KEY', publicKey)}\n` : `${privateKey}${publicKey}`,
      );
      return 0;
    }
    case 'hmac':
    case 'csrf':
    case 'api-key': {
      const secret = randomBytes(bytes ?? 32).toString('base64url');
      io.stdout.write(`${asEnv ? envLine(SECRET_VARIABLES[type], secret) : secret}\n`);
      return 0;
    }
    default: {
      const shown = /^[a-z0-9-]{1,32}$/.test(type) ? ` "${type}"` : '';
      throw new UsageError(`unknown key type${shown}; choose fernet, ed25519, es256, hmac, csrf or api-key`);
    }
  }
}
