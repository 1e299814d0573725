/**
 * HTML sanitizing, bulwark vs isomorphic-dompurify (the same DOMPurify on a jsdom window) and
 * sanitize-html, in one process (mitata), on a 200 B comment and a 20 KB article.
 *
 * Fairness: every side gets the same allowlist. For the comment that is the `basic` profile (inline
 * formatting, http/https/mailto links with rel="noopener noreferrer nofollow"), for the article the
 * `rich` profile (plus headings, tables, pre, https images). isomorphic-dompurify is used the way its
 * README shows, `sanitize(html, config)`, with the config object made once and the rel hook added once;
 * sanitize-html gets the equivalent allowedTags/allowedAttributes/allowedSchemes and a transformTags
 * for rel. Every side's output is checked before timing. Two more comparisons: a hand-tuned
 * isomorphic-dompurify (setConfig once, `body` allowlisted) shows what is left when only the engine is
 * compared, and bulwark's `dompurify` profile against isomorphic-dompurify's plain `sanitize(html)`
 * compares both on DOMPurify's default allowlist (no rel hook on either side).
 *
 * Two call patterns: "batch" runs calls back to back in one synchronous loop (a list of comments,
 * `sanitizeObject`); "per request" yields to the event loop (setImmediate) after each call, as a
 * server does between requests, on every side alike. Time is this process's CPU time; cases are
 * measured interleaved over several rounds and the median is reported.
 */

import isomorphic from 'isomorphic-dompurify';
import { measure } from 'mitata';
import sanitizeHtmlPeer from 'sanitize-html';
import { createSanitizer } from '../src/core/sanitize/index.js';
import { BUILT_IN_PROFILES } from '../src/core/sanitize/profiles.js';
import { median, printResult, ratioOf, type BenchResult, type BenchRow } from './support/report.js';

const REL = 'noopener noreferrer nofollow';

export const COMMENT =
  '<p>Great post! I tried <b>this</b> with <code>npm ci</code> and it <em>works</em>. ' +
  'Details: <a href="https://example.com/notes?id=7" onclick="steal()">notes</a><img src=x onerror=alert(1)></p>';

function buildArticle(): string {
  const section = (i: number) =>
    `<h2 id="s${i}">Section ${i}: what we measured</h2>\n` +
    `<p>Lorem ipsum dolor sit amet, <strong>consectetur</strong> adipiscing elit, sed do <em>eiusmod</em> tempor incididunt ut labore ` +
    `et dolore magna aliqua. See <a href="https://example.com/docs/${i}?ref=article" title="docs ${i}">the docs</a> and ` +
    `<a href="mailto:team@example.com">mail us</a>. <span style="color:red" onmouseover="x()">Styled</span> text &amp; more.</p>\n` +
    `<ul><li>First point with <code>inline code</code></li><li>Second point, <i>italic</i></li><li>Third <u>point</u></li></ul>\n` +
    `<pre><code>const x = ${i};\nconsole.log(x &lt; 10);</code></pre>\n` +
    `<table><thead><tr><th scope="col">Case</th><th>ops/s</th></tr></thead><tbody><tr><td>a</td><td>${i}00</td></tr>` +
    `<tr><td colspan="2">total</td></tr></tbody></table>\n` +
    `<figure><img src="https://images.example.com/${i}.png" alt="chart ${i}" width="640" height="480"><figcaption>Chart ${i}</figcaption></figure>\n` +
    `<blockquote>Quoted <b>wisdom</b> number ${i}.</blockquote><script>alert(${i})</script>\n`;
  let article = '<h1>A long article</h1>\n';
  for (let i = 1; article.length < 20_000; i++) article += section(i);
  return article;
}

export const ARTICLE = buildArticle();

type Work = () => unknown;
interface Case {
  id: string;
  label: string;
  work: Work;
  /** Set up before this case is measured, and undone after. */
  around?: { before(): void; after(): void };
}

const bulwark = createSanitizer();

/** isomorphic-dompurify configured as a user would for the same allowlists. */
function peerConfig(profile: 'basic' | 'rich'): Record<string, unknown> {
  const spec = BUILT_IN_PROFILES[profile];
  return {
    ALLOWED_TAGS: spec.tags,
    ALLOWED_ATTR: [...new Set(Object.values(spec.tagAttributes).flat())],
    ALLOWED_URI_REGEXP: /^(?:https?|mailto):/i,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
  };
}
const PEER_BASIC = peerConfig('basic');
const PEER_RICH = peerConfig('rich');

