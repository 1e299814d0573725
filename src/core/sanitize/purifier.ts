/**
 * One configured DOMPurify instance per profile and window: the config is set once with `setConfig`
 * and the hooks are added once, so a call does no per-call setup.
 */

import type { Config, DOMPurify, UponSanitizeAttributeHookEvent } from 'dompurify';
import type { DOMWindow } from 'jsdom';
import { escapeHtml, normalizeParsedText } from './escape.js';
import type { CompiledProfile, ProfileSpec } from './profiles.js';

export interface Purifier {
  sanitize(html: string): string;
}

const HTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';
const TEXT_NODE = 3;

/** URL-valued attributes and which scheme list governs them. */
const URL_ATTRIBUTES: Readonly<Record<string, 'link' | 'media'>> = {
  href: 'link',
  'xlink:href': 'link',
  cite: 'link',
  action: 'link',
  formaction: 'link',
  longdesc: 'link',
  usemap: 'link',
  itemtype: 'link',
  src: 'media',
  poster: 'media',
  background: 'media',
  lowsrc: 'media',
  dynsrc: 'media',
  data: 'media',
};

/** Schemes DOMPurify's own URI check already accepts; others need `forceKeepAttr` once we approved them. */
const DOMPURIFY_SCHEMES = new Set(['http', 'https', 'ftp', 'ftps', 'mailto', 'tel', 'callto', 'sms', 'cid', 'xmpp', 'matrix']);
/** What browsers (and DOMPurify) ignore when reading a URL's scheme: controls, spaces, odd whitespace. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const URL_IGNORED = /[\u0000-\u0020\u007F-\u00A0\u1680\u180E\u2000-\u2029\u205F\u3000\uFEFF]/g;
const SCHEME_PREFIX = /^([a-z][a-z0-9+.-]{0,63}):/i;

type UrlVerdict = 'keep' | 'reject' | 'force';

export function judgeUrl(value: string, schemes: ReadonlySet<string>, relativeUrls: boolean): UrlVerdict {
  const compact = value.replace(URL_IGNORED, '');
  const match = SCHEME_PREFIX.exec(compact);
  if (!match) return relativeUrls ? 'keep' : 'reject';
  const scheme = match[1]!.toLowerCase();
  if (!schemes.has(scheme)) return 'reject';
  return DOMPURIFY_SCHEMES.has(scheme) ? 'keep' : 'force';
}

function domPurifyConfig(spec: ProfileSpec): Config {
  if (spec.mode === 'dompurify') return {};
  // 'body' is the walk's root and never serialized: without it DOMPurify treats the root as disallowed
  // and deep-clones the whole document to hoist its content. Parsing in body context never makes a
  // second <body> element, so allowing it keeps nothing from the input.
  if (spec.mode === 'text') return { ALLOWED_TAGS: ['body'], ALLOWED_ATTR: [], RETURN_DOM: true };
  const attributes = [...new Set([...spec.globalAttributes, ...Object.values(spec.tagAttributes).flat()])];
  const config: Config = { ALLOW_DATA_ATTR: spec.dataAttributes, ALLOW_ARIA_ATTR: spec.ariaAttributes };
  if (spec.svg || spec.mathMl) {
    config.USE_PROFILES = { svg: spec.svg, svgFilters: spec.svg, mathMl: spec.mathMl };
    config.ADD_TAGS = [...spec.tags, 'body'];
    config.ADD_ATTR = attributes;
  } else {
    config.ALLOWED_TAGS = [...spec.tags, 'body'];
    config.ALLOWED_ATTR = attributes;
  }
  return config;
}

function getter<T>(prototype: object, name: string): (this: unknown) => T {
  // Read through the prototype's getter: a form's named children cannot shadow it.
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
  if (!descriptor?.get) throw new Error(`jsdom: no ${name} getter`);
  return descriptor.get as (this: unknown) => T;
}

/** Adds bulwark's hooks for an `html` profile: per-element attributes, URL schemes, link rel. */
function addProfileHooks(purify: DOMPurify, window: DOMWindow, spec: ProfileSpec): void {
  const nodeName = getter<string>(window.Node.prototype, 'nodeName');
  const namespaceURI = getter<string | null>(window.Element.prototype, 'namespaceURI');
  const { hasAttribute, setAttribute } = window.Element.prototype;
  const global = new Set(spec.globalAttributes);
  const perTag = new Map(Object.entries(spec.tagAttributes).map(([tag, list]) => [tag, new Set(list)]));
  const linkSchemes = new Set(spec.uriSchemes);
  const mediaSchemes = new Set(spec.mediaSchemes);

  purify.addHook('uponSanitizeAttribute', (node: Element, event: UponSanitizeAttributeHookEvent) => {
    const name = event.attrName;
    if (namespaceURI.call(node) === HTML_NAMESPACE && !global.has(name)) {
      const patterned = (spec.dataAttributes && name.startsWith('data-')) || (spec.ariaAttributes && name.startsWith('aria-'));
      if (!patterned && !perTag.get(nodeName.call(node).toLowerCase())?.has(name)) {
        event.keepAttr = false;
        return;
      }
    }
    const kind = URL_ATTRIBUTES[name];
    if (kind === undefined) return;
    const verdict = judgeUrl(event.attrValue, kind === 'link' ? linkSchemes : mediaSchemes, spec.relativeUrls);
    if (verdict === 'reject') event.keepAttr = false;
    else if (verdict === 'force') event.forceKeepAttr = true;
  });

  const rel = spec.linkRel;
  if (rel !== null) {
    purify.addHook('afterSanitizeAttributes', (node: Element) => {
      if (namespaceURI.call(node) !== HTML_NAMESPACE) return;
      const tag = nodeName.call(node);
      if ((tag === 'A' || tag === 'AREA') && hasAttribute.call(node, 'href')) setAttribute.call(node, 'rel', rel);
    });
  }
}

