import { parseIp } from './ip.js';

/** Host header syntax: `name[:port]`, `1.2.3.4[:port]`, `[v6][:port]`. No userinfo, path or spaces. */

const MAX_HOST_LENGTH = 255 + 6;

/** Dot-separated labels of letters, digits, `_` and inner `-`, each 1-63 long; one pass, no allocation. */
function isHostName(name: string): boolean {
  let labelStart = 0;
  for (let i = 0; i <= name.length; i++) {
    const c = i === name.length ? 46 : name.charCodeAt(i);
    if (c === 46) {
      const length = i - labelStart;
      if (length === 0 || length > 63 || name.charCodeAt(labelStart) === 45 || name.charCodeAt(i - 1) === 45) return false;
      labelStart = i + 1;
      continue;
    }
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!alnum && c !== 45 && c !== 95) return false;
  }
  return true;
}

function isPort(text: string): boolean {
  if (text.length === 0 || text.length > 5) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return Number(text) <= 65535;
}

function checkHost(host: string): boolean {
  if (host.length === 0 || host.length > MAX_HOST_LENGTH) return false;
  let name = host;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end === -1) return false;
    const inside = host.slice(1, end);
    if (!/^[0-9A-Fa-f:.]{2,45}$/.test(inside) || parseIp(inside) === undefined) return false;
    const rest = host.slice(end + 1);
    return rest === '' || (rest.startsWith(':') && isPort(rest.slice(1)));
  }
  const colon = host.lastIndexOf(':');
  if (colon !== -1) {
    if (!isPort(host.slice(colon + 1))) return false;
    name = host.slice(0, colon);
  }
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (!isHostName(name)) return false;
  // A name whose last label is a number is an IPv4 address to URL parsers (`9` is 0.0.0.9, `0x7f.1` is
  // 127.0.0.1): accept only the plain dotted quad, so every component reads the host the same way.
  const lastLabel = name.slice(name.lastIndexOf('.') + 1);
  return !/^\d+$/.test(lastLabel) || parseIp(name)?.version === 4;
}

/** A server sees a handful of distinct hosts: remember verdicts (bounded; cleared when full) instead of re-checking per request. */
const verdicts = new Map<string, boolean>();
const MAX_VERDICTS = 512;

export function isValidHost(host: string): boolean {
  const known = verdicts.get(host);
  if (known !== undefined) return known;
  if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
  const valid = checkHost(host);
  verdicts.set(host, valid);
  return valid;
}
