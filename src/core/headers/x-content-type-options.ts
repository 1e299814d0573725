import { enumeratedHeader, type StaticHeader } from './header.js';

/** `nosniff`: browsers must not guess a script or style out of a response with another type. */
export function xContentTypeOptions(option: boolean | undefined): StaticHeader | undefined {
  return enumeratedHeader('x-content-type-options', 'headers.xContentTypeOptions', option, ['nosniff'], 'nosniff');
}
