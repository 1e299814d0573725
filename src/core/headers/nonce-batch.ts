/**
 * The policies that carry a nonce, rendered for several responses at a time.
 *
 * Each response still gets its own nonce (16 fresh CSPRNG bytes, used once, never shared). What is
 * shared is the string building: the policies' fixed text is laid out as bytes once, a batch writes
 * only the nonces into their places and decodes all its responses in one call, and a response takes
 * its policies and nonce as slices of that text (no copy). Joining the nonce into each policy per
 * response, with a string made for the nonce first, cost a tenth of the whole header step, more than
 * any other part bulwark controls (bench/headers.bench.ts).
 */

import type { ResponseHeaders } from '../http/response-headers.js';
import { fromRandomBytes } from '../random/pool.js';
import { NONCE_BYTES, NONCE_CHARS, writeNonce } from './nonce.js';

/**
 * Responses per batch. Enough to make the per-batch work small per response; few enough that a
 * response kept open for long (a stream) holds on to little text beyond its own.
 */
const BATCH = 16;
const PREFIX = "'nonce-";
/** Stands for a nonce in the layout, with the `==` every real one ends with; the same length. */
const PLACEHOLDER = `${PREFIX}${'A'.repeat(NONCE_CHARS - 2)}=='`;

export interface NoncePolicy {
  readonly name: string;
  /** The policy text split where the nonce source goes (at least two parts). */
  readonly parts: readonly string[];
}

export class NonceBatch {
  readonly #names: readonly string[];
  /** Length in characters of each policy as sent. */
  readonly #lengths: readonly number[];
  /** Characters of one response's policies, back to back. */
  readonly #recordChars: number;
  /** Where, in a response's characters, the first nonce starts. */
  readonly #nonceAt: number;
  /** Byte offsets of every nonce in one response's bytes (UTF-8: equal to characters only for ASCII). */
  readonly #slots: readonly number[];
  readonly #recordBytes: number;
  /** BATCH responses' bytes; the fixed text is written once, the nonces per batch. */
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  #text = '';
  #next = BATCH;

  constructor(policies: readonly NoncePolicy[]) {
    const encoder = new TextEncoder();
    const chunks: Uint8Array[] = [];
    const slots: number[] = [];
    let bytes = 0;
    const add = (text: string): void => {
      const chunk = encoder.encode(text);
      chunks.push(chunk);
      bytes += chunk.length;
    };
    for (const { parts } of policies) {
      parts.forEach((part, i) => {
        if (i > 0) {
          slots.push(bytes + PREFIX.length);
          add(PLACEHOLDER);
        }
        add(part);
      });
    }
    const first = policies[0]!.parts[0]!;
    this.#names = policies.map((p) => p.name);
    this.#lengths = policies.map((p) => p.parts.join(PLACEHOLDER).length);
    this.#recordChars = this.#lengths.reduce((a, b) => a + b, 0);
    this.#nonceAt = first.length + PREFIX.length;
    this.#slots = slots;
    this.#recordBytes = bytes;
    this.#bytes = new Uint8Array(bytes * BATCH);
    this.#view = new DataView(this.#bytes.buffer);
    for (let r = 0; r < BATCH; r++) {
      let at = r * bytes;
      for (const chunk of chunks) {
        this.#bytes.set(chunk, at);
        at += chunk.length;
      }
    }
  }

  /** Sets this response's policies on `target`; returns its nonce. */
  next(target: ResponseHeaders): string {
    if (this.#next === BATCH) this.#refill();
    const text = this.#text;
    const start = this.#next++ * this.#recordChars;
    let at = start;
    for (let i = 0; i < this.#names.length; i++) {
      const end = at + this.#lengths[i]!;
      target.setTrusted(this.#names[i]!, text.slice(at, end));
      at = end;
    }
    return text.slice(start + this.#nonceAt, start + this.#nonceAt + NONCE_CHARS);
  }

  #refill(): void {
    const view = this.#view;
    const slots = this.#slots;
    const recordBytes = this.#recordBytes;
    fromRandomBytes(NONCE_BYTES * BATCH, (random, start) => {
      for (let r = 0; r < BATCH; r++) {
        for (const slot of slots) writeNonce(random, start + r * NONCE_BYTES, view, r * recordBytes + slot);
      }
    });
    // The bytes keep no more than `#text` does until the next batch, so they are not wiped.
    this.#text = this.#decoder.decode(this.#bytes);
    this.#next = 0;
  }
}
