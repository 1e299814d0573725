/**
 * Content-Security-Policy (and an optional Report-Only policy beside it). The policy text is built
 * once; per request only the nonce is joined in.
 */

import { checkHeaderToken, checkKeys, fail } from '../config/check-options.js';
import { mergeDirectives, NONCE, unsafeSources, type CspDirectives, type NormalizedDirectives } from './csp-directives.js';

export interface ContentSecurityPolicyOptions {
  /** Merged over the preset's directives; set one to `false` to remove it. */
  directives?: CspDirectives;
  /** `false` starts from an empty policy instead of the preset's. Default true. */
  useDefaults?: boolean;
  /** A second policy sent as `Content-Security-Policy-Report-Only`, to trial a change before enforcing it. */
  reportOnly?: { directives: CspDirectives; useDefaults?: boolean };
  /** Name of a `reportingEndpoints` entry; adds `report-to` to both policies. */
  reportTo?: string;
}

/** A policy with the nonce's places kept open. */
export interface CspTemplate {
  readonly name: 'content-security-policy' | 'content-security-policy-report-only';
  /** The policy text split where the nonce source (`'nonce-…'`) goes: one part if it has no nonce. */
  readonly parts: readonly string[];
  /** Sources that weaken the policy ('unsafe-inline', '*', ...), for the loosening warning. */
  readonly unsafe: readonly string[];
}

function serialize(directives: NormalizedDirectives): string {
  return [...directives].map(([name, sources]) => (sources.length === 0 ? name : `${name} ${sources.join(' ')}`)).join('; ');
}

function template(name: CspTemplate['name'], directives: NormalizedDirectives): CspTemplate {
  return { name, parts: serialize(directives).split(NONCE), unsafe: unsafeSources(directives) };
}

export function contentSecurityPolicy(
  option: ContentSecurityPolicyOptions | boolean | undefined,
  presetDirectives: NormalizedDirectives,
  endpointNames: readonly string[],
): CspTemplate[] {
  if (option === false) return [];
  const path = 'headers.contentSecurityPolicy';
  const options = option === undefined || option === true ? {} : option;
  checkKeys(path, options, ['directives', 'useDefaults', 'reportOnly', 'reportTo']);
  let reportTo: string | undefined;
  if (options.reportTo !== undefined) {
    reportTo = checkHeaderToken(`${path}.reportTo`, options.reportTo, ' ;,');
    if (!endpointNames.includes(reportTo)) fail(`${path}.reportTo`, `add "${reportTo}" to headers.reportingEndpoints first`);
  }
  const withReporting = (directives: NormalizedDirectives): NormalizedDirectives => {
    if (reportTo !== undefined) directives.set('report-to', [reportTo]);
    return directives;
  };
  const base = (useDefaults: boolean | undefined): NormalizedDirectives => (useDefaults === false ? new Map() : presetDirectives);
  const templates = [
    template('content-security-policy', withReporting(mergeDirectives(`${path}.directives`, base(options.useDefaults), options.directives))),
  ];
  if (options.reportOnly !== undefined) {
    checkKeys(`${path}.reportOnly`, options.reportOnly, ['directives', 'useDefaults']);
    const directives = mergeDirectives(`${path}.reportOnly.directives`, base(options.reportOnly.useDefaults), options.reportOnly.directives);
    templates.push(template('content-security-policy-report-only', withReporting(directives)));
  }
  return templates;
}
