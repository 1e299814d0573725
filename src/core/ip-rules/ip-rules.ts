/**
 * Allow and deny lists of addresses and CIDR ranges (IPv4 and IPv6), plus temporary bans from a
 * store. Deny wins over allow; with an allow list, everything not on it is refused, including a
 * request whose client address is unknown. Decisions use the one resolved client IP.
 */

import { fail, checkKeys } from '../config/check-options.js';
import { parseCidr, rangeContains, type IpAddress, type IpRange } from '../http/ip.js';

/** Where temporary bans live (the rate-limit module writes them). May answer synchronously. */
export interface BanList {
  isBanned(clientIp: string): boolean | Promise<boolean>;
}

export interface IpRulesOptions {
  /** Only these addresses and ranges may pass, for example `['10.0.0.0/8', '::1']`. */
  allow?: readonly string[];
  /** These addresses and ranges are refused. */
  deny?: readonly string[];
}

export type IpVerdict = { allowed: true } | { allowed: false; reason: string };

export interface IpRules {
  /** `address` is the resolved client address, parsed once by the client-IP resolver. */
  check(address: IpAddress | undefined): IpVerdict;
}

function ranges(path: string, list: unknown): IpRange[] | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) fail(path, 'expected a list of IP addresses or CIDR ranges');
  return list.map((entry, i) => {
    const range = typeof entry === 'string' ? parseCidr(entry.trim()) : undefined;
    if (!range) fail(`${path}[${i}]`, `${JSON.stringify(entry)} is not an IP address or CIDR range such as "10.0.0.0/8" or "2001:db8::/32"`);
    return range;
  });
}

const ALLOWED: IpVerdict = Object.freeze({ allowed: true });
const UNKNOWN: IpVerdict = Object.freeze({ allowed: false, reason: 'client address unknown and an allow list applies' });
const DENIED: IpVerdict = Object.freeze({ allowed: false, reason: 'client address on the deny list' });
const NOT_ALLOWED: IpVerdict = Object.freeze({ allowed: false, reason: 'client address not on the allow list' });

/** Ranges split by IP version once, so an address is compared only with ranges of its own version. */
function byVersion(list: readonly IpRange[]): { 4: readonly IpRange[]; 6: readonly IpRange[] } {
  return { 4: list.filter((range) => range.version === 4), 6: list.filter((range) => range.version === 6) };
}

function anyContains(list: readonly IpRange[], ip: IpAddress): boolean {
  for (let i = 0; i < list.length; i++) if (rangeContains(list[i]!, ip)) return true;
  return false;
}

export function createIpRules(options: IpRulesOptions, path = 'ipRules'): IpRules {
  checkKeys(path, options, ['allow', 'deny']);
  const allowList = ranges(`${path}.allow`, options.allow);
  const allow = allowList === undefined ? undefined : byVersion(allowList);
  const deny = byVersion(ranges(`${path}.deny`, options.deny) ?? []);

  return {
    check(ip) {
      if (ip === undefined) return allow === undefined ? ALLOWED : UNKNOWN;
      if (anyContains(deny[ip.version], ip)) return DENIED;
      if (allow !== undefined && !anyContains(allow[ip.version], ip)) return NOT_ALLOWED;
      return ALLOWED;
    },
  };
}
