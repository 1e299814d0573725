import { fail, isPlainObject } from '../config/check-options.js';
import type { StaticHeader } from './header.js';

/** `[]` = disabled everywhere, `['self']` = this origin only, origins quoted for you, `'*'` = anyone, `false` = drop from the default list. */
export type PermissionsPolicyAllowlist = readonly string[] | '*' | false;

export type PermissionsPolicyOptions = Readonly<Record<string, PermissionsPolicyAllowlist>>;

/** Powerful features an ordinary web app does not use; each is disabled unless the app allows it. */
export const DEFAULT_DISABLED_FEATURES: readonly string[] = [
  'accelerometer',
  'browsing-topics',
  'camera',
  'display-capture',
  'geolocation',
  'gyroscope',
  'hid',
  'idle-detection',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'screen-wake-lock',
  'serial',
  'usb',
  'xr-spatial-tracking',
];

const FEATURE = /^[a-z][a-z0-9-]{0,63}$/;
const ORIGIN = /^https?:\/\/[A-Za-z0-9.:[\]-]{1,300}$/;

function allowlistValue(feature: string, allowlist: PermissionsPolicyAllowlist): string {
  if (allowlist === '*') return '*';
  if (!Array.isArray(allowlist)) fail(`headers.permissionsPolicy.${feature}`, "expected a list such as [] or ['self'], '*' or false");
  const items = allowlist.map((item: unknown) => {
    if (item === 'self' || item === "'self'") return 'self';
    if (item === 'src' || item === "'src'") return 'src';
    if (typeof item === 'string' && ORIGIN.test(item)) return `"${item}"`;
    return fail(`headers.permissionsPolicy.${feature}`, `"${String(item)}" is not 'self' or an http(s) origin`);
  });
  return `(${items.join(' ')})`;
}

/** Merges the application's entries over the default list; a feature set to false is left out. */
export function permissionsPolicy(option: PermissionsPolicyOptions | boolean | undefined): StaticHeader | undefined {
  if (option === false) return undefined;
  const overrides = option === undefined || option === true ? {} : option;
  if (!isPlainObject(overrides)) fail('headers.permissionsPolicy', 'expected true, false or an object of feature allowlists');
  const merged = new Map<string, PermissionsPolicyAllowlist>(DEFAULT_DISABLED_FEATURES.map((f) => [f, []]));
  for (const [feature, allowlist] of Object.entries(overrides)) {
    if (!FEATURE.test(feature)) fail('headers.permissionsPolicy', `"${feature}" is not a feature name (lower case, e.g. "camera")`);
    merged.set(feature, allowlist as PermissionsPolicyAllowlist);
  }
  const entries = [...merged].filter(([, allowlist]) => allowlist !== false);
  if (entries.length === 0) return undefined;
  return { name: 'permissions-policy', value: entries.map(([f, a]) => `${f}=${allowlistValue(f, a)}`).join(', ') };
}
