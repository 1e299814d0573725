import { enumeratedHeader, type StaticHeader } from './header.js';

export type CrossOriginOpenerPolicy = 'same-origin' | 'same-origin-allow-popups' | 'noopener-allow-popups' | 'unsafe-none';

/** Default `same-origin`: a cross-origin window opened from or opening this page gets no handle to it. */
export function crossOriginOpenerPolicy(option: CrossOriginOpenerPolicy | boolean | undefined): StaticHeader | undefined {
  return enumeratedHeader(
    'cross-origin-opener-policy',
    'headers.crossOriginOpenerPolicy',
    option,
    ['same-origin', 'same-origin-allow-popups', 'noopener-allow-popups', 'unsafe-none'],
    'same-origin',
  );
}
