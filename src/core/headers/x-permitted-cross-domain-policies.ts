import { enumeratedHeader, type StaticHeader } from './header.js';

export type XPermittedCrossDomainPolicies = 'none' | 'master-only' | 'by-content-type' | 'all';

/** `none`: Adobe clients (Flash, Acrobat) may not load cross-domain policy files from this site. */
export function xPermittedCrossDomainPolicies(
  option: XPermittedCrossDomainPolicies | boolean | undefined,
): StaticHeader | undefined {
  return enumeratedHeader(
    'x-permitted-cross-domain-policies',
    'headers.xPermittedCrossDomainPolicies',
    option,
    ['none', 'master-only', 'by-content-type', 'all'],
    'none',
  );
}
