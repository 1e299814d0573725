/** `bulwark/detect`: injection detectors (SQL, XSS, command, path traversal, NoSQL, LDAP) for strings and parsed input. */
export { inspect } from './inspect.js';
export { scanQuery, parseQuery, type QueryParameter } from './query.js';
export { detectSql, detectXss, detectCommand, detectPath, detectNosql, detectLdap } from './detectors.js';
export { decode } from './decode.js';
export { SECURITY_LEVELS, INJECTION_KINDS, LEVEL_KINDS } from './levels.js';
export type { SecurityLevel, InjectionKind, Finding, InspectResult, InspectOptions, DetectorMatch } from './types.js';
