/** The session cookie: found in the `Cookie` header without parsing every other cookie, and written with safe attributes. */

import { serializeCookie } from '../http/cookies.js';

export interface SessionCookieOptions {
  /** Default `__Host-sid`: Secure, Path=/ and no Domain, so no subdomain can set or shadow it. */
  name?: string;
  /** Default `Lax`; `Strict` keeps the session off every cross-site navigation too. */
  sameSite?: 'Lax' | 'Strict';
  /** Default false: a browser-session cookie. True sets Max-Age to the absolute timeout. */
  persistent?: boolean;
}

const MAX_SCAN = 8192;

/** The first value of cookie `name` in a `Cookie` header (browsers send the most specific first). */
export function readCookie(header: string | null, name: string): string | undefined {
  if (header === null || header.length > MAX_SCAN * 2) return undefined;
  let from = 0;
  for (;;) {
    const at = header.indexOf(name, from);
    if (at === -1) return undefined;
    const end = at + name.length;
    // A pair starts the header or follows ';' (and spaces): a name inside another cookie's value does not count.
    let before = at - 1;
    while (before >= 0 && (header[before] === ' ' || header[before] === '\t')) before--;
    let eq = end;
    while (header[eq] === ' ' || header[eq] === '\t') eq++;
    if ((before === -1 || header[before] === ';') && header[eq] === '=') {
      const semicolon = header.indexOf(';', eq);
      let value = header.slice(eq + 1, semicolon === -1 ? header.length : semicolon).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      return value;
    }
    from = end;
  }
}

export interface SessionCookie {
  readonly name: string;
  set(id: string): string;
  clear(): string;
}

export function createSessionCookie(name: string, sameSite: 'Lax' | 'Strict', maxAgeSeconds: number | undefined): SessionCookie {
  const attributes = { secure: true, httpOnly: true, sameSite, path: '/' } as const;
  serializeCookie(name, 'x', attributes); // validates the name and the __Host- rules once
  return {
    name,
    set: (id) => serializeCookie(name, id, maxAgeSeconds === undefined ? attributes : { ...attributes, maxAge: maxAgeSeconds }),
    clear: () => serializeCookie(name, '', { ...attributes, maxAge: 0 }),
  };
}
