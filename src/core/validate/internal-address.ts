/**
 * Which addresses and host names point inside: loopback, private, link-local, CGNAT, multicast,
 * reserved, cloud metadata, and IPv6 forms that carry an IPv4 address (NAT64, 6to4, Teredo,
 * IPv4-compatible/-translated). Pure: no DNS here.
 */

import { parseCidr, parseIp, rangeContains, type IpAddress, type IpRange } from '../http/ip.js';

interface BlockedRange {
  readonly range: IpRange;
  readonly reason: string;
}

function ranges(list: ReadonlyArray<readonly [string, string]>): readonly BlockedRange[] {
  return list.map(([cidr, reason]) => ({ range: parseCidr(cidr)!, reason }));
}

// First match wins, so the specific entries (metadata) come before the ranges that contain them.
const BLOCKED: readonly BlockedRange[] = ranges([
  ['169.254.169.254/32', 'a cloud metadata address'],
  ['100.100.100.200/32', 'a cloud metadata address'],
  ['192.0.0.192/32', 'a cloud metadata address'],
  ['fd00:ec2::254/128', 'a cloud metadata address'],
  ['0.0.0.0/8', 'an unspecified ("this network") address'],
  ['10.0.0.0/8', 'a private address'],
  ['100.64.0.0/10', 'a shared (CGNAT) address'],
  ['127.0.0.0/8', 'a loopback address'],
  ['169.254.0.0/16', 'a link-local address'],
  ['172.16.0.0/12', 'a private address'],
  ['192.0.0.0/24', 'an IETF protocol address'],
  ['192.0.2.0/24', 'a documentation address'],
  ['192.88.99.0/24', 'a 6to4 relay address'],
  ['192.168.0.0/16', 'a private address'],
  ['198.18.0.0/15', 'a benchmarking address'],
  ['198.51.100.0/24', 'a documentation address'],
  ['203.0.113.0/24', 'a documentation address'],
  ['224.0.0.0/4', 'a multicast address'],
  ['255.255.255.255/32', 'the broadcast address'],
  ['240.0.0.0/4', 'a reserved address'],
  ['::/128', 'the unspecified address'],
  ['::1/128', 'a loopback address'],
  ['::ffff:0:0:0/96', 'an IPv4-translated address'],
  ['::/96', 'an IPv4-compatible address'],
  ['64:ff9b:1::/48', 'a local-use NAT64 address'],
  ['100::/64', 'a discard-only address'],
  ['2001::/32', 'a Teredo address'],
  ['2001:2::/48', 'a benchmarking address'],
  ['2001:10::/28', 'an ORCHID address'],
  ['2001:20::/28', 'an ORCHID address'],
  ['2001:db8::/32', 'a documentation address'],
  ['3fff::/20', 'a documentation address'],
  ['5f00::/16', 'an SRv6 address'],
  ['fc00::/7', 'a unique local (ULA) address'],
  ['fe80::/10', 'a link-local address'],
  ['fec0::/10', 'a site-local address'],
  ['ff00::/8', 'a multicast address'],
]);

const NAT64 = parseCidr('64:ff9b::/96')!;
const SIX_TO_FOUR = parseCidr('2002::/16')!;

/** Why an address is internal, or undefined when it is a public unicast address. */
export function classifyAddress(ip: IpAddress): string | undefined {
  for (const { range, reason } of BLOCKED) if (rangeContains(range, ip)) return reason;
  if (ip.version === 6) {
    // These forms route to an IPv4 address: judge that one.
    const embedded = rangeContains(NAT64, ip) ? ip.bytes.slice(12, 16) : rangeContains(SIX_TO_FOUR, ip) ? ip.bytes.slice(2, 6) : undefined;
    if (embedded) {
      const reason = classifyAddress({ version: 4, bytes: embedded });
      if (reason) return `an IPv6 address that embeds ${reason}`;
    }
  }
  return undefined;
}

// WHATWG's "ends in a number": all digits, or 0x followed by hex digits.
const NUMERIC_LABEL = /^(?:0x[0-9a-f]*|[0-9]+)$/i;

