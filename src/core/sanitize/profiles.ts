/**
 * Sanitizing profiles: the built-in ones and custom allowlists, normalized once into a `ProfileSpec`
 * (plain data, so it can cross into a worker thread) plus the custom DOMPurify hooks (functions, which
 * cannot).
 */

import type { DocumentFragmentHook, ElementHook, HookName, NodeHook, UponSanitizeAttributeHook, UponSanitizeElementHook } from 'dompurify';
import { checkBoolean, checkKeys, fail, isPlainObject } from '../config/check-options.js';

/**
 * - `strict`: no markup survives; the result is the text, escaped.
 * - `basic` (default): inline formatting, paragraphs, quotes, lists, and http/https/mailto links.
 * - `rich`: `basic` plus headings, tables, pre/code blocks, https images and a few attributes.
 * - `dompurify`: DOMPurify's own defaults (HTML, SVG, MathML, data: images, relative URLs), for
 *   parity with code that called `DOMPurify.sanitize(html)`. Looser than the others; no link rel.
 */
export type ProfileName = 'strict' | 'basic' | 'rich' | 'dompurify';
export const PROFILE_NAMES: readonly ProfileName[] = ['strict', 'basic', 'rich', 'dompurify'];

/** DOMPurify hooks, passed through unchanged (they run in the main thread only). */
export interface SanitizeHooks {
  beforeSanitizeElements?: NodeHook | readonly NodeHook[];
  afterSanitizeElements?: NodeHook | readonly NodeHook[];
  uponSanitizeShadowNode?: NodeHook | readonly NodeHook[];
  beforeSanitizeAttributes?: ElementHook | readonly ElementHook[];
  afterSanitizeAttributes?: ElementHook | readonly ElementHook[];
  beforeSanitizeShadowDOM?: DocumentFragmentHook | readonly DocumentFragmentHook[];
  afterSanitizeShadowDOM?: DocumentFragmentHook | readonly DocumentFragmentHook[];
  uponSanitizeElement?: UponSanitizeElementHook | readonly UponSanitizeElementHook[];
  uponSanitizeAttribute?: UponSanitizeAttributeHook | readonly UponSanitizeAttributeHook[];
}

/** An allowlist of your own. Everything not listed is removed; the text inside removed elements stays. */
export interface CustomProfile {
  /** Elements to keep, e.g. `['p', 'a', 'em']`. */
  tags: readonly string[];
  /** Attributes allowed on every element in `tags`. */
  attributes?: readonly string[];
  /** Attributes allowed on one element only, e.g. `{ a: ['href'], img: ['src', 'alt'] }`. */
  tagAttributes?: Readonly<Record<string, readonly string[]>>;
  /** Schemes for link-like URL attributes (href, cite, action, ...). Default `['http', 'https', 'mailto']`. */
  uriSchemes?: readonly string[];
  /** Schemes for media sources (src, poster). Default `['https']`. */
  mediaSchemes?: readonly string[];
  /** Allow URLs without a scheme (`/path`, `#top`). Default false. */
  relativeUrls?: boolean;
  /** `rel` written on every link with an href; `false` leaves links as they are. Default `'noopener noreferrer nofollow'`. */
  linkRel?: string | false;
  /** Keep SVG (DOMPurify's SVG allowlist). Default false. */
  svg?: boolean;
  /** Keep MathML (DOMPurify's MathML allowlist). Default false. */
  mathMl?: boolean;
  /** Keep `data-*` attributes. Default false. */
  dataAttributes?: boolean;
  /** Keep `aria-*` attributes. Default false. */
  ariaAttributes?: boolean;
  hooks?: SanitizeHooks;
}

export type ProfileRef = ProfileName | CustomProfile;

/** The normalized, serializable form of a profile. */
export interface ProfileSpec {
  /** `text`: strip to escaped text; `html`: our allowlist and hooks; `dompurify`: DOMPurify's defaults untouched. */
  mode: 'text' | 'html' | 'dompurify';
  tags: string[];
  globalAttributes: string[];
  tagAttributes: Record<string, string[]>;
  uriSchemes: string[];
  mediaSchemes: string[];
  relativeUrls: boolean;
  linkRel: string | null;
  svg: boolean;
  mathMl: boolean;
  dataAttributes: boolean;
  ariaAttributes: boolean;
}

export const DEFAULT_LINK_REL = 'noopener noreferrer nofollow';

