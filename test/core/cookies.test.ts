import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { MAX_COOKIES, parseCookies, serializeCookie, type CookieOptions } from '../../src/core/http/cookies.js';

const TOKEN_CHARS = "!#$%&'*+.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-";
const cookieName = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 20 });

describe('parseCookies', () => {
  it('parses pairs, trimming whitespace', () => {
    expect(Object.fromEntries(parseCookies('a=1; b=two ;c = 3'))).toEqual({ a: '1', b: 'two', c: '3' });
  });

  it('returns an empty map for null, undefined and empty input', () => {
    expect(parseCookies(null).size).toBe(0);
    expect(parseCookies(undefined).size).toBe(0);
    expect(parseCookies('').size).toBe(0);
  });

  it('keeps the first occurrence of a name', () => {
    expect(parseCookies('sid=specific; sid=general').get('sid')).toBe('specific');
  });

  it('skips malformed pairs and keeps the rest', () => {
    const cookies = parseCookies('novalue; =anon; bad name=1; bad,name=2; ok=yes; ;;; also=fine');
    expect(Object.fromEntries(cookies)).toEqual({ ok: 'yes', also: 'fine' });
  });

  it('keeps everything after the first = in the value', () => {
    expect(parseCookies('t=a=b==').get('t')).toBe('a=b==');
    expect(parseCookies('e=').get('e')).toBe('');
  });

  it('percent-decodes valid values and keeps invalid encodings raw', () => {
    expect(parseCookies('u=caf%C3%A9%20%3B').get('u')).toBe('café ;');
    expect(parseCookies('bad=%E0%A4%A').get('bad')).toBe('%E0%A4%A');
    expect(parseCookies('pct=100%').get('pct')).toBe('100%');
    expect(parseCookies('lone=%D8%00').get('lone')).toBe('%D8%00');
  });

  it('strips one pair of surrounding double quotes', () => {
    expect(parseCookies('q="quoted value"').get('q')).toBe('quoted value');
    expect(parseCookies('q="%41"').get('q')).toBe('A');
    expect(parseCookies('q="').get('q')).toBe('"');
    expect(parseCookies('q=""').get('q')).toBe('');
  });

  it(`reads at most ${MAX_COOKIES} pairs`, () => {
    const header = Array.from({ length: MAX_COOKIES + 50 }, (_, i) => `c${i}=${i}`).join('; ');
    const cookies = parseCookies(header);
    expect(cookies.size).toBe(MAX_COOKIES);
    expect(cookies.get(`c${MAX_COOKIES - 1}`)).toBe(String(MAX_COOKIES - 1));
    expect(cookies.has(`c${MAX_COOKIES}`)).toBe(false);
  });

  it('property: never throws on arbitrary strings, and returns valid names only', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.array(fc.constantFrom('a', '=', ';', '"', '%', ' ', 'é', '%zz')).map((p) => p.join(''))), (s) => {
        const cookies = parseCookies(s);
        expect(cookies.size).toBeLessThanOrEqual(MAX_COOKIES);
        for (const name of cookies.keys()) expect(name).toMatch(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/);
      }),
    );
  });
});

describe('serializeCookie', () => {
  it('defaults to HttpOnly; Secure; SameSite=Lax; Path=/', () => {
    expect(serializeCookie('sid', 'abc')).toBe('sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax');
  });

  it('writes every attribute it is given', () => {
    const expires = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
    const value = serializeCookie('pref', 'dark mode;x', {
      httpOnly: false,
      sameSite: 'Strict',
      path: '/app',
      domain: 'example.com',
      maxAge: 3600,
      expires,
      partitioned: true,
    });
    expect(value).toBe(
      'pref=dark%20mode%3Bx; Path=/app; Domain=example.com; Max-Age=3600; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Secure; SameSite=Strict; Partitioned',
    );
  });

  it('allows SameSite=None only with secure', () => {
    expect(serializeCookie('x', '1', { sameSite: 'None' })).toContain('SameSite=None');
    expect(() => serializeCookie('x', '1', { sameSite: 'None', secure: false })).toThrow(/requires secure/);
  });

  it('enforces the __Host- prefix rules', () => {
    expect(serializeCookie('__Host-sid', '1')).toBe('__Host-sid=1; Path=/; HttpOnly; Secure; SameSite=Lax');
    const bad: CookieOptions[] = [{ secure: false }, { path: '/app' }, { domain: 'example.com' }];
    for (const options of bad) expect(() => serializeCookie('__Host-sid', '1', options)).toThrow(InvalidInputError);
  });

  it('enforces the __Secure- prefix rule', () => {
    expect(serializeCookie('__Secure-sid', '1', { path: '/app', domain: 'example.com' })).toContain('Domain=example.com');
    expect(() => serializeCookie('__Secure-sid', '1', { secure: false })).toThrow(InvalidInputError);
  });

  it.each([
    ['empty name', '', 'v', {}],
    ['space in name', 'a b', 'v', {}],
    ['= in name', 'a=b', 'v', {}],
    ['; in name', 'a;b', 'v', {}],
    ['non-ASCII name', 'café', 'v', {}],
    ['overlong name', 'a'.repeat(257), 'v', {}],
    ['lone surrogate value', 'a', '\uD800', {}],
    ['; in path', 'a', 'v', { path: '/a;b' }],
    ['newline in path', 'a', 'v', { path: '/a\nSet-Cookie: x=1' }],
    ['bad domain', 'a', 'v', { domain: 'exa mple.com' }],
    ['; in domain', 'a', 'v', { domain: 'example.com; Secure' }],
    ['unknown sameSite', 'a', 'v', { sameSite: 'Lax; Domain=evil.example' as 'Lax' }],
    ['fractional maxAge', 'a', 'v', { maxAge: 1.5 }],
    ['invalid date', 'a', 'v', { expires: new Date(Number.NaN) }],
  ] as [string, string, string, CookieOptions][])('throws InvalidInputError: %s', (_label, name, value, options) => {
    expect(() => serializeCookie(name, value, options)).toThrow(InvalidInputError);
  });

  it('property: serialize then parse round-trips arbitrary unicode values', () => {
    fc.assert(
      fc.property(cookieName, fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), (name, value) => {
        fc.pre(name !== 'other' && !name.startsWith('__Host-') && !name.startsWith('__Secure-'));
        const setCookie = serializeCookie(name, value);
        // A browser sends back only the name=value pair.
        const pair = setCookie.slice(0, setCookie.indexOf('; Path='));
        expect(parseCookies(`other=1; ${pair}; ${name}=shadowed`).get(name)).toBe(value);
      }),
    );
  });

  it('property: never produces a value that could split the header', () => {
    fc.assert(
      fc.property(cookieName, fc.string({ unit: 'binary' }), (name, value) => {
        fc.pre(!name.startsWith('__'));
        const pairValue = serializeCookie(name, value).split('; ')[0]!.slice(name.length + 1);
        expect(pairValue).toMatch(/^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/);
      }),
    );
  });
});
