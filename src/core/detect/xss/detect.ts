/**
 * Cross-site scripting: markup is read by the HTML tokenizer in `html.ts` from text and from inside
 * an attribute value (`" onmouseover=...`), then each tag is judged: elements that run or load
 * active content, event-handler attributes, script URLs (`javascript:` with entities, tabs and
 * case tricks undone), `srcdoc`, risky CSS. Without markup, script-context payloads are left to
 * `javascript.ts`. "1 < 2", "Tom & Jerry" and "<3" contain no tag and pass.
 */

import { decodeEntities } from '../entities.js';
import { TextView } from '../scan.js';
import type { SecurityLevel } from '../types.js';
import { tokenizeHtml, type HtmlAttribute, type HtmlContext, type HtmlTag } from './html.js';
import { findScript } from './javascript.js';
import { DANGEROUS_ELEMENTS, EVENT_NAMES, PLAIN_ATTRIBUTES, SCRIPT_SCHEMES, URL_ATTRIBUTES } from './vocabulary.js';

export interface XssMatch {
  rule: string;
  index: number;
}

/** End tags that let an injection leave a raw-text context (a script block, a title, a textarea). */
const BREAKOUT_END_TAGS = new Set(['script', 'style', 'title', 'textarea', 'noscript', 'iframe', 'xmp', 'noembed', 'noframes', 'template', 'svg', 'math']);
const ACTIVE_DATA = ['text/html', 'text/xml', 'text/javascript', 'text/ecmascript', 'text/vbscript', 'image/svg+xml', 'application/xhtml+xml', 'application/xml', 'application/javascript', 'application/ecmascript', 'application/x-javascript', 'application/x-shockwave-flash'];

/** A URL with control characters and white space removed and lower-cased, as a browser compares schemes. */
function compactUrl(value: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return decodeEntities(value).replace(/[\u0000-\u0020\u007f-\u00a0\u00ad\u200b-\u200f\u2028\u2029\ufeff\ufffd]+/g, '').toLowerCase();
}

/** A URL that runs script: `javascript:`, `vbscript:`, or a `data:` document. */
export function isScriptUrl(value: string): boolean {
  const url = compactUrl(value);
  const colon = url.indexOf(':');
  if (colon < 0) return false;
  const scheme = url.slice(0, colon);
  if (SCRIPT_SCHEMES.has(scheme)) return true;
  if (scheme !== 'data') return false;
  const rest = url.slice(colon + 1);
  return ACTIVE_DATA.some((type) => rest.startsWith(type)) || rest.startsWith(',') || /^[\w.+/-]*;base64/.test(rest);
}