const BASIC_TAGS = ['a', 'b', 'i', 'em', 'strong', 'u', 's', 'code', 'br', 'p', 'blockquote', 'ul', 'ol', 'li'];
const RICH_TAGS = [
  ...BASIC_TAGS,
  ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'hr', 'sub', 'sup', 'del', 'ins', 'mark', 'small', 'kbd', 'abbr'],
  ...['dl', 'dt', 'dd', 'figure', 'figcaption', 'img'],
  ...['table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td'],
];

function spec(overrides: Partial<ProfileSpec> & Pick<ProfileSpec, 'mode'>): ProfileSpec {
  return {
    tags: [],
    globalAttributes: [],
    tagAttributes: {},
    uriSchemes: ['http', 'https', 'mailto'],
    mediaSchemes: ['https'],
    relativeUrls: false,
    linkRel: DEFAULT_LINK_REL,
    svg: false,
    mathMl: false,
    dataAttributes: false,
    ariaAttributes: false,
    ...overrides,
  };
}

export const BUILT_IN_PROFILES: Readonly<Record<ProfileName, ProfileSpec>> = {
  strict: spec({ mode: 'text' }),
  basic: spec({ mode: 'html', tags: BASIC_TAGS, tagAttributes: { a: ['href', 'title'] } }),
  rich: spec({
    mode: 'html',
    tags: RICH_TAGS,
    tagAttributes: {
      a: ['href', 'title'],
      abbr: ['title'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      ol: ['start', 'reversed'],
      th: ['colspan', 'rowspan', 'scope'],
      td: ['colspan', 'rowspan'],
    },
  }),
  dompurify: spec({ mode: 'dompurify', linkRel: null }),
};

/** The built-in profiles in compiled form: one object each, so purifiers can be cached by identity. */
export const BUILT_IN_COMPILED: Readonly<Record<ProfileName, CompiledProfile>> = Object.freeze({
  strict: { spec: BUILT_IN_PROFILES.strict, hooks: [] },
  basic: { spec: BUILT_IN_PROFILES.basic, hooks: [] },
  rich: { spec: BUILT_IN_PROFILES.rich, hooks: [] },
  dompurify: { spec: BUILT_IN_PROFILES.dompurify, hooks: [] },
});

/** Elements that run script, load other documents, restyle the page or change how the rest is parsed. */
const NEVER_ALLOWED_TAGS = new Set([
  'script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'meta', 'link',
  'noscript', 'noembed', 'noframes', 'xmp', 'plaintext', 'template', 'html', 'head', 'body', 'title',
  'svg', 'math',
]);
/** Attributes that run script or load documents whatever their value. */
const NEVER_ALLOWED_ATTRIBUTES = new Set(['srcdoc', 'srcset', 'ping', 'is', 'xmlns']);
/** Schemes that run script or embed arbitrary documents. */
const NEVER_ALLOWED_SCHEMES = new Set(['javascript', 'vbscript', 'data', 'livescript', 'mocha']);

const TAG_NAME = /^[a-z][a-z0-9-]{0,63}$/;
const ATTRIBUTE_NAME = /^[a-z][a-z0-9_.:-]{0,63}$/;
const SCHEME = /^[a-z][a-z0-9+.-]{0,31}$/;
const REL_VALUE = /^[a-z][a-z -]{0,127}$/;

const CUSTOM_KEYS: readonly (keyof CustomProfile)[] = [
  'tags', 'attributes', 'tagAttributes', 'uriSchemes', 'mediaSchemes', 'relativeUrls', 'linkRel', 'svg', 'mathMl', 'dataAttributes', 'ariaAttributes', 'hooks',
];
const HOOK_NAMES: readonly HookName[] = [
  'beforeSanitizeElements', 'afterSanitizeElements', 'uponSanitizeShadowNode', 'beforeSanitizeAttributes', 'afterSanitizeAttributes',
  'beforeSanitizeShadowDOM', 'afterSanitizeShadowDOM', 'uponSanitizeElement', 'uponSanitizeAttribute',
];

function names(path: string, value: unknown, pattern: RegExp, what: string): string[] {
  if (!Array.isArray(value)) fail(path, `expected an array of ${what}`);
  return [
    ...new Set(
      value.map((item, i) => {
        const name = typeof item === 'string' ? item.trim().toLowerCase() : '';
        if (!pattern.test(name)) fail(`${path}[${i}]`, `expected ${what.replace(/s$/, '')} name, got ${JSON.stringify(item)}`);
        return name;
      }),
    ),
  ];
}

function checkAttributes(path: string, value: unknown): string[] {
  const list = names(path, value, ATTRIBUTE_NAME, 'attribute names');
  for (const name of list) {
    if (name.startsWith('on')) fail(path, `"${name}": event-handler attributes run script and are never allowed`);
    if (NEVER_ALLOWED_ATTRIBUTES.has(name)) fail(path, `"${name}" is never allowed (it loads or runs content whatever its value)`);
  }
  return list;
}

function checkSchemes(path: string, value: unknown): string[] {
  const trimmed = Array.isArray(value) ? value.map((item: unknown) => (typeof item === 'string' ? item.trim().replace(/:$/, '') : item)) : value;
  const list = names(path, trimmed, SCHEME, 'URL schemes');
  for (const scheme of list) {
    if (NEVER_ALLOWED_SCHEMES.has(scheme)) fail(path, `"${scheme}:" URLs can run script and are never allowed`);
  }
  return list;
}

export interface CompiledProfile {
  spec: ProfileSpec;
  hooks: ReadonlyArray<readonly [HookName, (...args: never[]) => void]>;
}

/** Validates a custom profile (throws ConfigurationError with what to write instead) and normalizes it. */
export function compileCustomProfile(profile: CustomProfile, path = 'profile'): CompiledProfile {
  checkKeys(path, profile, CUSTOM_KEYS);
  const tags = names(`${path}.tags`, profile.tags, TAG_NAME, 'tag names');
  for (const tag of tags) {
    if (tag === 'svg' || tag === 'math') fail(`${path}.tags`, `use ${tag === 'svg' ? 'svg' : 'mathMl'}: true to allow <${tag}>`);
    if (NEVER_ALLOWED_TAGS.has(tag)) fail(`${path}.tags`, `<${tag}> is never allowed (it runs script, loads documents or changes parsing)`);
  }
  const globalAttributes = profile.attributes === undefined ? [] : checkAttributes(`${path}.attributes`, profile.attributes);
  const tagAttributes: Record<string, string[]> = {};
  if (profile.tagAttributes !== undefined) {
    if (!isPlainObject(profile.tagAttributes)) fail(`${path}.tagAttributes`, 'expected an object such as { a: ["href"] }');
    for (const [tag, list] of Object.entries(profile.tagAttributes)) {
      const name = tag.toLowerCase();
      if (!tags.includes(name)) fail(`${path}.tagAttributes.${tag}`, `<${name}> is not in tags; add it there first`);
      tagAttributes[name] = checkAttributes(`${path}.tagAttributes.${tag}`, list);
    }
  }
  const linkRel = profile.linkRel;
  if (linkRel !== undefined && linkRel !== false && (typeof linkRel !== 'string' || !REL_VALUE.test(linkRel))) {
    fail(`${path}.linkRel`, 'expected false or space-separated link types such as "noopener noreferrer nofollow"');
  }
  const hooks: [HookName, (...args: never[]) => void][] = [];
  if (profile.hooks !== undefined) {
    checkKeys(`${path}.hooks`, profile.hooks, HOOK_NAMES);
    for (const [name, value] of Object.entries(profile.hooks) as [HookName, unknown][]) {
      const list: unknown[] = Array.isArray(value) ? value : [value];
      for (const hook of list) {
        if (typeof hook !== 'function') fail(`${path}.hooks.${name}`, 'expected a function or an array of functions');
        hooks.push([name, hook as (...args: never[]) => void]);
      }
    }
  }
  return {
    spec: spec({
      mode: 'html',
      tags,
      globalAttributes,
      tagAttributes,
      uriSchemes: profile.uriSchemes === undefined ? ['http', 'https', 'mailto'] : checkSchemes(`${path}.uriSchemes`, profile.uriSchemes),
      mediaSchemes: profile.mediaSchemes === undefined ? ['https'] : checkSchemes(`${path}.mediaSchemes`, profile.mediaSchemes),
      relativeUrls: checkBoolean(`${path}.relativeUrls`, profile.relativeUrls) ?? false,
      linkRel: linkRel === false ? null : (linkRel ?? DEFAULT_LINK_REL),
      svg: checkBoolean(`${path}.svg`, profile.svg) ?? false,
      mathMl: checkBoolean(`${path}.mathMl`, profile.mathMl) ?? false,
      dataAttributes: checkBoolean(`${path}.dataAttributes`, profile.dataAttributes) ?? false,
      ariaAttributes: checkBoolean(`${path}.ariaAttributes`, profile.ariaAttributes) ?? false,
    }),
    hooks,
  };
}
