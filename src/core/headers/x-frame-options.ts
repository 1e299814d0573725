import { enumeratedHeader, type StaticHeader } from './header.js';

export type XFrameOptions = 'DENY' | 'SAMEORIGIN';

/** For browsers without CSP `frame-ancestors`; keep both in step. Default `DENY`. */
export function xFrameOptions(option: XFrameOptions | boolean | undefined): StaticHeader | undefined {
  return enumeratedHeader('x-frame-options', 'headers.xFrameOptions', option, ['DENY', 'SAMEORIGIN'], 'DENY');
}
