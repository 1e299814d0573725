/**
 * Validators, bulwark vs valibot's built-in regex actions, in one process (mitata).
 *
 * Both sides run through `v.safeParse` on the same inputs, so valibot's own overhead is paid alike.
 * The two do different amounts of work: valibot's `email()` and `url()` are a single regex
 * and a `new URL` call. bulwark adds normalization (NFC, IDN to ASCII), length limits, suspicious-pattern
 * and internal-host checks. The ratio shows what that extra safety costs. There is no
 * speed target. Time is this process's CPU time, and the pairs are measured interleaved over
 * several rounds, with the median reported.
 */

import { measure } from 'mitata';
import * as v from 'valibot';
import { checkJsonLimits } from '../src/core/validate/json-limits.js';
import { safeEmail, safeFilename, safeUrl } from '../src/core/validate/schemas.js';
import { median, printResult, ratioOf, type BenchResult, type BenchRow } from './support/report.js';

interface Case {
  id: string;
  label: string;
  work: () => unknown;
}

// A mix of typical form input, mostly valid.
const EMAILS = ['ann.lee@example.com', 'Bob+news@Mail.Example.ORG', 'zoe_92@sub.domain.co.uk', 'not-an-email', 'user@bücher.example', 'x@y.io'];
const URLS = ['https://example.com/', 'https://www.example.org/blog/2024/05/a-post?ref=home#comments', 'http://example.net/path/to/page.html', 'javascript:alert(1)', 'https://user:pw@example.com/', 'https://bücher.example/'];
const FILENAMES = ['report-2024.pdf', 'C:\\Users\\ann\\photo.jpg', 'holiday photo 1.jpeg', '../../etc/passwd', 'CON.txt', 'notes.txt'];
const DOCUMENT = JSON.parse(JSON.stringify({
  user: { name: 'Ann Lee', email: 'ann@example.com', roles: ['editor', 'viewer'], address: { street: '1 Main St', city: 'Springfield', zip: '12345' } },
  items: Array.from({ length: 20 }, (_, i) => ({ id: i, title: `Item ${i}`, tags: ['a', 'b'], price: i * 1.5 })),
})) as unknown;

const bulwarkEmail = safeEmail();
const valibotEmail = v.pipe(v.string(), v.email());
const bulwarkUrl = safeUrl();
const valibotUrl = v.pipe(v.string(), v.url());
const bulwarkFilename = safeFilename();

function cycling(inputs: readonly string[], schema: v.GenericSchema): () => unknown {
  let i = 0;
  return () => v.safeParse(schema, inputs[i++ % inputs.length]);
}

const GROUPS: Case[][] = [
  [
    { id: 'email.bulwark', label: 'safeEmail() via v.safeParse (6 mixed addresses)', work: cycling(EMAILS, bulwarkEmail) },
    { id: 'email.valibot', label: 'v.email() via v.safeParse (same addresses)', work: cycling(EMAILS, valibotEmail) },
  ],
  [
    { id: 'url.bulwark', label: 'safeUrl() via v.safeParse (6 mixed URLs)', work: cycling(URLS, bulwarkUrl) },
    { id: 'url.valibot', label: 'v.url() via v.safeParse (same URLs)', work: cycling(URLS, valibotUrl) },
  ],
  [
    { id: 'filename.bulwark', label: 'safeFilename() via v.safeParse (6 mixed names)', work: cycling(FILENAMES, bulwarkFilename) },
    { id: 'json.bulwark', label: 'checkJsonLimits() on a 1.7 KB parsed document', work: () => checkJsonLimits(DOCUMENT) },
    { id: 'json.stringify', label: 'JSON.stringify() of the same document (a walk of the same size)', work: () => JSON.stringify(DOCUMENT) },
  ],
];

/** Fails loudly if a case does not do the work it claims. */
function check(): void {
  const accepted = (schema: v.GenericSchema, inputs: readonly string[]): number => inputs.filter((input) => v.safeParse(schema, input).success).length;
  if (accepted(bulwarkEmail, EMAILS) !== 5 || accepted(valibotEmail, EMAILS) < 4) throw new Error('bench setup: e-mail cases');
  if (accepted(bulwarkUrl, URLS) !== 4 || accepted(valibotUrl, URLS) < 4) throw new Error('bench setup: URL cases');
  if (accepted(bulwarkFilename, FILENAMES) !== 4) throw new Error('bench setup: file-name cases');
  if (!checkJsonLimits(DOCUMENT).ok) throw new Error('bench setup: JSON document');
}

function cpuNow(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

async function measureGroup(cases: readonly Case[], rounds: number): Promise<BenchRow[]> {
  const samples = new Map<string, number[]>(cases.map((item) => [item.id, []]));
  for (let round = 0; round < rounds; round++) {
    const ordered = round % 2 === 0 ? cases : [...cases].reverse();
    for (const item of ordered) {
      const stats = await measure(item.work, { now: cpuNow });
      samples.get(item.id)!.push(1e9 / stats.avg);
    }
  }
  return cases.map((item) => {
    const values = samples.get(item.id)!;
    return { id: item.id, label: item.label, value: median(values), unit: 'ops/s', rounds: values };
  });
}

export async function runValidateBench(): Promise<BenchResult> {
  const started = performance.now();
  check();
  const rows: BenchRow[] = [];
  for (const group of GROUPS) rows.push(...(await measureGroup(group, 5)));
  return {
    name: 'validate',
    method:
      'mitata timed by process CPU time, one process; both sides through v.safeParse on the same cycling inputs; ' +
      'pairs measured interleaved, 5 rounds, median of per-round mean ops/s (per CPU-second). ' +
      'valibot email()/url() are one regex / new URL; bulwark adds normalization and safety checks, so the ratio is the cost of those.',
    rows,
    ratios: [
      ratioOf(rows, 'email', 'ratio bulwark/valibot, e-mail (informational)', 'email.bulwark', 'email.valibot'),
      ratioOf(rows, 'url', 'ratio bulwark/valibot, URL (informational)', 'url.bulwark', 'url.valibot'),
      ratioOf(rows, 'json', 'ratio checkJsonLimits/JSON.stringify (informational)', 'json.bulwark', 'json.stringify'),
    ],
    durationMs: performance.now() - started,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) printResult(await runValidateBench());