function addPeerRelHook(): void {
  isomorphic.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'A' && node.hasAttribute('href')) node.setAttribute('rel', REL);
  });
}

/** sanitize-html with the same allowlists. */
function htmlPeerOptions(profile: 'basic' | 'rich'): sanitizeHtmlPeer.IOptions {
  const spec = BUILT_IN_PROFILES[profile];
  return {
    allowedTags: spec.tags,
    // transformTags runs before the attribute filter, so rel must be allowed for the one it sets to stay.
    allowedAttributes: { ...spec.tagAttributes, a: [...(spec.tagAttributes.a ?? []), 'rel'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['https'] },
    allowProtocolRelative: false,
    transformTags: { a: (tagName, attribs) => ({ tagName, attribs: attribs.href ? { ...attribs, rel: REL } : attribs }) },
  };
}
const HTML_PEER_BASIC = htmlPeerOptions('basic');
const HTML_PEER_RICH = htmlPeerOptions('rich');

/** Hand-tuned isomorphic-dompurify: setConfig once (with `body` allowlisted), as bulwark does. */
function tunedPeer(input: string, profile: 'basic' | 'rich'): Case {
  const config = profile === 'basic' ? PEER_BASIC : PEER_RICH;
  return {
    id: 'isomorphic-tuned',
    label: 'isomorphic-dompurify hand-tuned (setConfig once, body allowed)',
    work: () => isomorphic.sanitize(input),
    around: { before: () => isomorphic.setConfig({ ...config, ALLOWED_TAGS: [...(config.ALLOWED_TAGS as string[]), 'body'] }), after: () => isomorphic.clearConfig() },
  };
}

/** Both sides with DOMPurify's default allowlist: bulwark's `dompurify` profile, isomorphic-dompurify's `sanitize(html)`. */
function defaultsPair(input: string): Case[] {
  return [
    { id: 'defaults.bulwark', label: "bulwark sanitizeHtml (profile 'dompurify': DOMPurify's defaults)", work: () => bulwark.sanitize(input, { profile: 'dompurify' }) },
    {
      id: 'defaults.isomorphic',
      label: 'isomorphic-dompurify sanitize(html) (defaults)',
      work: () => isomorphic.sanitize(input),
      around: { before: () => isomorphic.removeAllHooks(), after: addPeerRelHook },
    },
  ];
}

interface Group {
  id: 'comment' | 'article';
  input: string;
  profile: 'basic' | 'rich';
  /** Cases with the profile's allowlist on every side (checked before timing). */
  cases: Case[];
  /** Informational cases: the hand-tuned peer and the DOMPurify-defaults pair. */
  extra: Case[];
}

const GROUPS: Group[] = [
  {
    id: 'comment',
    input: COMMENT,
    profile: 'basic',
    cases: [
      { id: 'bulwark', label: 'bulwark sanitizeHtml (basic)', work: () => bulwark.sanitize(COMMENT, { profile: 'basic' }) },
      { id: 'isomorphic', label: 'isomorphic-dompurify sanitize(html, config)', work: () => isomorphic.sanitize(COMMENT, PEER_BASIC) },
      { id: 'sanitize-html', label: 'sanitize-html (same allowlist)', work: () => sanitizeHtmlPeer(COMMENT, HTML_PEER_BASIC) },
    ],
    extra: [tunedPeer(COMMENT, 'basic'), ...defaultsPair(COMMENT)],
  },
  {
    id: 'article',
    input: ARTICLE,
    profile: 'rich',
    cases: [
      { id: 'bulwark', label: 'bulwark sanitizeHtml (rich)', work: () => bulwark.sanitize(ARTICLE, { profile: 'rich' }) },
      { id: 'isomorphic', label: 'isomorphic-dompurify sanitize(html, config)', work: () => isomorphic.sanitize(ARTICLE, PEER_RICH) },
      { id: 'sanitize-html', label: 'sanitize-html (same allowlist)', work: () => sanitizeHtmlPeer(ARTICLE, HTML_PEER_RICH) },
    ],
    extra: [tunedPeer(ARTICLE, 'rich'), ...defaultsPair(ARTICLE)],
  },
];

/** Fails loudly if a side does not do the work it claims: same links kept, no script, no handler. */
function check(): void {
  for (const group of GROUPS) {
    for (const item of group.cases) {
      const out = String(item.work());
      if (/<script|onclick|onerror|onmouseover|style=/i.test(out)) throw new Error(`bench setup: ${group.id}/${item.id} left something unsafe`);
      if (!out.includes(`rel="${REL}"`) || !out.includes('href="https://example.com/')) throw new Error(`bench setup: ${group.id}/${item.id} lost the link or its rel`);
      if (group.profile === 'rich' && !out.includes('<img src="https://images.example.com/')) throw new Error(`bench setup: ${group.id}/${item.id} lost the images`);
    }
  }
}

function cpuNow(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function opsPerSecond(work: Work, perRequest: boolean): Promise<number> {
  const stats = perRequest
    ? await measure(async () => {
        work();
        await nextTurn();
      }, { now: cpuNow })
    : await measure(() => work(), { now: cpuNow });
  return 1e9 / stats.avg;
}

async function measureGroup(group: Group, perRequest: boolean, rounds: number): Promise<BenchRow[]> {
  const cases = [...group.cases, ...group.extra];
  const samples = new Map<string, number[]>(cases.map((item) => [item.id, []]));
  for (let round = 0; round < rounds; round++) {
    const ordered = round % 2 === 0 ? cases : [...cases].reverse();
    for (const item of ordered) {
      // Let the event loop turn between cases: a synchronous loop on jsdom keeps every parsed
      // document alive until it does (see engine-host.ts), which would slow the next case down.
      await nextTurn();
      await nextTurn();
      item.around?.before();
      try {
        samples.get(item.id)!.push(await opsPerSecond(item.work, perRequest));
      } finally {
        item.around?.after();
      }
    }
  }
  const mode = perRequest ? 'per request' : 'batch';
  return cases.map((item) => ({
    id: `${group.id}.${perRequest ? 'request' : 'batch'}.${item.id}`,
    label: `${group.id} ${Buffer.byteLength(group.input)} B, ${mode}: ${item.label}`,
    value: median(samples.get(item.id)!),
    unit: 'ops/s' as const,
    rounds: samples.get(item.id)!,
  }));
}

export async function runSanitizeBench(options: { rounds?: number } = {}): Promise<BenchResult> {
  const started = performance.now();
  const rounds = options.rounds ?? 5;
  addPeerRelHook();
  try {
    check();
    const rows: BenchRow[] = [];
    for (const group of GROUPS) {
      rows.push(...(await measureGroup(group, true, rounds)));
      rows.push(...(await measureGroup(group, false, Math.max(1, rounds - 2))));
    }
    const ratios = GROUPS.flatMap((group) =>
      (['request', 'batch'] as const).flatMap((mode) => {
        const row = (id: string) => `${group.id}.${mode}.${id}`;
        return [
          ratioOf(rows, `${group.id}.${mode}`, `${group.id}, ${mode}: bulwark / isomorphic-dompurify, same allowlist`, row('bulwark'), row('isomorphic'), 1.0),
          ratioOf(rows, `${group.id}.${mode}.defaults`, `${group.id}, ${mode}: bulwark / isomorphic-dompurify, both on DOMPurify's defaults`, row('defaults.bulwark'), row('defaults.isomorphic'), 1.0),
          ratioOf(rows, `${group.id}.${mode}.tuned`, `${group.id}, ${mode}: bulwark / hand-tuned isomorphic-dompurify (informational)`, row('bulwark'), row('isomorphic-tuned')),
          ratioOf(rows, `${group.id}.${mode}.sanitize-html`, `${group.id}, ${mode}: bulwark / sanitize-html (informational)`, row('bulwark'), row('sanitize-html')),
        ];
      }),
    );
    return {
      name: 'sanitize',
      method:
        'mitata timed by process CPU time, one process; same allowlists on every side (basic for the comment, rich for the article), ' +
        'outputs checked before timing; "per request" yields to the event loop after each call on every side, "batch" does not; ' +
        `cases interleaved, ${rounds} rounds per request and ${Math.max(1, rounds - 2)} batch, median of per-round mean ops/s (per CPU-second).`,
      rows,
      ratios,
      durationMs: performance.now() - started,
    };
  } finally {
    isomorphic.removeAllHooks();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printResult(await runSanitizeBench());
