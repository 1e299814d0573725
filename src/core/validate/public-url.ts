/**
 * SSRF guard: a URL is public when its text passes `validateUrl` (scheme, credentials, internal
 * IP literals in any encoding, local names) and every address its host resolves to is a public
 * unicast address. The resolver is injectable; the default (node:dns) is loaded only when used.
 */

import { checkKeys, fail } from '../config/check-options.js';
import { BlockedUrlError } from '../errors.js';
import { formatIp, parseCidr, parseIp, rangeContains, type IpAddress, type IpRange } from '../http/ip.js';
import { classifyAddress } from './internal-address.js';
import { compileUrlRules, internalHostReason, parseUrl, writtenHost, type UrlRules } from './url.js';

/**
 * Returns the IP addresses a host name resolves to: text, or `{ address }` records as
 * `dns.promises.lookup(host, { all: true })` gives them.
 */
export type HostResolver = (hostname: string) => Promise<string | readonly (string | { readonly address: string })[]>;

export interface PublicUrlOptions {
  /** Resolves host names. Default: the system resolver through node:dns `lookup` (all addresses). */
  resolve?: HostResolver;
  /** Allowed schemes, without the colon. Default `['http', 'https']`. */
  schemes?: readonly string[];
  /** Addresses or CIDR ranges that are allowed although internal, for deliberate internal calls. Default none. */
  allow?: readonly string[];
}

export interface PublicUrlPolicy {
  readonly rules: UrlRules;
  readonly resolve: HostResolver | undefined;
  readonly allow: readonly IpRange[];
}

const MAX_ADDRESSES = 64;

/** Validates the options once. */
export function compilePublicUrlPolicy(options: PublicUrlOptions = {}, path = 'publicUrl'): PublicUrlPolicy {
  checkKeys(path, options, ['resolve', 'schemes', 'allow']);
  if (options.resolve !== undefined && typeof options.resolve !== 'function') fail(`${path}.resolve`, 'expected a function (hostname) => Promise<string[]>');
  if (options.allow !== undefined && !Array.isArray(options.allow)) fail(`${path}.allow`, 'expected an array of addresses or CIDR ranges');
  const allow = (options.allow ?? []).map((text: unknown, i) => {
    const range = typeof text === 'string' ? parseCidr(text) : undefined;
    return range ?? fail(`${path}.allow[${i}]`, 'expected an IP address or CIDR range such as "10.1.2.0/24"');
  });
  return Object.freeze({
    rules: compileUrlRules({ ...(options.schemes && { schemes: options.schemes }), allowInternalHosts: true }, path),
    resolve: options.resolve,
    allow: Object.freeze(allow),
  });
}

function blocked(reason: string, cause?: unknown): BlockedUrlError {
  return new BlockedUrlError(`URL refused: ${reason}`, cause === undefined ? undefined : { cause });
}

async function defaultResolver(): Promise<HostResolver> {
  const { resolveWithSystemDns } = await import('./node-resolver.js');
  return resolveWithSystemDns;
}

function isAllowed(ip: IpAddress, policy: PublicUrlPolicy): boolean {
  return policy.allow.some((range) => rangeContains(range, ip));
}

/** Throws BlockedUrlError unless the URL is public, with a compiled policy. Returns the parsed URL. */
export async function checkPublicUrl(input: string | URL, policy: PublicUrlPolicy): Promise<URL> {
  const text = input instanceof URL ? input.href : input;
  const { result, url } = parseUrl(text, policy.rules);
  if (!result.success || !url) throw blocked(result.success ? 'not a URL' : result.issues[0].message);
  const literal = parseIp(url.hostname);
  if (literal && isAllowed(literal, policy)) {
    // Allowed, but only as written in the standard form: 0x0a000001 for 10.0.0.1 is someone probing.
    const written = parseIp(writtenHost(url, text));
    if (!written || formatIp(written) !== formatIp(literal)) throw blocked('the host is an allowed address written in a non-standard form');
  } else {
    const reason = internalHostReason(url, text);
    if (reason) throw blocked(`the host is ${reason}`);
  }
  if (literal) return url;
  const resolve = policy.resolve ?? (await defaultResolver());
  let answer: unknown;
  try {
    answer = await resolve(url.hostname);
  } catch (error) {
    throw blocked('the host name did not resolve', error);
  }
  const addresses: unknown[] = typeof answer === 'string' ? [answer] : Array.isArray(answer) ? answer : [];
  if (addresses.length === 0) throw blocked('the host name resolved to no address');
  for (const entry of addresses.slice(0, MAX_ADDRESSES)) {
    const address = typeof entry === 'string' ? entry : (entry as { address?: unknown } | null)?.address;
    const ip = typeof address === 'string' ? parseIp(address) : undefined;
    if (!ip) throw blocked('the resolver returned something that is not an IP address');
    if (isAllowed(ip, policy)) continue;
    const reason = classifyAddress(ip);
    if (reason) throw blocked(`the host resolves to ${reason}`);
  }
  return url;
}

/**
 * Throws BlockedUrlError unless the URL is safe to request from the server: allowed scheme, no
 * credentials, and a host that neither is nor resolves to an internal address. Returns the URL.
 */
export async function assertPublicUrl(url: string | URL, options?: PublicUrlOptions): Promise<URL> {
  return checkPublicUrl(url, compilePublicUrlPolicy(options));
}
