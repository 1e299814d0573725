/**
 * Parity probe: the same requests against one adapter's servers, reduced to what must match across
 * adapters (status and security headers; nonce and request id values masked; transport and
 * framework headers dropped). Any adapter, Next.js included, joins by serving the routes in
 * apps.ts from four servers configured as `ParityUrls` describes.
 */

import { request, type RequestInit, type SimpleResponse } from './http-client.js';

export interface ParityUrls {
  /** `createBulwark()` defaults. */
  plain: string;
  /** `trustProxy: 'loopback'`. */
  trusted: string;
  /** `headers: { preset: 'api' }`. */
  api: string;
  /** `httpsRedirect: { port: PARITY_REDIRECT_PORT }`. */
  redirect: string;
}

export const PARITY_REDIRECT_PORT = 8443;

export interface ParityObservation {
  name: string;
  status: number;
  headers: Record<string, string>;
}

interface ParityCase {
  name: string;
  base: keyof ParityUrls;
  path: string;
  init?: RequestInit;
}

export const PARITY_CASES: readonly ParityCase[] = [
  { name: 'plain GET', base: 'plain', path: '/page' },
  { name: 'HEAD', base: 'plain', path: '/page', init: { method: 'HEAD' } },
  {
    name: 'forged XFF from an untrusted peer',
    base: 'plain',
    path: '/page',
    init: { headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' } },
  },
  {
    name: 'XFF from a trusted proxy',
    base: 'trusted',
    path: '/page',
    init: { headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' } },
  },
  { name: 'api preset', base: 'api', path: '/api/data', init: { headers: { accept: 'application/json' } } },
  { name: 'httpsRedirect', base: 'redirect', path: '/page?x=1', init: { headers: { host: 'localhost' } } },
  { name: 'httpsRedirect, JSON', base: 'redirect', path: '/page', init: { headers: { host: 'localhost', accept: 'application/json' } } },
  { name: 'bad Host', base: 'plain', path: '/page', init: { headers: { host: 'a/b' } } },
  { name: 'malformed X-Request-Id', base: 'plain', path: '/page', init: { headers: { 'x-request-id': 'bad id <x>' } } },
];

/** Headers that legitimately differ between frameworks or between two runs. */
const IGNORED = new Set(['date', 'content-length', 'etag', 'keep-alive', 'connection', 'transfer-encoding']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function normalize(name: string, response: SimpleResponse): ParityObservation {
  const headers: Record<string, string> = {};
  for (const [key, raw] of Object.entries(response.headers)) {
    if (IGNORED.has(key) || raw === undefined) continue;
    // The application chose the type of its own bodies; bulwark's deny bodies must match.
    if (key === 'content-type' && response.status < 300) continue;
    let value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (key === 'content-security-policy' || key === 'content-security-policy-report-only') {
      value = value.replace(/'nonce-[^']*'/g, "'nonce-*'");
    }
    if (key === 'x-request-id' && UUID.test(value)) value = '<uuid>';
    headers[key] = value;
  }
  return { name, status: response.status, headers };
}

/** Sends every parity case to one adapter's servers, in order. */
export async function probeParity(urls: ParityUrls): Promise<ParityObservation[]> {
  const observations: ParityObservation[] = [];
  for (const item of PARITY_CASES) {
    const response = await request(`${urls[item.base]}${item.path}`, item.init);
    observations.push(normalize(item.name, response));
  }
  return observations;
}