function parseNumberPart(part: string): number | undefined {
  if (part.length === 0) return undefined;
  let radix = 10;
  let digits = part;
  if (part.length > 1 && (part[1] === 'x' || part[1] === 'X') && part[0] === '0') {
    radix = 16;
    digits = part.slice(2);
    if (digits.length === 0) return 0; // WHATWG reads a bare "0x" as zero
  } else if (part.length > 1 && part[0] === '0') {
    radix = 8;
    digits = part.slice(1);
  }
  let value = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = parseInt(digits[i]!, radix);
    if (Number.isNaN(digit)) return undefined;
    value = value * radix + digit;
    if (value > 0xffffffff) return Number.POSITIVE_INFINITY; // overflow: still numeric, never valid
  }
  return value;
}

/**
 * inet_aton-style IPv4 (what WHATWG URL, curl and libc accept): 1 to 4 parts, each decimal, octal
 * (leading 0) or hex (0x); the last part fills the remaining bytes. `numeric` is true when the
 * text looks like a number in its last label, so a parser may read it as an address.
 */
export function parseLooseIpv4(text: string): { numeric: boolean; bytes: Uint8Array | undefined } {
  const parts = text.split('.');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // one trailing dot is allowed
  const numeric = NUMERIC_LABEL.test(parts[parts.length - 1] ?? '');
  if (!numeric || parts.length > 4) return { numeric, bytes: undefined };
  const values = parts.map(parseNumberPart);
  if (values.some((v) => v === undefined)) return { numeric, bytes: undefined };
  const numbers = values as number[];
  const last = numbers[numbers.length - 1]!;
  const head = numbers.slice(0, -1);
  if (head.some((v) => v > 255) || last >= 256 ** (5 - numbers.length)) return { numeric, bytes: undefined };
  let value = last;
  head.forEach((v, i) => (value += v * 256 ** (3 - i)));
  const bytes = new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
  return { numeric, bytes };
}

const LOCAL_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback', 'metadata', 'metadata.goog', 'instance-data', 'broadcasthost']);
const LOCAL_SUFFIXES = ['.localhost', '.local', '.internal', '.intranet', '.home.arpa', '.lan', '.corp', '.localdomain'];

/**
 * Why a URL host points inside judging by its text alone, or undefined. Accepts a WHATWG
 * hostname (IPv6 in brackets) or raw host text from any parser.
 */
export function classifyHostText(host: string): string | undefined {
  let name = host.toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) {
    const ip = parseIp(name);
    return ip ? classifyAddress(ip) : 'an unparsable IPv6 literal';
  }
  if (name.endsWith('.')) name = name.slice(0, -1);
  const ip = parseIp(name);
  if (ip) return classifyAddress(ip);
  const loose = parseLooseIpv4(name);
  if (loose.bytes) return classifyAddress({ version: 4, bytes: loose.bytes }) ?? 'an IPv4 address in a non-standard encoding';
  if (loose.numeric) return 'a numeric host that is not a valid IPv4 address';
  if (name.length === 0) return 'an empty host';
  if (LOCAL_NAMES.has(name) || LOCAL_SUFFIXES.some((suffix) => name.endsWith(suffix))) return 'a local host name';
  if (!name.includes('.')) return 'a single-label host name (resolved through local search domains)';
  const embedded = embeddedInternalAddress(name);
  if (embedded) return `a host name that embeds ${embedded} (wildcard DNS such as nip.io)`;
  return undefined;
}

/** Names such as 127.0.0.1.nip.io or 10-0-0-1.sslip.io: four decimal tokens in a row that form an internal address. */
function embeddedInternalAddress(name: string): string | undefined {
  if (!/\d[.-]\d/.test(name)) return undefined;
  const tokens = name.split(/[.-]/);
  for (let i = 0; i + 4 <= tokens.length; i++) {
    const ip = parseIp(tokens.slice(i, i + 4).join('.'));
    if (!ip) continue;
    const reason = classifyAddress(ip);
    if (reason) return reason;
  }
  return undefined;
}
