import { describe, expect, it } from 'vitest';
import { createNonce } from '../../src/core/headers/nonce.js';
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
});
