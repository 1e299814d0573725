/**
 * The MDN HTTP Observatory scanner (algorithm v4), installed once into <repo>/.cache/observatory and
 * run locally in a child process, because NODE_EXTRA_CA_CERTS (the test CA) is read at process start.
 *
 * Its install scripts download the HSTS preload list and a TLD list from the internet, so it is
 * installed with --ignore-scripts and given an empty preload list: nothing here is preloaded, which
 * is true of localhost anyway. The scan itself contacts only the host it is given; the runner below
 * refuses any other connection and reports the hosts it contacted.
 */

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const VERSION = '1.4.8';
const PACKAGE = '@mdn/mdn-http-observatory';
const CACHE_DIR = fileURLToPath(new URL('../../.cache/observatory/', import.meta.url));
const PACKAGE_DIR = join(CACHE_DIR, 'node_modules', ...PACKAGE.split('/'));

export interface ScanTarget {
  name: string;
  host: string;
  httpPort: number;
  httpsPort: number;
  /** Path of the page to grade, e.g. `/api/status`. Default `/`. */
  path?: string;
}

export interface ScanTestResult {
  name: string;
  result: string;
  pass: boolean;
  scoreModifier: number;
}

export interface ScanResult {
  name: string;
  algorithmVersion: number;
  statusCode: number;
  score: number;
  grade: string;
  tests: ScanTestResult[];
  /** Every host the scanner tried to connect to. */
  contacted: string[];
}

// Mirrors the package's own scan() (src/scanner/index.js), which cannot take ports: the same tests,
// the same modifiers, extra credit only when the uncurved score is already an A.
const RUNNER = `
import net from 'node:net';
const targets = JSON.parse(process.argv[2]);
const allowed = new Set(['localhost', '127.0.0.1', '::1']);
const contacted = new Set();
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const host = typeof first === 'object' && first !== null ? (first.path ? undefined : first.host ?? 'localhost') : args[1] ?? 'localhost';
  if (host !== undefined) {
    contacted.add(String(host));
    if (!allowed.has(String(host))) throw new Error('observatory runner: refusing to contact ' + host);
  }
  return connect.apply(this, args);
};
const pkg = '${PACKAGE}/src';
const { retrieve } = await import(pkg + '/retriever/retriever.js');
const { ALL_TESTS, ALGORITHM_VERSION } = await import(pkg + '/constants.js');
const { MINIMUM_SCORE_FOR_EXTRA_CREDIT } = await import(pkg + '/grader/charts.js');
const { getGradeForScore, getScoreModifier } = await import(pkg + '/grader/grader.js');
const results = [];
for (const target of targets) {
  const requests = await retrieve(target.host, { httpPort: String(target.httpPort), httpsPort: String(target.httpsPort), path: target.path });
  const status = requests.responses.auto?.status;
  if (!status || status < 200 || (status >= 400 && ![401, 403].includes(status))) {
    throw new Error(target.name + ': unexpected response ' + status);
  }
  let withExtraCredit = 100;
  let uncurved = 100;
  const tests = ALL_TESTS.map((test) => {
    const output = test(requests);
    const scoreModifier = output.result ? getScoreModifier(output.result) : 0;
    withExtraCredit += scoreModifier;
    if (scoreModifier < 0) uncurved += scoreModifier;
    return { name: output.constructor.name, result: output.result, pass: output.pass, scoreModifier };
  });
  const final = getGradeForScore(uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtraCredit : uncurved);
  results.push({ name: target.name, algorithmVersion: ALGORITHM_VERSION, statusCode: status, score: final.score, grade: final.grade, tests });
}
process.stdout.write(JSON.stringify({ results, contacted: [...contacted] }));
`;

/** Installs the scanner if it is not in the cache yet. Takes a minute the first time. */
export function ensureObservatory(): void {
  const manifest = join(PACKAGE_DIR, 'package.json');
  const installed = existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version === VERSION;
  if (!installed) {
    mkdirSync(CACHE_DIR, { recursive: true });
    if (!existsSync(join(CACHE_DIR, 'package.json'))) {
      writeFileSync(join(CACHE_DIR, 'package.json'), '{ "name": "observatory-cache", "private": true, "type": "module" }\n');
    }
    execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `${PACKAGE}@${VERSION}`], {
      cwd: CACHE_DIR,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 600_000,
    });
  }
  writeFileSync(join(PACKAGE_DIR, 'conf', 'hsts-preload.json'), '{}\n');
  writeFileSync(join(CACHE_DIR, 'run-scan.mjs'), RUNNER);
}

/** Scans the targets one after another in a child process that trusts `caFile`. */
export async function scanWithObservatory(targets: readonly ScanTarget[], caFile: string): Promise<ScanResult[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(CACHE_DIR, 'run-scan.mjs'), JSON.stringify(targets)], {
    cwd: CACHE_DIR,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const output = JSON.parse(stdout) as { results: Omit<ScanResult, 'contacted'>[]; contacted: string[] };
  return output.results.map((result) => ({ ...result, contacted: output.contacted }));
}

/** A plain-text table: one row per app with its score, grade and each test's result and modifier. */
export function formatScanTable(results: readonly ScanResult[]): string {
  const lines = results.map((r) => `${r.name.padEnd(22)} ${String(r.score).padStart(5)}  ${r.grade.padEnd(3)}`);
  const header = `${'app'.padEnd(22)} ${'score'.padStart(5)}  grade`;
  const details = results.map(
    (r) => `${r.name}:\n${r.tests.map((t) => `  ${t.pass ? 'pass' : 'FAIL'} ${String(t.scoreModifier).padStart(4)}  ${t.name}: ${t.result}`).join('\n')}`,
  );
  return [header, ...lines, '', ...details].join('\n');
}
