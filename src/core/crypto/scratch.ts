/** A reusable byte buffer for data that lives only within one synchronous call. Internal. */

/** Tokens up to this size reuse the buffer; larger ones get their own (and it is not kept). */
const MAX_KEPT_BYTES = 64 * 1024;

export class Scratch {
  #buffer = Buffer.allocUnsafe(1024);

  /** `length` bytes of uninitialized memory, valid until the next `take()` on this scratch. */
  take(length: number): Buffer {
    if (length > this.#buffer.length) {
      if (length > MAX_KEPT_BYTES) return Buffer.allocUnsafe(length);
      this.#buffer = Buffer.allocUnsafe(MAX_KEPT_BYTES);
    }
    return this.#buffer.subarray(0, length);
  }
}
