import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  forwardedNodeAddress,
  MAX_FORWARDED_HOPS,
  parseForwarded,
  parseForwardedList,
  type ForwardedElement,
} from '../../src/core/http/forwarded.js';

describe('parseForwarded: RFC 7239 examples', () => {
  it('parses a quoted IPv6 node with a port', () => {
    expect(parseForwarded('For="[2001:db8:cafe::17]:4711"')).toEqual([{ for: '[2001:db8:cafe::17]:4711' }]);
  });

  it('parses parameters of one element and names case-insensitively', () => {
    expect(parseForwarded('for=192.0.2.60;proto=http;by=203.0.113.43')).toEqual([
      { for: '192.0.2.60', proto: 'http', by: '203.0.113.43' },
    ]);
    expect(parseForwarded('FOR=192.0.2.60;Proto=HTTPS;hOsT=example.com')).toEqual([
      { for: '192.0.2.60', proto: 'HTTPS', host: 'example.com' },
    ]);
  });

  it('parses multiple elements left to right, with optional whitespace around separators', () => {
    expect(parseForwarded('for=192.0.2.43, for=198.51.100.17')).toEqual([{ for: '192.0.2.43' }, { for: '198.51.100.17' }]);
    expect(parseForwarded('for=192.0.2.43,for="[2001:db8:cafe::17]", for=unknown')).toEqual([
      { for: '192.0.2.43' },
      { for: '[2001:db8:cafe::17]' },
      { for: 'unknown' },
    ]);
    expect(parseForwarded('for=a ;\tproto=https ,for=b')).toEqual([{ for: 'a', proto: 'https' }, { for: 'b' }]);
  });

  it('keeps obfuscated identifiers and unknown as written', () => {
    expect(parseForwarded('for=_hidden, for=_SEVKISEK')).toEqual([{ for: '_hidden' }, { for: '_SEVKISEK' }]);
    expect(parseForwarded('for="_gazonk"')).toEqual([{ for: '_gazonk' }]);
    expect(parseForwarded('for=unknown;by=unknown')).toEqual([{ for: 'unknown', by: 'unknown' }]);
  });

  it('keeps a parameter named __proto__ as data', () => {
    const [element] = parseForwarded('__proto__=x;for=1.2.3.4')!;
    expect(Object.keys(element!)).toEqual(['__proto__', 'for']);
    expect(element!['__proto__']).toBe('x');
    expect(parseForwarded('__proto__=a;__proto__=b')).toBeUndefined();
  });

  it('unescapes quoted-pairs and accepts an empty quoted value', () => {
    expect(parseForwarded('host="a\\"b\\\\c"')).toEqual([{ host: 'a"b\\c' }]);
    expect(parseForwarded('host=""')).toEqual([{ host: '' }]);
  });
});

describe('parseForwarded: malformed values', () => {
  it.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['duplicate parameter', 'for=a;for=b'],
    ['duplicate parameter, different case', 'for=a;FOR=b'],
    ['unterminated quote', 'for="[2001:db8::1]'],
    ['escape at end', 'for="abc\\'],
    ['unquoted IPv6', 'for=[2001:db8::1]'],
    ['missing value', 'for='],
    ['missing name', '=1.2.3.4'],
    ['no equals sign', 'for'],
    ['space before =', 'for =1.2.3.4'],
    ['space after =', 'for= 1.2.3.4'],
    ['bad separator', 'for=a:b'],
    ['text after a quoted value', 'for="a"b'],
    ['trailing comma', 'for=a,'],
    ['trailing semicolon', 'for=a;'],
    ['double comma', 'for=a,,for=b'],
    ['slash in token', 'for=a/b'],
  ])('%s -> undefined', (_label, value) => {
    expect(parseForwarded(value)).toBeUndefined();
  });

  it(`accepts ${MAX_FORWARDED_HOPS} elements and rejects more`, () => {
    const hops = (n: number): string => Array.from({ length: n }, (_, i) => `for=10.0.0.${i % 250}`).join(', ');
    expect(parseForwarded(hops(MAX_FORWARDED_HOPS))).toHaveLength(MAX_FORWARDED_HOPS);
    expect(parseForwarded(hops(MAX_FORWARDED_HOPS + 1))).toBeUndefined();
    expect(parseForwarded(hops(10_000))).toBeUndefined();
  });
});

