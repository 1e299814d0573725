import { enumeratedHeader, type StaticHeader } from './header.js';

/**
 * `0`: switches the legacy XSS auditor off. Older guides say `1; mode=block`, but the auditor could be abused
 * to leak data from a page and was removed from every current browser; OWASP advises `0` (see docs/headers.md).
 */
export function xXssProtection(option: boolean | undefined): StaticHeader | undefined {
  return enumeratedHeader('x-xss-protection', 'headers.xXssProtection', option, ['0'], '0');
}
