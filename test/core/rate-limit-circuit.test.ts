/**
 * The rate-limit circuit's second attempt (EVAL after NOSCRIPT): asked once per call, within the
 * same bound; a failed second attempt falls back and opens the circuit like any failure.
 */

import { describe, expect, it } from 'vitest';
import { CircuitCall, createCircuit } from '../../src/core/rate-limit/circuit.js';

class Probe extends CircuitCall<string> {
  declare readonly attempts: Array<() => Promise<unknown>>;
  declare retries: number;

  constructor(attempts: Array<() => Promise<unknown>>) {
    super();
    this.attempts = attempts;
    this.retries = 0;
  }

  start(): Promise<unknown> {
    return this.attempts[0]!();
  }

  answer(reply: unknown): string {
    return `answer:${String(reply)}`;
  }

  fallback(): string {
    return 'fallback';
  }

  override retry(error: unknown): Promise<unknown> | undefined {
    this.retries++;
    const next = this.attempts[this.retries];
    return (error as Error).message.startsWith('NOSCRIPT') && next !== undefined ? next() : undefined;
  }
}

function circuit() {
  const changes: boolean[] = [];
  return { changes, circuit: createCircuit({ timeoutMs: 10_000, breakerMs: 60_000, client: undefined, onChange: (open) => changes.push(open) }) };
}

const noScript = () => Promise.reject(new Error('NOSCRIPT No matching script'));

describe('rate-limit circuit: a second attempt', () => {
  it('answers from the second attempt after NOSCRIPT', async () => {
    const { circuit: c, changes } = circuit();
    const call = new Probe([noScript, async () => 'eval']);
    expect(await c.run(call)).toBe('answer:eval');
    expect(call.retries).toBe(1);
    expect(changes).toEqual([]);
  });

  it('is asked once: a second NOSCRIPT falls back and opens the circuit', async () => {
    const { circuit: c, changes } = circuit();
    const call = new Probe([noScript, noScript, async () => 'never']);
    expect(await c.run(call)).toBe('fallback');
    expect(call.retries).toBe(1);
    expect(changes).toEqual([true]);
    expect(c.open).toBe(true);
  });

  it('other failures fall back without a second attempt', async () => {
    const { circuit: c } = circuit();
    const call = new Probe([() => Promise.reject(new Error('ECONNRESET')), async () => 'never']);
    expect(await c.run(call)).toBe('fallback');
    expect(call.retries).toBe(1);
  });

  it('a throwing retry counts as a failure', async () => {
    const { circuit: c } = circuit();
    const call = new Probe([noScript]);
    call.retry = () => {
      throw new Error('boom');
    };
    expect(await c.run(call)).toBe('fallback');
  });

  it('many calls in flight each get their own answer', async () => {
    const { circuit: c } = circuit();
    const answers = await Promise.all(Array.from({ length: 3000 }, (_, i) => c.run(new Probe([async () => i]))));
    expect(answers).toEqual(Array.from({ length: 3000 }, (_, i) => `answer:${i}`));
  });
});
