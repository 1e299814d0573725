/** `bulwark/sanitize`: HTML sanitizing with profiles on a managed jsdom window, escaping, linkify, deep sanitize. */
export {
  createSanitizer,
  defineProfile,
  sanitizeHtml,
  sanitizeObject,
  DEFAULT_MAX_INPUT_BYTES,
  type Sanitizer,
  type SanitizerOptions,
  type SanitizeOptions,
  type WorkerOptions,
} from './sanitizer.js';
export type { SanitizerStats } from './engine-host.js';
export { PROFILE_NAMES, DEFAULT_LINK_REL, type ProfileName, type ProfileRef, type CustomProfile, type SanitizeHooks } from './profiles.js';
export type { SanitizeObjectRules, FieldProfile } from './sanitize-object.js';
export { escapeHtml } from './escape.js';
export { linkify, type LinkifyOptions } from './linkify.js';
export { ENGINE_ADVISORIES, TESTED_ENGINE_VERSIONS, checkEngineVersions, type EngineAdvisory, type EngineVersionProblem } from './versions.js';
