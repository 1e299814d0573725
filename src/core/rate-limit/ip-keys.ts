/**
 * The store key of a client address (`ip:<subnet>`), remembered: parsing and formatting an address
 * cost more than the rest of a rate-limited request (bench/guards.bench.ts), and a client sends
 * many requests. Two generations of at most `capacity` entries: when the young one is full, the old
 * one is dropped whole, so eviction is O(1) and the memo never holds more than 2 x `capacity` keys.
 * A hit in the old generation moves to the young one, so busy clients stay.
 */

import { subnetKey } from '../http/ip.js';

/** Longest text subnetKey accepts as an address; longer text is 'unknown' and not remembered. */
const MAX_ADDRESS_TEXT = 64;
const UNKNOWN = 'ip:unknown';

export function createIpKeyMemo(ipv6Prefix: number, capacity = 4096): (clientIp: string | undefined) => string {
  let young = new Map<string, string>();
  let old = new Map<string, string>();
  const keyOf = (clientIp: string): string => `ip:${subnetKey(clientIp, { ipv6Prefix }) ?? 'unknown'}`;

  return (clientIp) => {
    if (typeof clientIp !== 'string') return UNKNOWN; // what subnetKey makes of anything but text
    let key = young.get(clientIp);
    if (key !== undefined) return key;
    if (clientIp.length > MAX_ADDRESS_TEXT) return keyOf(clientIp);
    key = old.get(clientIp) ?? keyOf(clientIp);
    if (young.size >= capacity) {
      old = young;
      young = new Map();
    }
    young.set(clientIp, key);
    return key;
  };
}
