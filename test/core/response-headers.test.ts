/** ResponseHeaders: the trusted fast paths behave like a plain `Headers` holding the same values. */
import { describe, expect, it } from 'vitest';
import { ResponseHeaders, SharedHeaders } from '../../src/core/http/response-headers.js';

const base = new SharedHeaders([
  ['x-frame-options', 'DENY'],
  ['x-content-type-options', 'nosniff'],
]);

function raw(headers: ResponseHeaders): [string, string | string[], unknown][] {
  const seen: [string, string | string[], unknown][] = [];
  headers.forEachRaw((name, value, target) => seen.push([name, value, target]), 'target');
  return seen;
}

describe('ResponseHeaders', () => {
  it('reads through to the shared base and writes own values beside it', () => {
    const headers = new ResponseHeaders();
    headers.setTrusted('x-request-id', 'a');
    headers.setTrustedBase(base);
    headers.setTrusted('content-security-policy', "default-src 'self'");
    expect(headers.get('X-Frame-Options')).toBe('DENY');
    expect(headers.has('x-request-id')).toBe(true);
    expect([...headers]).toEqual([
      ['content-security-policy', "default-src 'self'"],
      ['x-content-type-options', 'nosniff'],
      ['x-frame-options', 'DENY'],
      ['x-request-id', 'a'],
    ]);
    expect(raw(headers)).toEqual([
      ['x-frame-options', 'DENY', 'target'],
      ['x-content-type-options', 'nosniff', 'target'],
      ['x-request-id', 'a', 'target'],
      ['content-security-policy', "default-src 'self'", 'target'],
    ]);
  });

  it('lets the base replace own values of the same name, and own writes replace base values without changing the base', () => {
    const headers = new ResponseHeaders();
    headers.setTrusted('x-frame-options', 'SAMEORIGIN');
    headers.setTrustedBase(base);
    expect(headers.get('x-frame-options')).toBe('DENY');
    headers.set('X-Frame-Options', 'SAMEORIGIN');
    headers.delete('x-content-type-options');
    expect([...headers]).toEqual([['x-frame-options', 'SAMEORIGIN']]);
    expect(base.get('x-frame-options')).toBe('DENY');
    expect(base.get('x-content-type-options')).toBe('nosniff');

    const other = new ResponseHeaders();
    other.setTrustedBase(base);
    expect(other.get('x-frame-options')).toBe('DENY');
  });

  it('keeps own values in order through set, append and delete', () => {
    const headers = new ResponseHeaders();
    headers.set('a', '1');
    headers.set('b', '2');
    headers.set('c', '3');
    headers.append('b', '4');
    headers.delete('a');
    headers.set('c', '5');
    expect(raw(headers).map(([name, value]) => [name, value])).toEqual([
      ['b', '2, 4'],
      ['c', '5'],
    ]);
    expect(headers.get('a')).toBeNull();
    expect(headers.has('a')).toBe(false);
  });

  it('keeps set-cookie as a list, made only when a cookie is set', () => {
    const headers = new ResponseHeaders();
    expect(headers.getSetCookie()).toEqual([]);
    expect(headers.has('set-cookie')).toBe(false);
    expect(headers.get('set-cookie')).toBeNull();
    expect(raw(headers)).toEqual([]);
    headers.append('Set-Cookie', 'a=1');
    headers.append('set-cookie', 'b=2');
    expect(headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(headers.get('set-cookie')).toBe('a=1, b=2');
    expect([...headers]).toEqual([
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);
    expect(raw(headers)).toEqual([['set-cookie', ['a=1', 'b=2'], 'target']]);
    headers.set('set-cookie', 'c=3');
    expect(headers.getSetCookie()).toEqual(['c=3']);
    headers.delete('set-cookie');
    expect(headers.has('set-cookie')).toBe(false);
    expect(headers.getSetCookie()).toEqual([]);
  });
});
