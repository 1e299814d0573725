/**
 * CSPRNG bytes for per-request values (CSP nonces, request ids), drawn from the platform's
 * `crypto.getRandomValues` in blocks of 4 KiB: one call per 256 values instead of one per request
 * (bench/headers.bench.ts measures the gain). Each byte is handed out once, then wiped.
 */

const BLOCK_BYTES = 4096;

let block = new Uint8Array(0);
let offset = 0;

/** Calls `format` with `count` fresh random bytes at `bytes[start]` and returns what it makes of them. */
export function fromRandomBytes<T>(count: number, format: (bytes: Uint8Array, start: number) => T): T {
  if (offset + count > block.length) {
    block = crypto.getRandomValues(new Uint8Array(BLOCK_BYTES));
    offset = 0;
  }
  const result = format(block, offset);
  block.fill(0, offset, offset + count);
  offset += count;
  return result;
}
