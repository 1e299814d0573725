/** `bulwark/validate`: validators as plain functions returning typed results, and as valibot schemas and actions. */
export type { ValidationIssue, ValidationResult } from './result.js';
export { checkJsonLimits, DEFAULT_JSON_LIMITS, type JsonLimits, type JsonLimitsResult } from './json-limits.js';
export { validateString, type StringOptions, type StringResult, type StringIssue, type StringIssueCode } from './string.js';
export { CHARACTER_CLASSES, type CharacterClass } from './characters.js';
export type { DetectionOptions } from './detection.js';
export { validateEmail, MAX_EMAIL_LENGTH, MAX_LOCAL_PART_LENGTH, type EmailOptions, type EmailResult, type EmailIssueCode } from './email.js';
export { validateUrl, type UrlOptions, type UrlResult, type UrlIssueCode } from './url.js';
export { assertPublicUrl, type PublicUrlOptions, type HostResolver } from './public-url.js';
export { safeFetch, type SafeFetchOptions } from './safe-fetch.js';
export { validateFilename, type FilenameOptions, type FilenameResult, type FilenameIssueCode } from './filename.js';
export { validateUpload, type UploadInput, type UploadOptions, type UploadInfo, type UploadResult, type UploadIssueCode } from './upload.js';
export { DEFAULT_UPLOAD_LIMITS, UPLOAD_TYPES, type UploadCategory, type UploadType } from './upload-types.js';
export { secureString, safeEmail, safeUrl, safeFilename, publicUrl, jsonLimits } from './schemas.js';
export { noInjection, type NoInjectionOptions } from './no-injection.js';
