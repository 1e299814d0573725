import { checkHeaderToken } from '../config/check-options.js';
import type { StaticHeader } from './header.js';

/** Sent by the `api` preset as `no-store`, so responses with personal data never sit in shared or browser caches. */
export function cacheControl(option: string | boolean | undefined, presetDefault: string | undefined): StaticHeader | undefined {
  if (option === false) return undefined;
  if (option === undefined || option === true) return presetDefault === undefined ? undefined : { name: 'cache-control', value: presetDefault };
  return { name: 'cache-control', value: checkHeaderToken('headers.cacheControl', option) };
}
