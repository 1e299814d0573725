import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { formatIp, normalizeIp, parseCidr, parseIp, rangeContains, subnetKey, type IpAddress } from '../../src/core/http/ip.js';

const v4 = (bytes: Uint8Array): IpAddress => ({ version: 4, bytes });
const v6 = (bytes: Uint8Array): IpAddress => ({ version: 6, bytes });
const isMapped = (b: Uint8Array): boolean => b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;

/** Node's own canonical IPv6 text (WHATWG URL host serializer), without the brackets. */
const nodeCanonical = (text: string): string => new URL(`http://[${text}]`).hostname.slice(1, -1);

const bytes4 = fc.uint8Array({ minLength: 4, maxLength: 4 });
// Groups biased towards zero so that zero runs (and their compression) are common.
const groups8 = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 });
const groupsToBytes = (groups: number[]): Uint8Array => new Uint8Array(groups.flatMap((g) => [g >> 8, g & 0xff]));
const bytes16 = groups8.map(groupsToBytes);

/** A random (non-canonical) spelling of the same IPv6 address: padding, case, optional `::`. */
const v6Spelling = groups8.chain((groups) =>
  fc
    .record({
      pads: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 8, maxLength: 8 }),
      upper: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      compress: fc.nat(7),
    })
    .map(({ pads, upper, compress }) => {
      const hex = groups.map((g, i) => {
        const text = g.toString(16).padStart(Math.min(4, g.toString(16).length + pads[i]!), '0');
        return upper[i] ? text.toUpperCase() : text;
      });
      let end = compress;
      while (end < 8 && groups[end] === 0) end++;
      const text = end > compress ? `${hex.slice(0, compress).join(':')}::${hex.slice(end).join(':')}` : hex.join(':');
      return { text, bytes: groupsToBytes(groups) };
    }),
);

describe('parseIp / formatIp', () => {
  it('parses and formats common addresses', () => {
    expect(parseIp('192.0.2.1')).toEqual(v4(new Uint8Array([192, 0, 2, 1])));
    expect(normalizeIp('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(normalizeIp('2001:db8:0:1:0:0:0:1')).toBe('2001:db8:0:1::1');
    expect(normalizeIp('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1'); // first of two equal runs
    expect(normalizeIp('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // a single zero is not compressed
    expect(normalizeIp('::')).toBe('::');
    expect(normalizeIp('::1')).toBe('::1');
    expect(normalizeIp('1::')).toBe('1::');
    expect(normalizeIp('1:2:3:4:5:6:7::')).toBe('1:2:3:4:5:6:7:0');
  });

  it('unwraps IPv4-mapped IPv6 in every spelling', () => {
    expect(parseIp('::ffff:1.2.3.4')).toEqual(v4(new Uint8Array([1, 2, 3, 4])));
    expect(normalizeIp('::FFFF:102:304')).toBe('1.2.3.4');
    expect(normalizeIp('[::ffff:10.0.0.1]')).toBe('10.0.0.1');
    expect(normalizeIp('0:0:0:0:0:ffff:7f00:1')).toBe('127.0.0.1');
    // IPv4-translated (::ffff:0:a.b.c.d) is a different, IPv6 address.
    expect(parseIp('::ffff:0:1.2.3.4')?.version).toBe(6);
  });

  it('accepts brackets, zone ids and surrounding whitespace', () => {
    expect(normalizeIp('[2001:db8::1]')).toBe('2001:db8::1');
    expect(normalizeIp('fe80::1%eth0')).toBe('fe80::1');
    expect(normalizeIp('[fe80::1%25en0]')).toBe('fe80::1');
    expect(normalizeIp(' 10.1.2.3 ')).toBe('10.1.2.3');
  });

  it.each([
    '', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.04', '00.0.0.0', '256.0.0.1', '1.2.3.-1', '0x7f.0.0.1', '1..2.3',
    '1.2.3.4%eth0', ':', ':::', '1:::2', '1::2::3', ':1::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '1::2:3:4:5:6:7:8',
    '12345::', 'g::1', '1.2.3.4::', 'ffff:1.2.3.4::', '::1.2.3', '::01.2.3.4', 'fe80::1%', '[::1', '::1]', '[[::1]]',
    'localhost', '1.2.3.4/8', `${'0:'.repeat(7)}0%${'x'.repeat(60)}`, `${' '.repeat(61)}1.2.3.4`,
  ])('rejects %j', (text) => {
    expect(parseIp(text)).toBeUndefined();
    expect(normalizeIp(text)).toBeUndefined();
  });

  it('rejects non-strings without throwing', () => {
    expect(parseIp(undefined as unknown as string)).toBeUndefined();
    expect(parseIp(1234 as unknown as string)).toBeUndefined();
  });

  it('property: any IPv4 formats as Node does and re-parses to the same bytes', () => {
    fc.assert(
      fc.property(bytes4, (bytes) => {
        const text = formatIp(v4(bytes));
        expect(isIP(text)).toBe(4);
        expect(parseIp(text)).toEqual(v4(bytes));
      }),
    );
  });

  it('property: any IPv6 formats as Node does and re-parses to the same bytes', () => {
    fc.assert(
      fc.property(bytes16, (bytes) => {
        fc.pre(!isMapped(bytes));
        const text = formatIp(v6(bytes));
        expect(text).toBe(nodeCanonical(text));
        expect(isIP(text)).toBe(6);
        expect(parseIp(text)).toEqual(v6(bytes));
      }),
    );
  });

  it('property: any spelling of an IPv6 address normalizes to Node\'s canonical form', () => {
    fc.assert(
      fc.property(v6Spelling, ({ text, bytes }) => {
        fc.pre(!isMapped(bytes));
        expect(normalizeIp(text)).toBe(nodeCanonical(text));
        expect(parseIp(`[${text}]`)?.bytes).toEqual(bytes);
      }),
    );
  });

  it('property: IPv4-mapped addresses unwrap to the IPv4 address', () => {
    fc.assert(
      fc.property(bytes4, fc.boolean(), (bytes, dotted) => {
        const tail = dotted ? bytes.join('.') : `${((bytes[0]! << 8) | bytes[1]!).toString(16)}:${((bytes[2]! << 8) | bytes[3]!).toString(16)}`;
        expect(parseIp(`::ffff:${tail}`)).toEqual(v4(bytes));
      }),
    );
  });

  it('property: agrees with node:net isIP on address-like strings', () => {
    const part = fc.oneof(
      fc.constantFrom('', '0', '1', 'ffff', 'FFFF', '00000', '1.2.3.4', '01.2.3.4', 'g', '255.255.255.255', '256.1.1.1'),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), maxLength: 5 }),
    );
    const text = fc
      .array(fc.tuple(part, fc.constantFrom(':', '::', '.', '')), { maxLength: 10 })
      .map((items) => items.map(([p, s]) => p + s).join(''));
    fc.assert(
      fc.property(text, (s) => {
        expect(parseIp(s) !== undefined).toBe(isIP(s) !== 0);
      }),
      { numRuns: 5000 },
    );
  });

  it('property: arbitrary strings never throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 })), (s) => {
        const ip = parseIp(s);
        if (ip) expect(parseIp(formatIp(ip))).toEqual(ip);
        parseCidr(s);
        subnetKey(s);
      }),
    );
  });
});

