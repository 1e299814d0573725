/**
 * Parsers for proxy headers: RFC 7239 `Forwarded` and the comma lists of `X-Forwarded-*`.
 * Both are single linear scans; malformed input yields `undefined`, never an exception.
 */

/** One `Forwarded` element: lower-cased parameter names (`for`, `by`, `proto`, `host`) to values. */
export type ForwardedElement = Readonly<Record<string, string>>;

/** Bounds the work done on a hostile header: real proxy chains are a handful of hops. */
export const MAX_FORWARDED_HOPS = 64;

const TOKEN_CHAR = /^[!#$%&'*+.^_`|~0-9A-Za-z-]$/;

function isTokenChar(char: string): boolean {
  return TOKEN_CHAR.test(char);
}

/**
 * Parses a `Forwarded` header value into its elements, left (client side) to right (nearest proxy).
 * Returns undefined if the value is not well formed or has more than MAX_FORWARDED_HOPS elements.
 */
export function parseForwarded(header: string): ForwardedElement[] | undefined {
  const elements: ForwardedElement[] = [];
  // No prototype: a parameter named `__proto__` is kept as data, like any other.
  const element = (): Record<string, string> => Object.create(null) as Record<string, string>;
  let current = element();
  let i = 0;
  const n = header.length;
  const skipSpace = (): void => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
  };
  for (;;) {
    skipSpace();
    const nameStart = i;
    while (i < n && isTokenChar(header[i]!)) i++;
    if (i === nameStart || header[i] !== '=') return undefined;
    const name = header.slice(nameStart, i).toLowerCase();
    i++;
    let value = '';
    if (header[i] === '"') {
      i++;
      for (;;) {
        if (i >= n) return undefined;
        const char = header[i]!;
        if (char === '"') break;
        if (char === '\\') {
          i++;
          if (i >= n) return undefined;
        }
        value += header[i];
        i++;
      }
      i++;
    } else {
      const valueStart = i;
      while (i < n && isTokenChar(header[i]!)) i++;
      value = header.slice(valueStart, i);
      if (value === '') return undefined;
    }
    // A parameter may appear at most once per element (RFC 7239 section 4).
    if (Object.hasOwn(current, name)) return undefined;
    current[name] = value;
    skipSpace();
    if (i >= n) {
      elements.push(current);
      return elements;
    }
    const separator = header[i];
    i++;
    if (separator === ',') {
      elements.push(current);
      if (elements.length >= MAX_FORWARDED_HOPS) return undefined;
      current = element();
    } else if (separator !== ';') {
      return undefined;
    }
  }
}

/**
 * Strips the port from a `Forwarded` node (`"[2001:db8::1]:4711"`, `192.0.2.1:8080`) and returns the address part.
 * Obfuscated identifiers (`_hidden`) and `unknown` come back unchanged; the caller rejects them as non-IPs.
 */
export function forwardedNodeAddress(node: string): string {
  if (node.startsWith('[')) {
    const end = node.indexOf(']');
    return end === -1 ? node : node.slice(1, end);
  }
  const colon = node.indexOf(':');
  // More than one colon without brackets: a bare IPv6 address (not RFC-conformant, but unambiguous).
  if (colon !== -1 && node.indexOf(':', colon + 1) === -1) return node.slice(0, colon);
  return node;
}

/** Splits an `X-Forwarded-For`-style list; undefined if it has more than MAX_FORWARDED_HOPS entries. */
export function parseForwardedList(header: string): string[] | undefined {
  const entries = header.split(',', MAX_FORWARDED_HOPS + 1).map((entry) => entry.trim());
  if (entries.length > MAX_FORWARDED_HOPS) return undefined;
  return entries;
}