describe('forwardedNodeAddress', () => {
  it.each([
    ['[2001:db8:cafe::17]:4711', '2001:db8:cafe::17'],
    ['[2001:db8:cafe::17]', '2001:db8:cafe::17'],
    ['192.0.2.43:8080', '192.0.2.43'],
    ['192.0.2.43', '192.0.2.43'],
    ['2001:db8::1', '2001:db8::1'], // bare IPv6 is unambiguous: left alone
    ['_hidden', '_hidden'],
    ['_hidden:_port', '_hidden'],
    ['unknown', 'unknown'],
    ['[2001:db8::1', '[2001:db8::1'], // no closing bracket: returned as is, and not an IP
  ])('%j -> %j', (node, address) => {
    expect(forwardedNodeAddress(node)).toBe(address);
  });
});

describe('parseForwardedList', () => {
  it('splits and trims', () => {
    expect(parseForwardedList('203.0.113.195, 70.41.3.18,150.172.238.178')).toEqual([
      '203.0.113.195',
      '70.41.3.18',
      '150.172.238.178',
    ]);
    expect(parseForwardedList('a,,b')).toEqual(['a', '', 'b']);
    expect(parseForwardedList('')).toEqual(['']);
  });

  it(`keeps ${MAX_FORWARDED_HOPS} entries and rejects more`, () => {
    expect(parseForwardedList(Array(MAX_FORWARDED_HOPS).fill('1.1.1.1').join(','))).toHaveLength(MAX_FORWARDED_HOPS);
    expect(parseForwardedList(Array(MAX_FORWARDED_HOPS + 1).fill('1.1.1.1').join(','))).toBeUndefined();
    expect(parseForwardedList(','.repeat(100_000))).toBeUndefined();
  });
});

describe('properties', () => {
  const TOKEN_CHARS = "!#$%&'*+.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-";
  const token = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 12 });
  const name = fc.oneof(fc.constantFrom('for', 'by', 'proto', 'host'), token.map((t) => t.toLowerCase()));
  const value = fc.oneof(token, fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 10 }));
  const element = fc.dictionary(name, value, { minKeys: 1, maxKeys: 5 }).map((record) => ({ ...record }));
  const elements = fc.array(element, { minLength: 1, maxLength: MAX_FORWARDED_HOPS });

  const quote = (v: string): string => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  const serialize = (list: ForwardedElement[], quoteAll: boolean, space: string): string =>
    list
      .map((e) =>
        Object.entries(e)
          .map(([k, v]) => `${k}=${!quoteAll && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(v) ? v : quote(v)}`)
          .join(`${space};`),
      )
      .join(`,${space}`);

  it('serialized element lists parse back to the same elements', () => {
    fc.assert(
      fc.property(elements, fc.boolean(), fc.constantFrom('', ' ', '\t '), (list, quoteAll, space) => {
        expect(parseForwarded(serialize(list, quoteAll, space))).toEqual(list);
      }),
    );
  });

  it('arbitrary strings never throw', () => {
    const forwardedish = fc
      .array(fc.oneof(token, fc.constantFrom('=', ';', ',', '"', '\\', ' ', '[', ']', ':', 'for')), { maxLength: 40 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), forwardedish), (s) => {
        const parsed = parseForwarded(s);
        if (parsed) {
          expect(parsed.length).toBeGreaterThan(0);
          expect(parsed.length).toBeLessThanOrEqual(MAX_FORWARDED_HOPS);
          for (const e of parsed) for (const v of Object.values(e)) forwardedNodeAddress(v);
        }
        const list = parseForwardedList(s);
        if (list) expect(list.length).toBeLessThanOrEqual(MAX_FORWARDED_HOPS);
      }),
      { numRuns: 2000 },
    );
  });
});
