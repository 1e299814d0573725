/**
 * Client binding: a claim with a hash of the user agent (and optionally the client's IP prefix), so
 * that a token copied to another client stands out. User agents are not secret and IPs change
 * (mobile networks), so this is a tripwire, not proof: `report` only logs a mismatch, `reject` refuses.
 */

import { createHash } from 'node:crypto';
import { checkBoolean, checkInteger, checkKeys, checkOneOf, fail, isPlainObject } from '../config/check-options.js';
import { subnetKey } from '../http/ip.js';

export interface TokenBindingOptions {
  /** `reject` (default) refuses a token used from another client; `report` emits an event and accepts it. */
  mode?: 'reject' | 'report';
  /** Bind to the `User-Agent`. Default true. */
  userAgent?: boolean;
  /** Bind to the client's network too, e.g. `{ ipv4: 24, ipv6: 56 }`. Default false (addresses change too often). */
  ipPrefix?: false | { ipv4?: number; ipv6?: number };
}

/** Who is presenting a token: pass the same fields when issuing, refreshing and verifying. */
export interface TokenContext {
  userAgent?: string | undefined;
  /** The resolved client IP (`context.clientIp` from bulwark). */
  clientIp?: string | undefined;
}

export interface Binding {
  readonly mode: 'reject' | 'report';
  claim(context: TokenContext | undefined): string;
}

const BINDING_KEYS = ['mode', 'userAgent', 'ipPrefix'];

/** Normalizes the option; undefined when binding is off. */
export function createBinding(path: string, option: boolean | TokenBindingOptions | undefined): Binding | undefined {
  if (option === undefined || option === false) return undefined;
  const options: TokenBindingOptions = option === true ? {} : option;
  if (!isPlainObject(options)) fail(path, 'expected true, false or { mode, userAgent, ipPrefix }');
  checkKeys(path, options, BINDING_KEYS);
  const mode = checkOneOf(`${path}.mode`, options.mode, ['reject', 'report'] as const) ?? 'reject';
  const userAgent = checkBoolean(`${path}.userAgent`, options.userAgent) ?? true;
  let prefix: { ipv4Prefix: number; ipv6Prefix: number } | undefined;
  const ipPrefix = options.ipPrefix as { ipv4?: number; ipv6?: number } | false | undefined;
  if (ipPrefix !== undefined && ipPrefix !== false) {
    checkKeys(`${path}.ipPrefix`, ipPrefix, ['ipv4', 'ipv6']);
    prefix = {
      ipv4Prefix: checkInteger(`${path}.ipPrefix.ipv4`, ipPrefix.ipv4, 8, 32) ?? 24,
      ipv6Prefix: checkInteger(`${path}.ipPrefix.ipv6`, ipPrefix.ipv6, 16, 128) ?? 56,
    };
  }
  if (!userAgent && prefix === undefined) fail(path, 'binds to nothing: enable userAgent or ipPrefix, or set binding: false');
  return {
    mode,
    claim(context) {
      const agent = userAgent ? (context?.userAgent ?? '') : '';
      const network = prefix && context?.clientIp ? (subnetKey(context.clientIp, prefix) ?? '') : '';
      return createHash('sha256').update(`bulwark-binding\0${agent}\0${network}`).digest('base64url').slice(0, 22);
    },
  };
}
