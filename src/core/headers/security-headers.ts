/**
 * Composes the header modules into one object that, per request, writes the precomputed headers and
 * the CSP with a fresh nonce. All validation and string building happens here, once.
 */

import { checkKeys, checkOneOf, fail } from '../config/check-options.js';
import { SharedHeaders, type ResponseHeaders } from '../http/response-headers.js';
import { cacheControl } from './cache-control.js';
import { contentSecurityPolicy, type ContentSecurityPolicyOptions, type CspTemplate } from './content-security-policy.js';
import { crossOriginEmbedderPolicy, type CrossOriginEmbedderPolicy } from './cross-origin-embedder-policy.js';
import { crossOriginOpenerPolicy, type CrossOriginOpenerPolicy } from './cross-origin-opener-policy.js';
import { crossOriginResourcePolicy, type CrossOriginResourcePolicy } from './cross-origin-resource-policy.js';
import type { StaticHeader } from './header.js';
import { NonceBatch } from './nonce-batch.js';
import { originAgentCluster } from './origin-agent-cluster.js';
import { permissionsPolicy, type PermissionsPolicyOptions } from './permissions-policy.js';
import { PRESETS, type HeadersPreset } from './presets.js';
import { referrerPolicy, type ReferrerPolicy } from './referrer-policy.js';
import { reportingEndpoints, type ReportingEndpoints } from './reporting-endpoints.js';
import { strictTransportSecurity, type StrictTransportSecurityOptions } from './strict-transport-security.js';
import { xContentTypeOptions } from './x-content-type-options.js';
import { xDnsPrefetchControl } from './x-dns-prefetch-control.js';
import { xFrameOptions, type XFrameOptions } from './x-frame-options.js';
import { xPermittedCrossDomainPolicies, type XPermittedCrossDomainPolicies } from './x-permitted-cross-domain-policies.js';
import { xXssProtection } from './x-xss-protection.js';

export interface HeadersOptions {
  /** Default `html`. */
  preset?: HeadersPreset;
  contentSecurityPolicy?: ContentSecurityPolicyOptions | boolean;
  reportingEndpoints?: ReportingEndpoints;
  strictTransportSecurity?: StrictTransportSecurityOptions | boolean;
  xContentTypeOptions?: boolean;
  xFrameOptions?: XFrameOptions | boolean;
  referrerPolicy?: ReferrerPolicy | readonly ReferrerPolicy[] | boolean;
  permissionsPolicy?: PermissionsPolicyOptions | boolean;
  crossOriginOpenerPolicy?: CrossOriginOpenerPolicy | boolean;
  crossOriginResourcePolicy?: CrossOriginResourcePolicy | boolean;
  /** Off unless set. */
  crossOriginEmbedderPolicy?: CrossOriginEmbedderPolicy | boolean;
  xPermittedCrossDomainPolicies?: XPermittedCrossDomainPolicies | boolean;
  xDnsPrefetchControl?: 'on' | 'off' | boolean;
  originAgentCluster?: boolean;
  xXssProtection?: boolean;
  /** `api` preset: `no-store`; `html`: not sent. A string sets another value. */
  cacheControl?: string | boolean;
  /** Response headers removed before sending. Default `['x-powered-by', 'server']`; `false` keeps them. */
  removeHeaders?: readonly string[] | false;
}

const OPTION_NAMES: readonly (keyof HeadersOptions)[] = [
  'preset', 'contentSecurityPolicy', 'reportingEndpoints', 'strictTransportSecurity', 'xContentTypeOptions',
  'xFrameOptions', 'referrerPolicy', 'permissionsPolicy', 'crossOriginOpenerPolicy', 'crossOriginResourcePolicy',
  'crossOriginEmbedderPolicy', 'xPermittedCrossDomainPolicies', 'xDnsPrefetchControl', 'originAgentCluster',
  'xXssProtection', 'cacheControl', 'removeHeaders',
];

const DEFAULT_REMOVED = ['x-powered-by', 'server'];

export interface SecurityHeaders {
  /** Writes the headers for one response; returns the CSP nonce if the policy uses one. */
  apply(target: ResponseHeaders, secure: boolean): string | undefined;
  readonly removeHeaders: readonly string[];
  /** Human-readable notes on options that weaken the defaults (for the startup warning event). */
  readonly loosened: readonly string[];
}

export function createSecurityHeaders(options: HeadersOptions = {}): SecurityHeaders {
  checkKeys('headers', options, OPTION_NAMES);
  const preset = PRESETS[checkOneOf('headers.preset', options.preset, ['html', 'api']) ?? 'html'];
  const endpoints = reportingEndpoints(options.reportingEndpoints);
  const csp: readonly CspTemplate[] = contentSecurityPolicy(
    options.contentSecurityPolicy,
    preset.directives,
    Object.keys(options.reportingEndpoints ?? {}),
  );
  const always: StaticHeader[] = [
    endpoints,
    xContentTypeOptions(options.xContentTypeOptions),
    xFrameOptions(options.xFrameOptions),
    referrerPolicy(options.referrerPolicy),
    permissionsPolicy(options.permissionsPolicy),
    crossOriginOpenerPolicy(options.crossOriginOpenerPolicy),
    crossOriginResourcePolicy(options.crossOriginResourcePolicy),
    crossOriginEmbedderPolicy(options.crossOriginEmbedderPolicy),
    xPermittedCrossDomainPolicies(options.xPermittedCrossDomainPolicies),
    xDnsPrefetchControl(options.xDnsPrefetchControl),
    originAgentCluster(options.originAgentCluster),
    xXssProtection(options.xXssProtection),
    cacheControl(options.cacheControl, preset.cacheControl),
  ].filter((header): header is StaticHeader => header !== undefined);
  const hsts = strictTransportSecurity(options.strictTransportSecurity);

  const removeHeaders = options.removeHeaders === false ? [] : (options.removeHeaders ?? DEFAULT_REMOVED);
  if (!Array.isArray(removeHeaders) || removeHeaders.some((h) => typeof h !== 'string')) {
    fail('headers.removeHeaders', 'expected a list of header names or false');
  }

  const loosened = [
    ...csp.filter((t) => t.name === 'content-security-policy').flatMap((t) => t.unsafe.map((u) => `CSP allows ${u}`)),
    ...(csp.some((t) => t.name === 'content-security-policy') ? [] : ['Content-Security-Policy is off']),
    ...(hsts ? [] : ['Strict-Transport-Security is off']),
    ...(options.xFrameOptions === false && !csp.length ? ['framing protection is off'] : []),
  ];
  const perRequest = csp.filter((t) => t.parts.length > 1);
  const nonces = perRequest.length > 0 ? new NonceBatch(perRequest) : undefined;
  // Everything without a nonce is the same on every response: two shared sets, by TLS or not.
  const fixed = [...always, ...csp.filter((t) => t.parts.length === 1).map((t) => ({ name: t.name, value: t.parts[0]! }))];
  const plainBase = new SharedHeaders(fixed.map((h) => [h.name, h.value]));
  const secureBase = hsts ? new SharedHeaders([...fixed, hsts].map((h) => [h.name, h.value])) : plainBase;

  return {
    apply(target, secure) {
      target.setTrustedBase(secure ? secureBase : plainBase);
      return nonces?.next(target);
    },
    removeHeaders: removeHeaders.map((h) => h.toLowerCase()),
    loosened,
  };
}
