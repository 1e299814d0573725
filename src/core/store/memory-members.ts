/** Ordering of capped-collection members in the memory store, identical to a Redis sorted set. */

export interface MemoryMember {
  score: number;
  expiresAt: number;
  value: string | undefined;
}

// Code point order (the order of UTF-8 bytes, as Redis compares): surrogates move above U+FFFF's neighbours.
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/** Compares two ids in code point order, which equals the byte order of their UTF-8 encodings. */
export function compareIds(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Lowest score first; equal scores by id, as ZRANGE orders them. */
export function compareMembers(a: readonly [string, MemoryMember], b: readonly [string, MemoryMember]): number {
  return a[1].score - b[1].score || compareIds(a[0], b[0]);
}
