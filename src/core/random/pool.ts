/**
 * CSPRNG bytes for per-request values (CSP nonces, request ids), drawn from the platform's
 * `crypto.getRandomValues` in blocks of 4 KiB: one call per 256 values instead of one per request
 * (bench/headers.bench.ts measures the gain). Each byte is handed out once, then wiped. The block is
 * refilled in place, so `format` must copy what it keeps, never the array (every caller does).
 */

const BLOCK_BYTES = 4096;

const block = new Uint8Array(BLOCK_BYTES);
let offset = BLOCK_BYTES;

/** Calls `format` with `count` (at most 4096) fresh random bytes at `bytes[start]` and returns what it makes of them. */
export function fromRandomBytes<T>(count: number, format: (bytes: Uint8Array, start: number) => T): T {
  if (offset + count > BLOCK_BYTES) {
    if (count > BLOCK_BYTES) throw new RangeError(`random pool: at most ${BLOCK_BYTES} bytes at a time`);
    crypto.getRandomValues(block);
    offset = 0;
  }
  // Taken before `format` runs, so that bytes are never handed out twice even if it throws.
  const start = offset;
  offset += count;
  try {
    return format(block, start);
  } finally {
    // A loop, not `fill`: for 16 bytes the builtin's call costs more than the stores.
    for (let i = start; i < start + count; i++) block[i] = 0;
  }
}
