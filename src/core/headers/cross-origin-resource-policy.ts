import { enumeratedHeader, type StaticHeader } from './header.js';

export type CrossOriginResourcePolicy = 'same-origin' | 'same-site' | 'cross-origin';

/** Default `same-origin`: other sites cannot embed these responses (Spectre-style leaks). Public assets and CDNs: `cross-origin`. */
export function crossOriginResourcePolicy(option: CrossOriginResourcePolicy | boolean | undefined): StaticHeader | undefined {
  return enumeratedHeader(
    'cross-origin-resource-policy',
    'headers.crossOriginResourcePolicy',
    option,
    ['same-origin', 'same-site', 'cross-origin'],
    'same-origin',
  );
}
