/**
 * CSP directive maps: names accepted in camelCase or kebab-case, sources validated so that no value
 * can end a directive or the header, and unquoted keywords caught (`self` instead of `'self'`).
 */

import { fail, isPlainObject, suggest } from '../config/check-options.js';

/** Put this in a source list where the per-request nonce belongs: `scriptSrc: ["'self'", NONCE]`. */
export const NONCE = "'nonce'";

/** A directive's sources; `true` for directives without a value (`upgrade-insecure-requests`); `false`/`null` removes it. */
export type CspSources = readonly string[] | string | boolean | null;
/** Normalized: kebab-case name -> sources (empty for value-less directives). Insertion order is output order. */
export type NormalizedDirectives = Map<string, readonly string[]>;

const DIRECTIVES = [
  'default-src', 'script-src', 'script-src-elem', 'script-src-attr', 'style-src', 'style-src-elem', 'style-src-attr',
  'img-src', 'font-src', 'connect-src', 'media-src', 'object-src', 'frame-src', 'child-src', 'worker-src',
  'manifest-src', 'fenced-frame-src', 'base-uri', 'form-action', 'frame-ancestors', 'sandbox',
  'upgrade-insecure-requests', 'report-uri', 'report-to', 'require-trusted-types-for', 'trusted-types',
] as const;

type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** `script-src` or `scriptSrc`: each known directive, in either spelling. */
export type CspDirectiveName = (typeof DIRECTIVES)[number] | CamelCase<(typeof DIRECTIVES)[number]>;
export type CspDirectives = Readonly<Partial<Record<CspDirectiveName, CspSources>>>;

const KEYWORDS = [
  'self', 'none', 'unsafe-inline', 'unsafe-eval', 'strict-dynamic', 'unsafe-hashes', 'report-sample',
  'wasm-unsafe-eval', 'inline-speculation-rules', 'unsafe-allow-redirects', 'script',
];

const UNSAFE = new Set(["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"]);

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function checkSource(path: string, source: unknown): string {
  if (typeof source !== 'string' || source.length === 0 || /[\s;,]/.test(source)) {
    fail(path, `"${String(source)}" is not a CSP source (no spaces, ";" or ",")`);
  }
  if (KEYWORDS.includes(source)) fail(path, `keywords are quoted in CSP: write "'${source}'"`);
  return source;
}

function checkSources(path: string, name: string, value: CspSources): readonly string[] {
  if (value === true) return [];
  const list = typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : value;
  if (!Array.isArray(list)) fail(path, 'expected a list of sources, true, or false to remove the directive');
  if (name === 'upgrade-insecure-requests' && list.length > 0) fail(path, 'takes no sources: write true');
  return list.map((source: unknown, i) => checkSource(`${path}[${i}]`, source));
}

/** Applies `changes` on top of `base`: a directive set to false/null is removed, otherwise replaced. */
export function mergeDirectives(path: string, base: NormalizedDirectives, changes: CspDirectives | undefined): NormalizedDirectives {
  const merged = new Map(base);
  if (changes === undefined) return merged;
  if (!isPlainObject(changes)) fail(path, 'expected an object of directives, e.g. { scriptSrc: ["\'self\'"] }');
  for (const [rawName, value] of Object.entries(changes)) {
    const name = kebab(rawName);
    if (!(DIRECTIVES as readonly string[]).includes(name)) {
      const hint = suggest(name, DIRECTIVES);
      fail(path, `unknown directive "${rawName}"${hint ? `; did you mean "${hint}"?` : ''}`);
    }
    if (value === false || value === null) merged.delete(name);
    else merged.set(name, checkSources(`${path}.${rawName}`, name, value));
  }
  return merged;
}

/** Directives whose sources weaken script or style protection, for the loosening warning. */
export function unsafeSources(directives: NormalizedDirectives): string[] {
  const found: string[] = [];
  for (const [name, sources] of directives) {
    for (const source of sources) if (UNSAFE.has(source) || source === '*' || (source === 'data:' && name.startsWith('script'))) found.push(`${name} ${source}`);
  }
  return found;
}

export function directivesFrom(record: Readonly<Record<string, readonly string[]>>): NormalizedDirectives {
  return new Map(Object.entries(record));
}
