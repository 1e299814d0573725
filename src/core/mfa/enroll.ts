/**
 * TOTP enrollment: a 160-bit secret from the CSPRNG (base32), the `otpauth://` URI that
 * authenticator apps read (Google's Key Uri Format), and that URI as a QR code in SVG.
 *
 *   const secret = generateTotpSecret();
 *   const uri = totpUri({ secret, issuer: 'Acme', account: 'alice@example.com' });
 *   const svg = await totpQrCodeSvg(uri);   // inline it in the enrollment page
 */

import { randomBytes } from 'node:crypto';
import { checkInteger, checkKeys, fail } from '../config/check-options.js';
import { InvalidInputError } from '../errors.js';
import { decodeBase32, encodeBase32 } from './base32.js';
import { TOTP_DEFAULTS, type TotpAlgorithm } from './totp.js';

/** Returns a new TOTP secret: `bytes` (default 20 = 160 bits, RFC 4226's recommendation) from the CSPRNG, base32. */
export function generateTotpSecret(options?: { bytes?: number }): string {
  const bytes = checkInteger('totpSecret.bytes', options?.bytes, 16, 64) ?? 20;
  return encodeBase32(randomBytes(bytes));
}

export interface TotpUriOptions {
  secret: string;
  /** Your service's name, shown in the app. No ':'. */
  issuer: string;
  /** The user's name or e-mail, shown in the app. No ':'. */
  account: string;
  algorithm?: TotpAlgorithm;
  digits?: number;
  period?: number;
}

// Label parts must not contain ':' (it separates issuer and account) or control characters.
const LABEL_PART = /^[^:\p{Cc}]{1,200}$/u;

/** `otpauth://totp/Issuer:account?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30`. */
export function totpUri(options: TotpUriOptions): string {
  checkKeys('totpUri', options, ['secret', 'issuer', 'account', 'algorithm', 'digits', 'period']);
  const { secret, issuer, account } = options;
  if (typeof secret !== 'string' || !decodeBase32(secret)?.length) throw new InvalidInputError('totpUri: the secret must be base32 text');
  for (const [name, value] of [['issuer', issuer], ['account', account]] as const) {
    if (typeof value !== 'string' || !LABEL_PART.test(value)) fail(`totpUri.${name}`, 'expected 1-200 characters without ":" or control characters');
  }
  const algorithm = (options.algorithm ?? TOTP_DEFAULTS.algorithm).toUpperCase();
  if (!['SHA1', 'SHA256', 'SHA512'].includes(algorithm)) fail('totpUri.algorithm', "expected 'SHA1', 'SHA256' or 'SHA512'");
  const digits = checkInteger('totpUri.digits', options.digits, 6, 8) ?? TOTP_DEFAULTS.digits;
  const period = checkInteger('totpUri.period', options.period, 1, 3600) ?? TOTP_DEFAULTS.period;
  const query = new URLSearchParams({
    secret: secret.replace(/[\s=]/g, '').toUpperCase(),
    issuer,
    algorithm,
    digits: String(digits),
    period: String(period),
  });
  return `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(account)}?${query.toString().replace(/\+/g, '%20')}`;
}

/** The text as a QR code in SVG (error correction M). Loads the `qrcode` package on first use. */
export async function totpQrCodeSvg(text: string, options?: { margin?: number }): Promise<string> {
  if (typeof text !== 'string' || text.length === 0 || text.length > 2000) throw new InvalidInputError('totpQrCodeSvg: expected 1-2000 characters');
  const margin = checkInteger('totpQrCodeSvg.margin', options?.margin, 0, 16) ?? 2;
  const { default: qrcode } = await import('qrcode');
  return qrcode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin });
}
