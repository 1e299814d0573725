/**
 * `bulwark/mfa`: TOTP (RFC 6238) and HOTP (RFC 4226) on node:crypto, enrollment (secret, otpauth
 * URI, QR code as SVG), a verifier with replay guard and lockout, and single-use backup codes.
 */
export {
  generateTotp,
  verifyTotp,
  matchTotp,
  generateHotp,
  TOTP_DEFAULTS,
  type HotpOptions,
  type TotpAlgorithm,
  type TotpMatch,
  type TotpOptions,
  type TotpSecret,
  type VerifyTotpOptions,
} from './totp.js';
export { generateTotpSecret, totpUri, totpQrCodeSvg, type TotpUriOptions } from './enroll.js';
export { encodeBase32, decodeBase32 } from './base32.js';
export { createTotpVerifier, type MfaResult, type TotpVerifier, type TotpVerifierOptions } from './verifier.js';
export { createBackupCodes, type BackupCodeResult, type BackupCodes, type BackupCodesOptions } from './backup-codes.js';
export type { MfaCommonOptions, MfaFailure } from './shared.js';
