/** `bulwark/headers`: security headers on their own, for use without the full pipeline. */
export { createSecurityHeaders, type HeadersOptions, type SecurityHeaders } from './security-headers.js';
export type { HeadersPreset } from './presets.js';
export { NONCE, type CspDirectiveName, type CspDirectives, type CspSources } from './csp-directives.js';
export type { ContentSecurityPolicyOptions } from './content-security-policy.js';
export { cspHash, type CspHashAlgorithm } from './csp-hash.js';
export { DEFAULT_DISABLED_FEATURES, type PermissionsPolicyOptions } from './permissions-policy.js';
export type { StrictTransportSecurityOptions } from './strict-transport-security.js';
export type { ReferrerPolicy } from './referrer-policy.js';
export type { ReportingEndpoints } from './reporting-endpoints.js';
export { ResponseHeaders } from '../http/response-headers.js';
