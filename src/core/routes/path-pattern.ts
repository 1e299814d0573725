/**
 * Path patterns for per-route options: `/upload`, `/api/*` (one segment), `/admin/**` (the path
 * itself and anything below it). Matched segment by segment, no regular expressions, so matching is
 * linear in the path length. `**` may only end a pattern, which keeps it that way.
 *
 * Matching ignores case and one trailing slash, as Express's and Koa's routers do by default: a rule
 * on `/admin` must also cover `/ADMIN/`, or it could be walked around.
 */

import { fail } from '../config/check-options.js';

/** Takes the path already lower-cased (the route table does that once per request). */
export type PathMatcher = (lowerPath: string) => boolean;

export function compilePathPattern(optionPath: string, pattern: unknown): PathMatcher {
  if (typeof pattern !== 'string' || !pattern.startsWith('/')) fail(optionPath, 'expected a path pattern starting with "/"');
  const segments = pattern.toLowerCase().split('/').slice(1);
  const deep = segments.at(-1) === '**';
  if (deep) segments.pop();
  if (segments.includes('**')) fail(optionPath, `"${pattern}": "**" may only be the last segment`);
  if (segments.some((s) => s !== '*' && s.includes('*'))) fail(optionPath, `"${pattern}": "*" must be a whole segment`);

  return (path) => {
    // Compare segments in place (indexOf, startsWith) instead of allocating path.split('/') or slices per request.
    let start = 1;
    for (const segment of segments) {
      if (start > path.length) return false;
      const slash = path.indexOf('/', start);
      const end = slash === -1 ? path.length : slash;
      if (segment === '*' ? end === start : end - start !== segment.length || !path.startsWith(segment, start)) return false;
      start = end + 1;
    }
    return deep || start > path.length || (start === path.length && path.endsWith('/'));
  };
}