/** The parser drops a newline right after these start tags, and the serializer does not add one back. */
const LEADING_NEWLINE_TAGS = new Set(['pre', 'textarea', 'listing']);

/**
 * For profiles with <pre>, <textarea> or <listing>: a text that starts with a newline inside one of
 * them would lose that newline when the output is parsed again (so sanitizing twice would differ
 * from once). Doubling it keeps the rendered text and makes the output stable.
 */
function newlinePreservingPurifier(purify: DOMPurify, tags: string[]): Purifier {
  return {
    sanitize(html) {
      if (!html.includes('<')) return html;
      const body = purify.sanitize(html) as unknown as Element | null;
      if (!body) return '';
      for (const tag of tags) {
        for (const element of Array.from(body.getElementsByTagName(tag))) {
          const first = element.firstChild as (ChildNode & { data?: string }) | null;
          if (first?.nodeType === TEXT_NODE && first.data?.startsWith('\n')) first.data = `\n${first.data}`;
        }
      }
      return body.innerHTML;
    },
  };
}

/** Text only: the document's text, with what the parser would normalize, escaped. */
function textPurifier(purify: DOMPurify): Purifier {
  return {
    sanitize(html) {
      // No markup and no character references: the parser would only normalize newlines and NULs.
      if (!html.includes('<') && !html.includes('&')) return escapeHtml(normalizeParsedText(html));
      // null when the document has no body (a <frameset> took its place): nothing to keep.
      const body = purify.sanitize(html) as unknown as Element | null;
      return escapeHtml(normalizeParsedText(body?.textContent ?? ''));
    },
  };
}

/** Builds the purifier for `profile` on `window`. `createDOMPurify` is DOMPurify's factory. */
export function createPurifier(createDOMPurify: (window: DOMWindow) => DOMPurify, window: DOMWindow, profile: CompiledProfile): Purifier {
  const purify = createDOMPurify(window);
  const { spec } = profile;
  const newlineTags = spec.mode === 'html' ? spec.tags.filter((tag) => LEADING_NEWLINE_TAGS.has(tag)) : [];
  purify.setConfig({ ...domPurifyConfig(spec), ...(newlineTags.length > 0 ? { RETURN_DOM: true } : {}) });
  if (spec.mode === 'html') addProfileHooks(purify, window, spec);
  for (const [name, hook] of profile.hooks) purify.addHook(name as 'beforeSanitizeElements', hook as () => void);

  if (spec.mode === 'text') return textPurifier(purify);
  if (newlineTags.length > 0) return newlinePreservingPurifier(purify, newlineTags);
  return { sanitize: (html) => purify.sanitize(html) as string };
}
