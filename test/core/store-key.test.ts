import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { isTaggedKey, MAX_KEY_LENGTH, storeKey, taggedKey, type KeyPart } from '../../src/core/store/index.js';

/** Redis Cluster's rule: the slot hashes what lies between the first '{' and the next '}', if non-empty. */
function hashTag(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open === -1) return undefined;
  const close = key.indexOf('}', open + 1);
  return close === -1 || close === open + 1 ? undefined : key.slice(open + 1, close);
}

const UNESCAPE: Record<string, string> = { '%25': '%', '%3A': ':', '%7B': '{', '%7D': '}', '%23': '#' };
const unescapePart = (part: string): string =>
  part.replace(/%(?:25|3A|7B|7D|23|u[0-9A-F]{4})/g, (m) => UNESCAPE[m] ?? String.fromCharCode(parseInt(m.slice(2), 16)));

/** Decodes a key back into namespace, tag and parts: if this always works, keys are injective. */
function decode(key: string): { namespace: string; tag?: string; parts: string[] } {
  const [namespace, ...rest] = key.split(':');
  const tagged = rest[0]?.startsWith('{') === true && rest[0].endsWith('}');
  const tag = tagged ? unescapePart(rest.shift()!.slice(1, -1)) : undefined;
  return { namespace: namespace!, ...(tag === undefined ? {} : { tag }), parts: rest.map(unescapePart) };
}

const unit = fc.oneof(
  fc.constantFrom('%', ':', '{', '}', '#', '%3A', '%u', '\uD800', '\uDC00', '😀', '\u0000', ' '),
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
);
const part: fc.Arbitrary<KeyPart> = fc.oneof(fc.string({ unit, maxLength: 12 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
const namespace = fc.stringMatching(/^[a-z][a-z0-9_-]{0,10}$/);
const nonEmptyTag = fc.oneof(fc.string({ unit, minLength: 1, maxLength: 12 }), fc.integer());

describe('storeKey and taggedKey', () => {
  it('property: storeKey decodes back to its namespace and parts, and carries no hash tag or "#"', () => {
    fc.assert(
      fc.property(namespace, fc.array(part, { maxLength: 5 }), (ns, parts) => {
        const key = storeKey(ns, ...parts);
        expect(decode(key)).toEqual({ namespace: ns, parts: parts.map(String) });
        expect(hashTag(key)).toBeUndefined();
        expect(/[{}#]/.test(key)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: taggedKey decodes back, and its Cluster hash tag is exactly its escaped tag', () => {
    fc.assert(
      fc.property(namespace, nonEmptyTag, fc.array(part, { maxLength: 4 }), fc.array(part, { maxLength: 4 }), (ns, tag, a, b) => {
        const first = taggedKey(ns, tag, ...a);
        const second = taggedKey(ns, tag, ...b);
        expect(decode(first)).toEqual({ namespace: ns, tag: String(tag), parts: a.map(String) });
        expect(unescapePart(hashTag(first)!)).toBe(String(tag));
        expect(hashTag(first)).toBe(hashTag(second)); // same tag, same slot, whatever the parts
        expect(first.split('{')).toHaveLength(2);
        expect(first.split('}')).toHaveLength(2);
        expect(first.includes('#')).toBe(false);
        expect(isTaggedKey(first)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: different inputs never give the same key', () => {
    const input = fc.record({ ns: namespace, tag: fc.option(nonEmptyTag, { nil: undefined }), parts: fc.array(part, { maxLength: 3 }) });
    const build = (i: { ns: string; tag: KeyPart | undefined; parts: KeyPart[] }): string =>
      i.tag === undefined ? storeKey(i.ns, ...i.parts) : taggedKey(i.ns, i.tag, ...i.parts);
    const normal = (i: { ns: string; tag: KeyPart | undefined; parts: KeyPart[] }): string =>
      JSON.stringify([i.ns, i.tag === undefined ? null : String(i.tag), i.parts.map(String)]);
    fc.assert(
      fc.property(input, input, (x, y) => {
        fc.pre(normal(x) !== normal(y));
        expect(build(x)).not.toBe(build(y));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps readable parts readable', () => {
    expect(storeKey('lockout', 'alice@example.com')).toBe('lockout:alice@example.com');
    expect(taggedKey('sessions', 'user:1', 'abc')).toBe('sessions:{user%3A1}:abc');
    expect(storeKey('ban', '2001:db8::/56')).toBe('ban:2001%3Adb8%3A%3A/56');
  });

  it('refuses bad namespaces, non-finite numbers, empty tags and overlong keys', () => {
    for (const ns of ['', 'Upper', '1abc', 'a:b', 'a{b', 'x'.repeat(33)]) {
      expect(() => storeKey(ns)).toThrow(InvalidInputError);
    }
    expect(() => storeKey('ns', Number.NaN)).toThrow(InvalidInputError);
    expect(() => storeKey('ns', Number.POSITIVE_INFINITY)).toThrow(InvalidInputError);
    expect(() => storeKey('ns', {} as string)).toThrow(InvalidInputError);
    expect(() => taggedKey('ns', '')).toThrow(InvalidInputError);
    expect(() => storeKey('ns', 'x'.repeat(MAX_KEY_LENGTH))).toThrow(InvalidInputError);
    expect(() => storeKey('ns', ':'.repeat(MAX_KEY_LENGTH / 3))).toThrow(InvalidInputError);
    expect(storeKey('ns', 'x'.repeat(MAX_KEY_LENGTH - 3))).toHaveLength(MAX_KEY_LENGTH);
  });

  it('isTaggedKey tells tagged keys from plain ones', () => {
    expect(isTaggedKey(taggedKey('a', 'b'))).toBe(true);
    expect(isTaggedKey(storeKey('a', '{b}'))).toBe(false);
    expect(isTaggedKey('a:{}')).toBe(false);
  });
});
