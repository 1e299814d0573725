/** `bulwark/limits`: request limits (configured through `createBulwark({ limits, routes })`) and the safe JSON reader. */
export { readJson, createJsonReader, type ReadJsonOptions, type JsonRequest, type JsonBodySource } from './read-json.js';
export { limitBody, limitBodyIterable, checkDeclaredLength, type BodyLimitOptions, type DeclaredLength, type HeaderSource } from './body-limit.js';
export { DEFAULT_CONTENT_TYPES, DEFAULT_METHODS, type BodySizeLimits, type LimitsOptions } from './request-limits.js';
