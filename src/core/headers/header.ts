/** The shape every header module produces, and the helper most of them share. */

import { checkOneOf, fail } from '../config/check-options.js';

/** A header whose value is computed once, at construction. Names are lower case. */
export interface StaticHeader {
  readonly name: string;
  readonly value: string;
}

/**
 * For headers with a fixed set of values: `undefined | true` = the default, `false` = not sent,
 * a string = one of `allowed` (case-insensitive, normalized to the canonical spelling).
 */
export function enumeratedHeader<T extends string>(
  name: string,
  optionPath: string,
  option: T | boolean | undefined,
  allowed: readonly T[],
  defaultValue: T,
): StaticHeader | undefined {
  if (option === false) return undefined;
  if (option === undefined || option === true) return { name, value: defaultValue };
  if (typeof option !== 'string') fail(optionPath, `expected true, false or one of ${allowed.join(', ')}`);
  return { name, value: checkOneOf(optionPath, option, allowed)! };
}