describe('parseCidr / rangeContains', () => {
  it('parses ranges and masks the base address', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ version: 4, bytes: new Uint8Array([10, 0, 0, 0]), prefix: 8 });
    expect(parseCidr('2001:db8::/32')?.prefix).toBe(32);
    expect(parseCidr('192.0.2.7')?.prefix).toBe(32);
    expect(parseCidr('::1')?.prefix).toBe(128);
    // An IPv4-mapped range becomes the IPv4 range.
    expect(parseCidr('::ffff:10.0.0.0/104')).toEqual({ version: 4, bytes: new Uint8Array([10, 0, 0, 0]), prefix: 8 });
  });

  it.each(['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/8/8', '10.0.0.0/1e1', 'x/8', '::ffff:10.0.0.0/64', ''])(
    'rejects %j',
    (text) => expect(parseCidr(text)).toBeUndefined(),
  );

  it('matches by prefix and by version', () => {
    const range = parseCidr('172.16.0.0/12')!;
    expect(rangeContains(range, parseIp('172.31.255.255')!)).toBe(true);
    expect(rangeContains(range, parseIp('172.32.0.0')!)).toBe(false);
    expect(rangeContains(range, parseIp('::ffff:172.16.0.1')!)).toBe(true);
    expect(rangeContains(parseCidr('::/0')!, parseIp('1.2.3.4')!)).toBe(false);
    expect(rangeContains(parseCidr('0.0.0.0/0')!, parseIp('1.2.3.4')!)).toBe(true);
  });

  for (const [version, bits, arb] of [[4, 32, bytes4], [6, 128, bytes16]] as const) {
    it(`property: an IPv${version} range contains its base and rejects addresses outside it`, () => {
      fc.assert(
        fc.property(arb, fc.integer({ min: 0, max: bits }), fc.nat(bits - 1), (bytes, prefix, bit) => {
          fc.pre(version === 4 || !isMapped(bytes));
          const ip: IpAddress = { version, bytes };
          const range = parseCidr(`${formatIp(ip)}/${prefix}`)!;
          expect(range).toBeDefined();
          expect(rangeContains(range, ip)).toBe(true);
          const other = parseIp(formatIp({ version, bytes: flip(bytes, bit) }))!;
          fc.pre(other.version === version);
          expect(rangeContains(range, other)).toBe(bit >= prefix);
        }),
      );
    });
  }
});

describe('subnetKey', () => {
  it('keys IPv6 by /56 and IPv4 by address by default', () => {
    expect(subnetKey('2001:db8:aa:bbcc:1:2:3:4')).toBe('2001:db8:aa:bb00::/56');
    expect(subnetKey('2001:db8:aa:bbcc::', { ipv6Prefix: 64 })).toBe('2001:db8:aa:bbcc::/64');
    expect(subnetKey('203.0.113.9')).toBe('203.0.113.9/32');
    expect(subnetKey('::ffff:203.0.113.9', { ipv4Prefix: 24 })).toBe('203.0.113.0/24');
    expect(subnetKey('not an ip')).toBeUndefined();
  });

  it('rejects impossible prefixes with a ConfigurationError', () => {
    expect(() => subnetKey('::1', { ipv6Prefix: 129 })).toThrow(ConfigurationError);
    expect(() => subnetKey('1.2.3.4', { ipv4Prefix: 8.5 })).toThrow(/integer from 0 to 32/);
  });

  it('property: two addresses in one /56 share a key; different /56s do not', () => {
    fc.assert(
      fc.property(bytes16, fc.uint8Array({ minLength: 9, maxLength: 9 }), fc.nat(55), (bytes, rest, bit) => {
        const same = bytes.slice();
        same.set(rest, 7);
        const other = flip(bytes, bit);
        fc.pre([bytes, same, other].every((b) => !isMapped(b)));
        const key = subnetKey(formatIp(v6(bytes)));
        expect(subnetKey(formatIp(v6(same)))).toBe(key);
        expect(subnetKey(formatIp(v6(other)))).not.toBe(key);
      }),
    );
  });
});

function flip(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  copy[bit >> 3]! ^= 0x80 >> (bit & 7);
  return copy;
}
