import { fail, isPlainObject } from '../config/check-options.js';
import type { StaticHeader } from './header.js';

/** Endpoint name -> URL, e.g. `{ csp: 'https://example.com/csp-reports' }`; CSP's `report-to` names one of them. */
export type ReportingEndpoints = Readonly<Record<string, string>>;

const NAME = /^[a-z][a-z0-9_-]{0,63}$/;

export function reportingEndpoints(option: ReportingEndpoints | undefined): StaticHeader | undefined {
  if (option === undefined) return undefined;
  if (!isPlainObject(option)) fail('headers.reportingEndpoints', 'expected an object of endpoint name -> URL');
  const entries = Object.entries(option);
  if (entries.length === 0) return undefined;
  const value = entries
    .map(([name, url]) => {
      const path = `headers.reportingEndpoints.${name}`;
      if (!NAME.test(name)) fail(path, 'endpoint names are lower-case tokens such as "csp"');
      // Relative paths are allowed: the browser resolves them against the page.
      if (typeof url !== 'string' || !(url.startsWith('/') || /^https:\/\//.test(url)) || /["\\\s]/.test(url)) {
        fail(path, 'expected an https:// URL or a path starting with /');
      }
      return `${name}="${url}"`;
    })
    .join(', ');
  return { name: 'reporting-endpoints', value };
}
