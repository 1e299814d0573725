/** `bulwark/keys`: API keys (`prefix_random_checksum`), stored as HMAC-SHA256 under a server pepper, verified in constant time. */
export {
  generateApiKey,
  verifyApiKey,
  hashApiKey,
  apiKeyId,
  apiKeyNeedsRehash,
  isWellFormedApiKey,
  maskApiKey,
  type ApiKeyRecord,
  type GenerateApiKeyOptions,
  type GeneratedApiKey,
  type VerifyApiKeyOptions,
} from './api-key.js';
export { rotateApiKey, DEFAULT_OVERLAP_MS, type RotateApiKeyOptions } from './rotation.js';
export type { Pepper, PepperOption, PepperRing } from './pepper.js';
