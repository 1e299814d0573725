import { checkOneOf, fail } from '../config/check-options.js';
import type { StaticHeader } from './header.js';

export type ReferrerPolicy =
  | 'no-referrer'
  | 'no-referrer-when-downgrade'
  | 'same-origin'
  | 'origin'
  | 'strict-origin'
  | 'origin-when-cross-origin'
  | 'strict-origin-when-cross-origin'
  | 'unsafe-url';

const POLICIES: readonly ReferrerPolicy[] = [
  'no-referrer',
  'no-referrer-when-downgrade',
  'same-origin',
  'origin',
  'strict-origin',
  'origin-when-cross-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
];

/** Default `strict-origin-when-cross-origin`: other sites see only the origin, never paths or queries. A list gives fallbacks. */
export function referrerPolicy(option: ReferrerPolicy | readonly ReferrerPolicy[] | boolean | undefined): StaticHeader | undefined {
  if (option === false) return undefined;
  if (option === undefined || option === true) return { name: 'referrer-policy', value: 'strict-origin-when-cross-origin' };
  const list = typeof option === 'string' ? [option] : option;
  if (!Array.isArray(list) || list.length === 0) fail('headers.referrerPolicy', 'expected a policy or a non-empty list of policies');
  const values = list.map((policy, i) => checkOneOf(`headers.referrerPolicy[${i}]`, policy, POLICIES)!);
  return { name: 'referrer-policy', value: values.join(',') };
}
