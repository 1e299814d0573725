/**
 * One check per kind of environment value. Each reports problems through `report` (which says
 * nothing of the value itself) and never throws. Internal to from-env.ts.
 */

import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { decodeBase64Lenient } from '../crypto/base64url.js';
import { describeWeakness, fernetKeyWeakness, secretWeakness } from './weak-secrets.js';

export interface Reporter {
  /** A problem in every mode: the value cannot work. */
  error(message: string): void;
  /** A problem in production, a warning elsewhere: the value works but is not safe. */
  weak(message: string): void;
  /** Never an error: worth knowing. */
  warn(message: string): void;
}

/** Comma-separated entries, trimmed; empty entries are reported. */
function entries(value: string, report: Reporter, what: string): string[] {
  const list = value.split(',').map((entry) => entry.trim());
  list.forEach((entry, index) => {
    if (entry === '') report.error(`${what} ${index + 1} is empty (stray comma?)`);
  });
  return list.filter((entry) => entry !== '');
}

function checkDuplicates(list: readonly string[], report: Reporter, what: string): void {
  if (new Set(list).size !== list.length) report.error(`the same ${what} is listed twice`);
}

/** `BULWARK_ENCRYPTION_KEYS`: Fernet keys, newest first. */
export function checkFernetKeys(value: string, report: Reporter): string[] {
  const keys = entries(value, report, 'key');
  keys.forEach((key, index) => {
    const bytes = decodeBase64Lenient(key);
    const position = keys.length > 1 ? `key ${index + 1} ` : '';
    if (bytes?.length !== 32) {
      report.error(`${position}is not a Fernet key (32 bytes as URL-safe base64, 44 characters); run \`bulwark keygen fernet\``);
      return;
    }
    const weakness = fernetKeyWeakness(key, bytes);
    if (weakness) report.weak(`${position}${describeWeakness(weakness)}; run \`bulwark keygen fernet\``);
  });
  checkDuplicates(keys, report, 'key');
  return keys;
}

/** A single random secret (CSRF secret, API-key pepper). */
export function checkSecret(value: string, report: Reporter, keygen: string): string {
  const weakness = secretWeakness(value);
  if (weakness) report.weak(`${describeWeakness(weakness)}; run \`bulwark keygen ${keygen}\``);
  return value;
}

/** `BULWARK_JWT_SECRET`: HMAC secrets for HS256, newest first. */
export function checkSecretList(value: string, report: Reporter, keygen: string): string[] {
  const secrets = entries(value, report, 'secret');
  secrets.forEach((secret, index) => {
    const weakness = secretWeakness(secret);
    const position = secrets.length > 1 ? `secret ${index + 1} ` : '';
    if (weakness) report.weak(`${position}${describeWeakness(weakness)}; run \`bulwark keygen ${keygen}\``);
  });
  checkDuplicates(secrets, report, 'secret');
  return secrets;
}

/** PEM in an environment variable often arrives on one line with literal `\n`; ends with one line break. */
export function unescapePem(value: string): string {
  return `${(value.includes('\\n') ? value.replace(/\\n/g, '\n') : value).trim()}\n`;
}

function keyKind(key: KeyObject): string | undefined {
  const type = key.asymmetricKeyType;
  if (type === 'ed25519') return 'Ed25519';
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256 (P-256)';
  if ((type === 'rsa' || type === 'rsa-pss') && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048) return 'RSA';
  return undefined;
}

const KEY_TYPES = 'an Ed25519, P-256 (ES256) or RSA 2048+ key';

/** `BULWARK_JWT_PRIVATE_KEY`: a PEM private key; returns it with real line breaks. */
export function checkPrivateKey(value: string, report: Reporter): { pem: string; key?: KeyObject } {
  const pem = unescapePem(value);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    report.error('is not a PEM private key (unencrypted PKCS#8); run `bulwark keygen ed25519` or `bulwark keygen es256`');
    return { pem };
  }
  if (!keyKind(key)) report.error(`must be ${KEY_TYPES}`);
  return { pem, key };
}

/** `BULWARK_JWT_PUBLIC_KEY`: a PEM public key that, with a private key set, must be its pair. */
export function checkPublicKey(value: string, report: Reporter, privateKey: KeyObject | undefined): string {
  const pem = unescapePem(value);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    report.error('is not a PEM public key (SPKI)');
    return pem;
  }
  if (!keyKind(key)) report.error(`must be ${KEY_TYPES}`);
  else if (privateKey) {
    const derived = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    if (!derived.equals(key.export({ format: 'der', type: 'spki' }))) report.error('does not belong to BULWARK_JWT_PRIVATE_KEY');
  }
  return pem;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** `REDIS_URL` and `RATELIMIT_STORAGE_URI`: redis://, rediss:// and (for rate limits only) memory://. */
export function checkStoreUrl(value: string, report: Reporter, allowMemory: boolean, production: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    report.error(`is not a URL; expected redis://host:6379${allowMemory ? ', rediss://... or memory://' : ' or rediss://...'}`);
    return value;
  }
  if (url.protocol === 'memory:' && allowMemory) {
    if (production) report.warn('memory:// keeps counts per process: with several instances each has its own limits');
  } else if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    report.error(`has the scheme "${url.protocol}"; expected redis:, rediss:${allowMemory ? ' or memory:' : ''}`);
  } else if (production && url.protocol === 'redis:' && !LOOPBACK.has(url.hostname)) {
    report.warn('uses redis:// (no TLS) to another host; prefer rediss://');
  }
  return value;
}
