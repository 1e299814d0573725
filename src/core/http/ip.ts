/**
 * IP addresses and CIDR ranges as bytes: parsing, normalizing, matching, subnet keys.
 * Pure and portable (no node:net), so it runs on edge runtimes too.
 */

import { ConfigurationError } from '../errors.js';

export interface IpAddress {
  readonly version: 4 | 6;
  /** 4 bytes for IPv4, 16 for IPv6. IPv4-mapped IPv6 is always unwrapped to IPv4. */
  readonly bytes: Uint8Array;
}

export interface IpRange {
  readonly version: 4 | 6;
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

const MAX_IP_TEXT = 64;

/** Strict dotted quad: four parts of 1-3 digits, no leading zeros (octal ambiguity), no hex, no empty parts. One pass, no substrings. */
function parseIpv4(text: string): Uint8Array | undefined {
  if (text.length < 7 || text.length > 15) return undefined;
  const bytes = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i === text.length ? 46 : text.charCodeAt(i);
    if (code === 46) {
      if (digits === 0 || part > 3) return undefined;
      bytes[part++] = value;
      value = 0;
      digits = 0;
      continue;
    }
    const digit = code - 48;
    if (digit < 0 || digit > 9 || (digits === 1 && value === 0)) return undefined;
    value = value * 10 + digit;
    if (++digits > 3 || value > 255) return undefined;
  }
  return part === 4 ? bytes : undefined;
}

function parseHextet(part: string): number | undefined {
  if (part.length === 0 || part.length > 4) return undefined;
  let value = 0;
  for (let j = 0; j < part.length; j++) {
    const c = part.charCodeAt(j);
    let digit: number;
    if (c >= 48 && c <= 57) digit = c - 48;
    else if (c >= 97 && c <= 102) digit = c - 87;
    else if (c >= 65 && c <= 70) digit = c - 55;
    else return undefined;
    value = value * 16 + digit;
  }
  return value;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const zone = text.indexOf('%');
  if (zone === text.length - 1) return undefined; // an empty zone id
  if (zone !== -1) text = text.slice(0, zone);
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1]!.split(':') : [];
  const groups: number[] = [];
  const all = [...head, ...tail];
  let embeddedV4: Uint8Array | undefined;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    // A dotted quad must end the address: in `1.2.3.4::` the `::` follows it.
    if (halves.length === 2 && tail.length === 0) return undefined;
    embeddedV4 = parseIpv4(last);
    if (!embeddedV4) return undefined;
    (tail.length > 0 ? tail : head).pop();
  }
  const width = embeddedV4 ? 6 : 8;
  for (const part of [...head, ...tail]) {
    const value = parseHextet(part);
    if (value === undefined) return undefined;
    groups.push(value);
  }
  const explicit = head.length + tail.length;
  if (halves.length === 2 ? explicit >= width : explicit !== width) return undefined;
  const bytes = new Uint8Array(16);
  const fill = (values: number[], start: number): void => {
    values.forEach((value, i) => {
      bytes[start + i * 2] = value >> 8;
      bytes[start + i * 2 + 1] = value & 0xff;
    });
  };
  const headValues = groups.slice(0, head.length);
  const tailValues = groups.slice(head.length);
  fill(headValues, 0);
  fill(tailValues, width * 2 - tailValues.length * 2);
  if (embeddedV4) bytes.set(embeddedV4, 12);
  return bytes;
}

function isIpv4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** Parses an IPv4 or IPv6 address (brackets and zone ids allowed). Returns undefined if invalid. */
export function parseIp(text: string): IpAddress | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_IP_TEXT) return undefined;
  let value = text.trim();
  if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1);
  if (value.includes(':')) {
    const bytes = parseIpv6(value);
    if (!bytes) return undefined;
    return isIpv4Mapped(bytes) ? { version: 4, bytes: bytes.slice(12) } : { version: 6, bytes };
  }
  const bytes = parseIpv4(value);
  return bytes ? { version: 4, bytes } : undefined;
}

/** Canonical text: dotted quad for IPv4, RFC 5952 (lower case, longest zero run compressed) for IPv6. */
export function formatIp(ip: IpAddress): string {
  if (ip.version === 4) return ip.bytes.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((ip.bytes[i]! << 8) | ip.bytes[i + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLength).join(':');
  return `${left}::${right}`;
}

/** Parses and re-formats an address; undefined if it is not an IP address. */
export function normalizeIp(text: string): string | undefined {
  const ip = parseIp(text);
  return ip ? formatIp(ip) : undefined;
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address (a full-length range). */
export function parseCidr(text: string): IpRange | undefined {
  if (typeof text !== 'string' || text.length > MAX_IP_TEXT + 4) return undefined;
  const slash = text.indexOf('/');
  const address = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (!address) return undefined;
  const max = address.version === 4 ? 32 : 128;
  if (slash === -1) return { ...address, prefix: max };
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  let prefix = Number(prefixText);
  // An IPv4-mapped range such as ::ffff:10.0.0.0/104 becomes the IPv4 range 10.0.0.0/8.
  if (address.version === 4 && text.slice(0, slash).includes(':')) prefix -= 96;
  if (prefix < 0 || prefix > max) return undefined;
  return { version: address.version, bytes: maskBytes(address.bytes, prefix), prefix };
}

function maskBytes(bytes: Uint8Array, prefix: number): Uint8Array {
  const masked = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    masked[i] = bytes[i]! & ((0xff << (8 - bits)) & 0xff);
  }
  return masked;
}

export function rangeContains(range: IpRange, ip: IpAddress): boolean {
  if (range.version !== ip.version) return false;
  const fullBytes = range.prefix >> 3;
  for (let i = 0; i < fullBytes; i++) if (range.bytes[i] !== ip.bytes[i]) return false;
  const rest = range.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (ip.bytes[fullBytes]! & mask) === range.bytes[fullBytes];
}

export function formatCidr(range: IpRange): string {
  return `${formatIp(range)}/${range.prefix}`;
}

export interface SubnetKeyOptions {
  /** Prefix length that groups IPv6 clients (default 56: a typical residential delegation). */
  ipv6Prefix?: number;
  /** Prefix length that groups IPv4 clients (default 32: one address). */
  ipv4Prefix?: number;
}

/**
 * A stable key for per-client limits: the address masked to its subnet, so that one IPv6 user
 * cannot rotate through the 2^72 addresses of their /56 to escape a limit.
 * Returns undefined for text that is not an IP address.
 */
export function subnetKey(address: string, options: SubnetKeyOptions = {}): string | undefined {
  const ip = parseIp(address);
  if (!ip) return undefined;
  const prefix = ip.version === 6 ? (options.ipv6Prefix ?? 56) : (options.ipv4Prefix ?? 32);
  const max = ip.version === 4 ? 32 : 128;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    throw new ConfigurationError(`subnetKey: the IPv${ip.version} prefix must be an integer from 0 to ${max}`);
  }
  const bytes = maskBytes(ip.bytes, prefix);
  // The same text as formatCidr, without Uint8Array#join, which costs more than the parse.
  if (ip.version === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}/${prefix}`;
  return formatCidr({ version: ip.version, bytes, prefix });
}
