import { enumeratedHeader, type StaticHeader } from './header.js';

export type CrossOriginEmbedderPolicy = 'require-corp' | 'credentialless';

/**
 * Opt-in (off unless set): `require-corp` breaks any cross-origin image or script that does not send CORP or CORS,
 * so it belongs to applications that need cross-origin isolation (SharedArrayBuffer). `true` means `require-corp`.
 */
export function crossOriginEmbedderPolicy(option: CrossOriginEmbedderPolicy | boolean | undefined): StaticHeader | undefined {
  if (option === undefined || option === false) return undefined;
  return enumeratedHeader(
    'cross-origin-embedder-policy',
    'headers.crossOriginEmbedderPolicy',
    option,
    ['require-corp', 'credentialless'],
    'require-corp',
  );
}
