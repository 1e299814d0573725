import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { checkJsonLimits, DEFAULT_JSON_LIMITS, type JsonLimitsResult } from '../../src/core/validate/json-limits.js';

function nest(levels: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? { k: value } : [value];
  return value;
}

function failed(result: JsonLimitsResult): Extract<JsonLimitsResult, { ok: false }> {
  if (result.ok) throw new Error('expected a failure');
  return result;
}

describe('checkJsonLimits', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_JSON_LIMITS).toEqual({ maxDepth: 10, maxKeys: 1000, maxStringLength: 100_000, maxArrayLength: 10_000 });
    expect(Object.isFrozen(DEFAULT_JSON_LIMITS)).toBe(true);
  });

  it('accepts primitives and ordinary documents', () => {
    for (const value of [null, 0, 'text', true, [], {}, { user: { name: 'Ann', tags: ['a', 'b'] } }]) {
      expect(checkJsonLimits(value)).toEqual({ ok: true });
    }
  });

  it('counts a top-level container as level 1: maxDepth levels pass, one more fails', () => {
    expect(checkJsonLimits(nest(10)).ok).toBe(true);
    const result = failed(checkJsonLimits(nest(11)));
    expect(result.limit).toBe('maxDepth');
    expect(result.path).toBe('$.k[0].k[0].k[0].k[0].k[0]');
    expect(checkJsonLimits(nest(3), { maxDepth: 3 }).ok).toBe(true);
    expect(failed(checkJsonLimits(nest(4), { maxDepth: 3 })).limit).toBe('maxDepth');
  });

  it('walks 200 000 levels without overflowing the stack', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(failed(checkJsonLimits(deep)).limit).toBe('maxDepth');
    expect(checkJsonLimits(deep, { maxDepth: 300_000 }).ok).toBe(true);
  });

  it('catches cycles as maxDepth, with the path of the back reference', () => {
    const value: { a: { b: unknown[] } } = { a: { b: [1, 2] } };
    value.a.b.push(value);
    const result = failed(checkJsonLimits(value));
    expect(result.limit).toBe('maxDepth');
    expect(result.path).toBe('$.a.b[2]');
  });

  it('counts object keys over the whole value', () => {
    const wide = { a: Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`k${i}`, i])), b: Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`k${i}`, i])) };
    expect(checkJsonLimits(wide).ok).toBe(false); // 2 + 600 + 400 keys
    expect(checkJsonLimits(wide, { maxKeys: 1002 }).ok).toBe(true);
    expect(failed(checkJsonLimits(wide)).limit).toBe('maxKeys');
  });

  it('limits string length, object keys included', () => {
    expect(checkJsonLimits('x'.repeat(100_000)).ok).toBe(true);
    expect(failed(checkJsonLimits({ list: ['ok', 'x'.repeat(100_001)] })).path).toBe('$.list[1]');
    const longKey = failed(checkJsonLimits({ inner: { ['k'.repeat(20)]: 1 } }, { maxStringLength: 10 }));
    expect(longKey.limit).toBe('maxStringLength');
    expect(longKey.path).toBe('$.inner');
  });

  it('limits array length', () => {
    expect(checkJsonLimits(new Array(10_000).fill(0)).ok).toBe(true);
    const result = failed(checkJsonLimits({ a: new Array(10_001).fill(0) }));
    expect(result).toMatchObject({ limit: 'maxArrayLength', path: '$.a' });
    expect(result.message).toContain('$.a');
  });

  it('quotes keys that are not identifiers in paths', () => {
    const result = failed(checkJsonLimits({ 'odd key': { 'x"y': 'z'.repeat(11) } }, { maxStringLength: 10 }));
    expect(result.path).toBe('$["odd key"]["x\\"y"]');
  });

  it('bounds the work on shared sub-objects (a DAG that would expand to 10^32 nodes)', () => {
    let value: unknown = [1];
    for (let i = 0; i < 8; i++) value = new Array(10_000).fill(value);
    expect(checkJsonLimits(value).ok).toBe(true);
    let keyed: unknown = { a: 1 };
    for (let i = 0; i < 12; i++) keyed = { x: keyed, y: keyed };
    expect(failed(checkJsonLimits(keyed, { maxDepth: 20 })).limit).toBe('maxKeys');
  });

  it('judges a shared sub-object by where it appears deepest', () => {
    const shared = nest(3);
    expect(checkJsonLimits({ a: shared, b: { c: shared } }, { maxDepth: 5 }).ok).toBe(true);
    const result = failed(checkJsonLimits({ a: shared, b: { c: { d: shared } } }, { maxDepth: 5 }));
    expect(result).toMatchObject({ limit: 'maxDepth', path: '$.b.c.d' });
  });

  it('validates the limits with ConfigurationError and typo hints', () => {
    expect(() => checkJsonLimits({}, { maxdepth: 3 } as never)).toThrow(/did you mean "maxDepth"/);
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity, '10']) {
      expect(() => checkJsonLimits({}, { maxKeys: bad as never })).toThrow(ConfigurationError);
    }
  });

  it('property: never throws, and agrees with a recursive reference on JSON values', () => {
    const reference = (value: unknown, depth: number, limits: typeof DEFAULT_JSON_LIMITS, keys: { n: number }): boolean => {
      if (typeof value === 'string') return value.length <= limits.maxStringLength;
      if (value === null || typeof value !== 'object') return true;
      if (depth + 1 > limits.maxDepth) return false;
      if (Array.isArray(value)) return value.length <= limits.maxArrayLength && value.every((item) => reference(item, depth + 1, limits, keys));
      const entries = Object.entries(value);
      keys.n += entries.length;
      if (keys.n > limits.maxKeys) return false;
      return entries.every(([k, v]) => k.length <= limits.maxStringLength && reference(v, depth + 1, limits, keys));
    };
    const limitsArb = fc.record({ maxDepth: fc.integer({ min: 1, max: 6 }), maxKeys: fc.integer({ min: 1, max: 30 }), maxStringLength: fc.integer({ min: 1, max: 8 }), maxArrayLength: fc.integer({ min: 1, max: 6 }) });
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), limitsArb, (value, limits) => {
        const result = checkJsonLimits(value, limits);
        expect(result.ok).toBe(reference(value, 0, limits, { n: 0 }));
        if (!result.ok) expect(result.path.startsWith('$')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
