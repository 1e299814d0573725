import { enumeratedHeader, type StaticHeader } from './header.js';

/** `off`: the browser does not resolve link hosts ahead of time, which would tell DNS what a page contains. */
export function xDnsPrefetchControl(option: 'on' | 'off' | boolean | undefined): StaticHeader | undefined {
  return enumeratedHeader('x-dns-prefetch-control', 'headers.xDnsPrefetchControl', option, ['off', 'on'], 'off');
}
