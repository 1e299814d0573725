/** `bulwark/crypto`: Fernet and MultiFernet (spec- and Python-compatible), and field-level encryption with key ids. */
export { Fernet } from './fernet.js';
export { MultiFernet } from './multi-fernet.js';
export type { DecryptOptions, EncryptOptions, FernetData, FernetToken } from './fernet-options.js';
export { MAX_CLOCK_SKEW } from './fernet-key.js';
export { createFieldEncryptor, fernetKeyId, type FieldEncryptor, type FieldEncryptorOptions, type FieldKey, type JsonValue } from './field-encryption.js';
export { InvalidToken } from '../errors.js';
