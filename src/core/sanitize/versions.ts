/**
 * The engine versions bulwark refuses to run on: DOMPurify releases with published sanitizer bypasses
 * (GitHub security advisories for cure53/DOMPurify) and jsdom releases with an advisory, plus the
 * versions this module was tested with. `checkEngineVersions` is run once when the first jsdom window
 * is created, and by a test against what `npm` installed.
 */

export interface EngineAdvisory {
  package: 'dompurify' | 'jsdom';
  /** Affected: `from <= version < fixed` (`from` defaults to 0.0.0). */
  from?: string;
  fixed: string;
  ids: readonly string[];
  summary: string;
}

/**
 * From the GitHub Advisory Database (github.com/advisories) and the DOMPurify release notes, as known
 * when this list was last reviewed. Add new advisories here; never remove one.
 */
export const ENGINE_ADVISORIES: readonly EngineAdvisory[] = [
  { package: 'dompurify', fixed: '2.4.2', ids: ['CVE-2024-48910', 'GHSA-p3vf-v8qc-cwcr'], summary: 'prototype pollution' },
  { package: 'dompurify', fixed: '2.5.0', ids: ['CVE-2024-47875', 'GHSA-gx9m-whjm-85jf'], summary: 'nesting-based mXSS' },
  { package: 'dompurify', from: '3.0.0', fixed: '3.1.3', ids: ['CVE-2024-47875', 'GHSA-gx9m-whjm-85jf'], summary: 'nesting-based mXSS' },
  { package: 'dompurify', fixed: '2.5.4', ids: ['CVE-2024-45801', 'GHSA-mmhx-hmjr-r674'], summary: 'depth-check bypass and prototype pollution' },
  { package: 'dompurify', from: '3.0.0', fixed: '3.1.3', ids: ['CVE-2024-45801', 'GHSA-mmhx-hmjr-r674'], summary: 'depth-check bypass and prototype pollution' },
  { package: 'dompurify', from: '3.0.0', fixed: '3.2.4', ids: ['CVE-2025-26791', 'GHSA-vhxf-7vqr-mrjg'], summary: 'mXSS through the template-literal regular expression' },
  { package: 'dompurify', fixed: '2.5.9', ids: ['GHSA-v2wj-7wpq-c8vv', 'GHSA-h8r8-wccr-v5f2'], summary: 'mXSS via re-contextualization' },
  { package: 'dompurify', from: '3.0.0', fixed: '3.3.2', ids: ['GHSA-v2wj-7wpq-c8vv', 'GHSA-h8r8-wccr-v5f2'], summary: 'mXSS via re-contextualization' },
  {
    package: 'dompurify',
    from: '3.0.0',
    fixed: '3.4.0',
    ids: ['CVE-2026-41238', 'CVE-2026-41239', 'CVE-2026-41240', 'GHSA-v9jr-rg53-9pgp', 'GHSA-39q2-94rc-95cp', 'GHSA-crv5-9vww-q3g8', 'GHSA-h7mw-gpvr-xq4m'],
    summary: 'sanitizer bypasses fixed in 3.4.0',
  },
  { package: 'dompurify', from: '3.0.0', fixed: '3.4.7', ids: ['GHSA-76mc-f452-cxcm'], summary: 'sanitizer bypass fixed in 3.4.7' },
  { package: 'dompurify', from: '3.0.0', fixed: '3.4.11', ids: ['GHSA-cmwh-pvxp-8882'], summary: 'sanitizer bypass fixed in 3.4.11' },
  { package: 'dompurify', from: '3.0.0', fixed: '3.4.13', ids: ['GHSA-55q2-fjhq-7xh7'], summary: 'IN_PLACE hook removal leaves an executable subtree' },
  { package: 'jsdom', fixed: '16.5.0', ids: ['CVE-2021-20066', 'GHSA-f4c9-cqv8-9v98'], summary: 'insufficient access control for subresources' },
];

/**
 * The versions this module was built and tested against (the parser, the serializer and the jsdom
 * internals it relies on). Older ones are refused: their behaviour was never checked here.
 */
export const TESTED_ENGINE_VERSIONS = { dompurify: '3.4.18', jsdom: '29.1.1' } as const;

const RELEASE = /^v?(\d{1,9})\.(\d{1,9})\.(\d{1,9})$/;

/** `[major, minor, patch, released]`; a pre-release counts as just below its release. Unparsable versions sort lowest. */
function parseVersion(version: string): number[] {
  const withoutBuild = version.trim().split('+', 1)[0]!;
  const dash = withoutBuild.indexOf('-');
  const match = RELEASE.exec(dash === -1 ? withoutBuild : withoutBuild.slice(0, dash));
  if (!match) return [-1, -1, -1, 0];
  return [Number(match[1]), Number(match[2]), Number(match[3]), dash === -1 ? 1 : 0];
}

export function compareVersions(a: string, b: string): number {
  const left = parseVersion(a);
  const right = parseVersion(b);
  for (let i = 0; i < left.length; i++) {
    if (left[i] !== right[i]) return left[i]! < right[i]! ? -1 : 1;
  }
  return 0;
}

export interface EngineVersionProblem {
  package: 'dompurify' | 'jsdom';
  version: string;
  reason: string;
}

/** Lists why the given engine versions must not be used; empty when they are fine. */
export function checkEngineVersions(installed: { dompurify: string; jsdom: string }): EngineVersionProblem[] {
  const problems: EngineVersionProblem[] = [];
  for (const name of ['dompurify', 'jsdom'] as const) {
    const version = installed[name];
    for (const advisory of ENGINE_ADVISORIES) {
      if (advisory.package !== name) continue;
      const affected = compareVersions(version, advisory.from ?? '0.0.0') >= 0 && compareVersions(version, advisory.fixed) < 0;
      if (affected) problems.push({ package: name, version, reason: `${advisory.summary} (${advisory.ids.join(', ')}); fixed in ${advisory.fixed}` });
    }
    if (compareVersions(version, TESTED_ENGINE_VERSIONS[name]) < 0) {
      problems.push({ package: name, version, reason: `older than the tested version ${TESTED_ENGINE_VERSIONS[name]}` });
    }
  }
  return problems;
}
