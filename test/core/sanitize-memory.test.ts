/**
 * Memory stays flat: 100,000 sanitizations of a 2 KB document in one synchronous loop, on ONE jsdom
 * window (recycling switched off, the worst case), in a child process with --expose-gc. The heap
 * after GC may grow by less than 10 MB between call 1,000 and call 100,000.
 */

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The issue asks for 100,000; SANITIZE_MEMORY_CALLS lowers it for a quick local look. */
const CALLS = Number(process.env.SANITIZE_MEMORY_CALLS ?? 100_000);
const SANITIZE = new URL('../../src/core/sanitize/index.ts', import.meta.url).href;

const CHILD = `
const { createSanitizer } = await import(${JSON.stringify(SANITIZE)});
const prose = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ' +
  'Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. ';
const head = '<p>Thanks for the <b>write-up</b>! See <a href="https://example.com/post?id=42" onclick="steal()">this</a>.' +
  '<img src=x onerror=alert(1)><script>alert(document.cookie)</script></p><p>';
const doc = (head + prose.repeat(Math.ceil(2048 / prose.length))).slice(0, 2048 - 4) + '</p>';
const sanitizer = createSanitizer({ recycleAfterCalls: 1e9, recycleAfterHeapGrowthBytes: 2 ** 40 });
const heap = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed; };
const samples = {};
const started = performance.now();
let checksum = 0;
for (let call = 1; call <= ${CALLS}; call++) {
  checksum += sanitizer.sanitize(doc).length;
  if (call === 1000 || call % 20000 === 0 || call === ${CALLS}) samples[call] = heap();
}
process.stdout.write(JSON.stringify({ bytes: Buffer.byteLength(doc), samples, checksum, stats: sanitizer.stats(), ms: performance.now() - started }));
`;

function runChild(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--max-semi-space-size=32', '--import', 'tsx', '--input-type=module', '-e', CHILD], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 1_150_000,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

describe('sanitizer memory', () => {
  it(`heap after GC grows < 10 MB between call 1,000 and call ${CALLS.toLocaleString('en-US')} on one window`, async () => {
    const result = JSON.parse(await runChild()) as { bytes: number; samples: Record<string, number>; stats: { windowsCreated: number }; ms: number };
    const mb = (bytes: number) => (bytes / 1_048_576).toFixed(2);
    const growth = result.samples[CALLS]! - result.samples[1000]!;
    console.log(
      `memory: ${result.bytes} B document x ${CALLS} calls in ${(result.ms / 1000).toFixed(1)} s, ${result.stats.windowsCreated} window(s); heap after GC (MB): ` +
        Object.entries(result.samples).map(([call, bytes]) => `${call}: ${mb(bytes)}`).join(', ') +
        `; growth 1,000 -> ${CALLS}: ${mb(growth)} MB`,
    );
    expect(result.bytes).toBe(2048);
    expect(result.stats.windowsCreated).toBe(1);
    expect(growth).toBeLessThan(10 * 1_048_576);
  }, 1_200_000);
});
