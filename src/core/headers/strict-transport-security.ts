import { checkBoolean, checkInteger, checkKeys, fail } from '../config/check-options.js';
import type { StaticHeader } from './header.js';

export interface StrictTransportSecurityOptions {
  /** Seconds. Default 63072000 (two years), the preload list's recommendation. */
  maxAge?: number;
  /** Default true. */
  includeSubDomains?: boolean;
  /** Default false: submitting a domain to the preload list is hard to undo, so it is a deliberate choice. */
  preload?: boolean;
}

const TWO_YEARS = 63_072_000;
const ONE_YEAR = 31_536_000;

/** Sent only on secure requests (directly or via a trusted proxy): browsers ignore it over HTTP anyway. */
export function strictTransportSecurity(option: StrictTransportSecurityOptions | boolean | undefined): StaticHeader | undefined {
  if (option === false) return undefined;
  const path = 'headers.strictTransportSecurity';
  const options = option === undefined || option === true ? {} : option;
  checkKeys(path, options, ['maxAge', 'includeSubDomains', 'preload']);
  const maxAge = checkInteger(`${path}.maxAge`, options.maxAge, 0, 2 ** 31 - 1) ?? TWO_YEARS;
  const includeSubDomains = checkBoolean(`${path}.includeSubDomains`, options.includeSubDomains) ?? true;
  const preload = checkBoolean(`${path}.preload`, options.preload) ?? false;
  if (preload && (!includeSubDomains || maxAge < ONE_YEAR)) {
    fail(path, 'preload requires includeSubDomains: true and maxAge of at least 31536000 (one year)');
  }
  let value = `max-age=${maxAge}`;
  if (includeSubDomains) value += '; includeSubDomains';
  if (preload) value += '; preload';
  return { name: 'strict-transport-security', value };
}
