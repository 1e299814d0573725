import { describe, expect, it } from 'vitest';
import { createNonce } from '../../src/core/headers/nonce.js';
import { fromRandomBytes } from '../../src/core/random/pool.js';
import { randomUuid } from '../../src/core/random/uuid.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('pooled random values', () => {
  it('randomUuid makes RFC 9562 version 4 UUIDs, each one different', () => {
    const ids = Array.from({ length: 2000 }, randomUuid);
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses every hex digit in the random positions (no stuck bits)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) for (const c of randomUuid().replace(/-/g, '').slice(13)) seen.add(c);
    expect(seen.size).toBe(16);
  });

  it('nonces and ids drawn from one pool never repeat, across several 4 KiB blocks', () => {
    const values = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      values.add(createNonce());
      values.add(randomUuid());
    }
    expect(values.size).toBe(2000);
  });

  it('never hands out the same bytes twice, even when a formatter throws, and wipes them after use', () => {
    let seen: Uint8Array | undefined;
    let where: [Uint8Array, number] | undefined;
    expect(() =>
      fromRandomBytes(16, (bytes, start) => {
        seen = bytes.slice(start, start + 16);
        where = [bytes, start];
        throw new Error('formatter failed');
      }),
    ).toThrow('formatter failed');
    expect([...where![0].subarray(where![1], where![1] + 16)]).toEqual(new Array(16).fill(0));
    const next = fromRandomBytes(16, (bytes, start) => bytes.slice(start, start + 16));
    expect(Buffer.from(next).equals(Buffer.from(seen!))).toBe(false);
    expect(() => fromRandomBytes(4097, () => 0)).toThrow(RangeError);
  });
});