/** A script scheme anywhere in text (`<a href=javascript:...>` unparsed, `x=javascript:alert(1)`), followed by code. */
function findScriptScheme(text: string, lower = text.toLowerCase()): number {
  for (let at = lower.indexOf(':'); at >= 0; at = lower.indexOf(':', at + 1)) {
    // Read the scheme backwards, skipping the tabs and newlines browsers strip from URLs.
    let start = at;
    let scheme = '';
    while (start > 0 && scheme.length < 12) {
      const c = lower.charAt(start - 1);
      if (c >= 'a' && c <= 'z') scheme = c + scheme;
      else if (c !== '\t' && c !== '\n' && c !== '\r') break;
      start--;
    }
    if (!SCRIPT_SCHEMES.has(scheme) && !SCRIPT_SCHEMES.has(scheme.replace(/^.*?(javascript|vbscript)$/, '$1'))) continue;
    // "JavaScript: The Good Parts" is a title; javascript:alert(1) and javascript://%0a... are code.
    const tail = text.slice(at + 1, at + 200);
    if (/^\s*[([`'"/=;{.\\%&+!~-]/.test(tail) || /^\s*[\w$]+\s*[([`'"/=;{.\\%&+!~-]/.test(tail) || /^[\w$]+\s*$/.test(tail)) return start;
  }
  return -1;
}

/** CSS the way a style attribute is written by hand: `color: red; margin: 0 4px`, `rgb(1, 2, 3)`. */
function plainCss(css: string): boolean {
  for (const declaration of css.split(';')) {
    if (declaration.trim() === '') continue;
    const colon = declaration.indexOf(':');
    if (colon < 0 || !/^\s*-?[a-z][a-z-]*\s*$/i.test(declaration.slice(0, colon))) return false;
    const value = declaration.slice(colon + 1).replace(/\b(?:rgba?|hsla?|calc|var)\([\w\s#.,%+*/-]*\)/gi, '');
    if (!/^[\w\s#.,%!+-]*$/.test(value)) return false;
  }
  return true;
}

function cssIsRisky(value: string, level: SecurityLevel): boolean {
  const decoded = decodeEntities(value);
  if (level === 'standard' && !plainCss(decoded)) return true;
  // Entities, CSS escapes and comments removed: `\65 xpression`, `exp/**/ression`.
  const css = decoded
    .replace(/\\([0-9a-f]{1,6})\s?/gi, (_, hex: string) => String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff) || 0xfffd))
    .replace(/\\/g, '')
    .split('/*')
    .map((part, i) => (i === 0 ? part : part.slice(part.indexOf('*/') + 2 || part.length + 2)))
    .join('')
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/[\s\u0000]+/g, '')
    .toLowerCase();
  return /expression|behavio(u?)r|binding|javascript|vbscript|url\(|@import|[{}<>]|&#|accelerator/.test(css);
}

/** A URL that plain text may link to: http(s), mailto, tel, or relative. */
function plainUrl(value: string): boolean {
  const url = compactUrl(value);
  const colon = url.indexOf(':');
  if (colon < 0) return true;
  const boundary = url.search(/[/?#]/);
  if (boundary >= 0 && boundary < colon) return true;
  return /^(https?|mailto|tel|ftp):/.test(url);
}

function eventName(name: string): string | undefined {
  if (!name.startsWith('on') || name.length < 4) return undefined;
  return name.slice(2);
}

/** JavaScript-looking handler code: more than a plain word ("init") or a number. */
function looksLikeCode(value: string | undefined): boolean {
  if (value === undefined) return false;
  return /[([`=.;:+]/.test(value) || findScript(value) !== undefined;
}

function judgeAttribute(attribute: HtmlAttribute, tag: HtmlTag, level: SecurityLevel, inAttributeContext: boolean): string | undefined {
  const { name, value } = attribute;
  const event = eventName(name);
  if (event !== undefined) {
    const known = EVENT_NAMES.has(event);
    if (inAttributeContext) {
      if (known ? value === undefined || looksLikeCode(value) || level === 'strict' : looksLikeCode(value)) return 'event-handler';
    } else if (known || looksLikeCode(value) || level === 'strict') return 'event-handler';
  }
  if (name === 'srcdoc') return 'srcdoc';
  if (level !== 'permissive' && (name.startsWith('xmlns') || name.startsWith('xlink:') || name.startsWith('ev:'))) return 'namespace-trick';
  if (value === undefined) return undefined;
  if (URL_ATTRIBUTES.has(name) || name.endsWith(':href') || name === 'src' || name.endsWith('src')) {
    if (isScriptUrl(value)) return 'script-url';
    if (tag.name === 'meta' && /url\s*=/i.test(value) && isScriptUrl(value.slice(value.search(/url\s*=/i)).replace(/^url\s*=\s*/i, ''))) return 'script-url';
  }
  if (name === 'style' && (level === 'strict' || cssIsRisky(value, level))) return 'style-attribute';
  if (level !== 'permissive' && findScriptScheme(decodeEntities(value)) >= 0) return 'script-url';
  return undefined;
}

function plainAttribute({ name, value }: HtmlAttribute): boolean {
  if (name === 'href' || name === 'src') return value === undefined || plainUrl(value);
  if (name === 'style') return true;
  return PLAIN_ATTRIBUTES.has(name) || name.startsWith('aria-') || (name.startsWith('data-') && !/^data-(bind|ng|v-)/.test(name));
}

/**
 * `<img[a]src=x[b]onerror=...>`, `<img/src/onerror=...>`: a tag name with characters browsers or
 * filters may treat as separators. Read what follows as attributes to find the tricks in it.
 */
function malformedAttributes(tag: HtmlTag): HtmlAttribute[] {
  const cut = tag.name.search(/[^a-z0-9:-]/);
  if (cut < 0) return tag.attributes;
  const rest = tag.name.slice(cut).replace(/[^\w:="'`().,;/-]/g, ' ');
  const inner = tokenizeHtml(`<x ${rest}>`)[0];
  return [...(inner?.attributes ?? []), ...tag.attributes];
}

function judgeTag(tag: HtmlTag, level: SecurityLevel, depth: number): string | undefined {
  switch (tag.kind) {
    case 'start':
    case 'end': {
      const name = tag.name;
      if (tag.kind === 'start' && (DANGEROUS_ELEMENTS.has(name) || name.includes(':'))) {
        if (level !== 'permissive' || name === 'script' || name === 'iframe' || name === 'object' || name === 'embed' || name === 'base') return 'dangerous-element';
      }
      if (tag.kind === 'end' && level !== 'permissive' && BREAKOUT_END_TAGS.has(name)) return 'dangerous-element';
      const wellFormed = /^[a-z][a-z0-9-]*$/.test(name);
      const attributes = wellFormed ? tag.attributes : malformedAttributes(tag);
      for (const attribute of attributes) {
        const rule = judgeAttribute(attribute, tag, level, false);
        if (rule) return rule;
        if (level === 'standard' && wellFormed && (attribute.value !== undefined || /[(&;]/.test(attribute.name)) && !plainAttribute(attribute)) return 'unusual-attribute';
      }
      if (level === 'strict' && name.length > 0) return 'markup';
      return undefined;
    }
    case 'comment':
    case 'declaration':
      if (level === 'permissive') return undefined;
      if (/^\[if|\[endif|^--\[if|<!\[endif|<!entity|<!attlist|^\[cdata\[/i.test(tag.name)) return 'markup-trick';
      if (tag.kind === 'declaration' && /^doctype[^[]*\[/i.test(tag.name)) return 'markup-trick';
      if (depth === 0 && tag.name.includes('<')) return findInMarkup(tag.name, level, 'text', depth + 1);
      return level === 'strict' ? 'markup' : undefined;
    case 'instruction':
      if (level === 'permissive') return undefined;
      if (/^\?(xml|import)/i.test(tag.name)) return 'markup-trick';
      return level === 'strict' ? 'markup' : undefined;
  }
}

function findInMarkup(text: string, level: SecurityLevel, context: HtmlContext, depth: number): string | undefined {
  const tags = tokenizeHtml(text, context);
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i]!;
    if (i === 0 && context !== 'text') {
      // The tag the context was in: only what the input added after closing the attribute value.
      for (const attribute of tag.attributes) {
        const rule = judgeAttribute(attribute, tag, level, true);
        if (rule) return rule;
      }
      continue;
    }
    const rule = judgeTag(tag, level, depth);
    if (rule) return rule;
  }
  return undefined;
}

const CONTEXTS: readonly [string, HtmlContext][] = [['"', 'double-quoted'], ["'", 'single-quoted'], ['`', 'back-quoted']];

/** Looks for XSS in one (already decoded) text. */
export function findXss(text: string, level: SecurityLevel, view = new TextView(text)): XssMatch | undefined {
  if (text.length === 0) return undefined;
  if (view.has('<')) {
    const rule = findInMarkup(text, level, 'text', 0);
    if (rule) return { rule, index: Math.max(0, text.indexOf('<')) };
  }
  if (view.has('=')) {
    for (const [quote, context] of CONTEXTS) {
      if (!view.has(quote)) continue;
      const rule = findInMarkup(text, level, context, 0);
      if (rule) return { rule, index: text.indexOf(quote) };
    }
    const rule = findInMarkup(text, level, 'unquoted', 0);
    if (rule) return { rule, index: 0 };
  }
  if (level === 'permissive') return undefined;
  const scheme = view.has(':') ? findScriptScheme(text, view.lower) : -1;
  if (scheme >= 0) return { rule: 'script-url', index: scheme };
  // A bare handler name (`onerror`): only `o`/`O` and `n`/`N` lower-case to a leading "on".
  const trimmed = text.trim();
  if ((trimmed.charCodeAt(0) | 0x20) === 111 && (trimmed.charCodeAt(1) | 0x20) === 110 && EVENT_NAMES.has(trimmed.toLowerCase().slice(2))) {
    return { rule: 'event-handler', index: 0 };
  }
  if (view.has('+') && text.includes('+ADw-')) {
    // UTF-7: +ADw- is `<`, +AD4- is `>`; a page served without a charset once ran it.
    const utf7 = text.replace(/\+ADw-/g, '<').replace(/\+AD4-/g, '>').replace(/\+ACI-/g, '"').replace(/\+ACc-/g, "'");
    const rule = findInMarkup(utf7, level, 'text', 0);
    if (rule) return { rule: 'utf7-markup', index: text.indexOf('+ADw-') };
  }
  if (text.includes('\u00bc') && text.includes('\u00be')) {
    // Bytes with the high bit set read as US-ASCII by a server that strips it: ¼script¾ is <script>.
    const stripped = text.replace(/[\u0080-\u00ff]/g, (c) => String.fromCharCode(c.charCodeAt(0) & 0x7f));
    const rule = findInMarkup(stripped, level, 'text', 0);
    if (rule) return { rule: 'ascii-markup', index: text.indexOf('\u00bc') };
  }
  // Script without markup, also inside a JS string the page opened ('-alert(1)-'): each sink is read from its own name.
  return findScript(text, view);
}
