/** `bulwark/csrf`: CSRF protection is configured through `createBulwark({ csrf })`; these are its names and options. */
export { CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, type CsrfOptions } from './csrf.js';
