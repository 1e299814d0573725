/**
 * The one client-IP resolver. Every module that needs "who is this?" gets the answer from here.
 *
 * Forwarding headers are only read when the socket peer is a trusted proxy, and then walked from
 * right (nearest proxy) to left, stopping at the first hop that is not trusted: entries to the left
 * of that hop were written by the client and may be forged.
 */

import { ConfigurationError } from '../errors.js';
import { forwardedNodeAddress, parseForwarded, parseForwardedList } from './forwarded.js';
import { isValidHost } from './host.js';
import { formatIp, parseCidr, parseIp, rangeContains, type IpAddress, type IpRange } from './ip.js';

/**
 * Which peers may speak for the client:
 * - `false` (default): none; the socket peer is the client.
 * - a number: that many proxy hops in front of this server.
 * - addresses, CIDRs or the keywords `loopback`, `linklocal`, `uniquelocal` (one string, comma-separated, or a list).
 * - a function `(address, hop) => boolean`.
 */
export type TrustProxy = false | number | string | readonly string[] | ((address: string, hop: number) => boolean);

/** The one header your proxy sets. Only one is read, so a client cannot pick the header a proxy passes through unchecked. */
export type ProxyHeader = 'x-forwarded-for' | 'forwarded' | 'x-real-ip';

export interface ClientIpOptions {
  trustProxy?: TrustProxy;
  /** Default `x-forwarded-for`. */
  proxyHeader?: ProxyHeader;
}

export interface ClientIpInput {
  remoteAddress?: string | undefined;
  secure?: boolean | undefined;
  headers: Headers;
  /** Host the request was sent to (`Host`), used unless a trusted proxy forwards another. */
  host: string;
}

export interface ResolvedClient {
  /** Normalized client address, or undefined when the peer address is unknown. */
  ip: string | undefined;
  /** The same address parsed (for IP rules), or undefined. */
  address: IpAddress | undefined;
  /** The request reached the edge over TLS (directly, or per a trusted proxy). */
  secure: boolean;
  /** Host the client asked for (`Host`, or the trusted proxy's forwarded host). */
  host: string;
  /** A trusted proxy sent a forwarding header that could not be parsed; the nearest valid hop was used. */
  malformedForwarding: boolean;
}

const KEYWORD_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

type TrustCheck = (ip: IpAddress, hop: number) => boolean;

function compileTrust(trust: TrustProxy | undefined): TrustCheck {
  if (trust === undefined || trust === false) return () => false;
  if (typeof trust === 'number') {
    if (!Number.isInteger(trust) || trust < 0) {
      throw new ConfigurationError('trustProxy: a hop count must be a non-negative integer, e.g. trustProxy: 1');
    }
    return (_ip, hop) => hop < trust;
  }
  if (typeof trust === 'function') return (ip, hop) => trust(formatIp(ip), hop) === true;
  if ((trust as unknown) === true) {
    throw new ConfigurationError(
      "trustProxy: true would let any client forge its IP. Write the number of proxies (trustProxy: 1) or their addresses (trustProxy: ['10.0.0.0/8'])",
    );
  }
  const items = (typeof trust === 'string' ? trust.split(',') : [...trust]).map((s) => s.trim());
  const ranges: IpRange[] = [];
  for (const item of items) {
    for (const text of KEYWORD_RANGES[item] ?? [item]) {
      const range = parseCidr(text);
      if (!range) {
        throw new ConfigurationError(
          `trustProxy: "${item}" is not an IP address, CIDR or keyword (loopback, linklocal, uniquelocal)`,
        );
      }
      ranges.push(range);
    }
  }
  return (ip) => ranges.some((range) => rangeContains(range, ip));
}

function lastListValue(header: string | null): string | undefined {
  if (header === null) return undefined;
  const list = parseForwardedList(header);
  return list?.[list.length - 1];
}

function isHttpsProto(proto: string | undefined, fallback: boolean): boolean {
  const lower = proto?.toLowerCase();
  if (lower === 'https') return true;
  if (lower === 'http') return false;
  return fallback;
}

function pickHost(candidate: string | undefined, fallback: string): string {
  return candidate !== undefined && isValidHost(candidate) ? candidate : fallback;
}

export type ClientIpResolver = (input: ClientIpInput) => ResolvedClient;

/** The peer when the framework hides the socket (Next.js): only a hop count can vouch for it, never an address. */
const HIDDEN_PEER: IpAddress = { version: 4, bytes: new Uint8Array(4) };

