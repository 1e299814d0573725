/**
 * The two presets. `html` (default) suits pages: a nonce-based CSP that allows no inline script or
 * style without the nonce. `api` suits JSON: nothing may load, nothing may frame, nothing is cached.
 */

import { directivesFrom, NONCE, type NormalizedDirectives } from './csp-directives.js';

export type HeadersPreset = 'html' | 'api';

export interface Preset {
  readonly directives: NormalizedDirectives;
  readonly cacheControl: string | undefined;
}

export const PRESETS: Readonly<Record<HeadersPreset, Preset>> = {
  html: {
    directives: directivesFrom({
      'default-src': ["'self'"],
      'script-src': ["'self'", NONCE],
      'style-src': ["'self'", NONCE],
      'img-src': ["'self'", 'data:'],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
      'upgrade-insecure-requests': [],
    }),
    cacheControl: undefined,
  },
  api: {
    directives: directivesFrom({
      'default-src': ["'none'"],
      'frame-ancestors': ["'none'"],
    }),
    cacheControl: 'no-store',
  },
};
