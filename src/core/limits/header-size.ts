/** How many header lines a request has and how many bytes they take, for the 431 limits. */

import { HEADER_STATS, type HeaderStats } from '../internal.js';

export function measureHeaders(headers: Headers): HeaderStats {
  const native = (headers as Headers & { [HEADER_STATS]?: () => HeaderStats })[HEADER_STATS];
  if (native) return native.call(headers);
  let count = 0;
  let bytes = 0;
  headers.forEach((value, name) => {
    count++;
    bytes += name.length + value.length;
  });
  return { count, bytes };
}