/**
 * Socket peers repeat (keep-alive, a proxy in front): remember the last few parsed addresses rather
 * than parse the same text on every request. Bounded; cleared when full.
 */
interface Peer {
  readonly ip: IpAddress;
  readonly text: string;
}

function createPeerCache(limit = 1024): { parse(text: string): Peer | undefined } {
  const cache = new Map<string, Peer | undefined>();
  return {
    parse(text) {
      if (cache.has(text)) return cache.get(text);
      if (cache.size >= limit) cache.clear();
      const ip = parseIp(text);
      const peer = ip && { ip, text: formatIp(ip) };
      cache.set(text, peer);
      return peer;
    },
  };
}

export function createClientIpResolver(options: ClientIpOptions = {}): ClientIpResolver {
  const trusted = compileTrust(options.trustProxy);
  const peers = createPeerCache();
  const hopCount = typeof options.trustProxy === 'number' && options.trustProxy > 0;
  const show = (ip: IpAddress): string | undefined => (ip === HIDDEN_PEER ? undefined : formatIp(ip));
  const visible = (ip: IpAddress): IpAddress | undefined => (ip === HIDDEN_PEER ? undefined : ip);
  const proxyHeader = options.proxyHeader ?? 'x-forwarded-for';
  if (!['x-forwarded-for', 'forwarded', 'x-real-ip'].includes(proxyHeader)) {
    throw new ConfigurationError(
      `proxyHeader: "${String(proxyHeader)}" is not supported; write 'x-forwarded-for', 'forwarded' or 'x-real-ip'`,
    );
  }

  /** Walks addresses right to left; returns the index of the client entry (-1: the peer itself) and whether a bad entry stopped it. */
  function walk(peer: IpAddress, entries: readonly (string | undefined)[]): { ip: IpAddress; index: number; bad: boolean } {
    let ip = peer;
    let index = -1;
    for (let k = entries.length - 1, hop = 0; k >= 0 && trusted(ip, hop); k--, hop++) {
      const next = entries[k] === undefined ? undefined : parseIp(entries[k]!);
      if (!next) return { ip, index, bad: true };
      ip = next;
      index = k;
    }
    return { ip, index, bad: false };
  }

  return function resolveClient({ remoteAddress, secure = false, headers, host }) {
    const direct: ResolvedClient = { ip: undefined, address: undefined, secure, host, malformedForwarding: false };
    const known = remoteAddress === undefined ? undefined : peers.parse(remoteAddress);
    const peer = known?.ip ?? (remoteAddress === undefined && hopCount ? HIDDEN_PEER : undefined);
    if (!peer) return direct;
    direct.ip = known?.text;
    direct.address = known?.ip;
    if (!trusted(peer, 0)) return direct;

    if (proxyHeader === 'x-real-ip') {
      const real = headers.get('x-real-ip');
      const ip = real === null ? undefined : parseIp(real);
      return {
        ip: show(ip ?? peer),
        address: visible(ip ?? peer),
        secure: isHttpsProto(lastListValue(headers.get('x-forwarded-proto')), secure),
        host: pickHost(lastListValue(headers.get('x-forwarded-host')), host),
        malformedForwarding: real !== null && !ip,
      };
    }

    if (proxyHeader === 'forwarded') {
      const header = headers.get('forwarded');
      if (header === null) return direct;
      const elements = parseForwarded(header);
      if (!elements) return { ...direct, malformedForwarding: true };
      const nodes = elements.map((e) => (e.for === undefined ? undefined : forwardedNodeAddress(e.for)));
      const { ip, index, bad } = walk(peer, nodes);
      // The element that named the client was written by the outermost trusted proxy: it saw the client's scheme and host.
      const element = index === -1 ? undefined : elements[index];
      return {
        ip: show(ip),
        address: visible(ip),
        secure: isHttpsProto(element?.proto, secure),
        host: pickHost(element?.host, host),
        malformedForwarding: bad,
      };
    }

    const header = headers.get('x-forwarded-for');
    const entries = header === null ? [] : parseForwardedList(header);
    const { ip, bad } = entries ? walk(peer, entries) : { ip: peer, bad: true };
    return {
      ip: show(ip),
      address: visible(ip),
      // Proxies overwrite or append these; the rightmost value is the nearest (trusted) proxy's.
      secure: isHttpsProto(lastListValue(headers.get('x-forwarded-proto')), secure),
      host: pickHost(lastListValue(headers.get('x-forwarded-host')), host),
      malformedForwarding: bad,
    };
  };
}
