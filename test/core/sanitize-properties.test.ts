/**
 * Property tests over generated hostile HTML, for every profile: the output, read back by an
 * independent HTML parser, has no script element, no event handler attribute and no javascript:
 * (or vbscript:/data:) URL, whatever the casing or encoding; and for bulwark's own profiles,
 * sanitizing twice equals sanitizing once. (The `dompurify` profile is DOMPurify's defaults exactly,
 * including one non-idempotent corner: a leading `<template>` is parsed into <head> on the second
 * pass and dropped, so `<tr><template>` gives `<template></template>` and then ``.)
 */

import fc from 'fast-check';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { escapeHtml, linkify, sanitizeHtml, type ProfileName } from '../../src/core/sanitize/index.js';

const OWN_PROFILES: ProfileName[] = ['strict', 'basic', 'rich'];
const PROFILES: ProfileName[] = [...OWN_PROFILES, 'dompurify'];
const RUNS = Number(process.env.SANITIZE_PROPERTY_RUNS ?? 150);

const SCHEMES = [
  'javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', ' \u0001javascript:alert(1)', '&#106;avascript:alert(1)',
  'jav&#x61;script:alert(1)', 'javascript&colon;alert(1)', '&#x6A&#x61vascript:alert(1)', 'java&NewLine;script:alert(1)', 'vbscript:msgbox(1)',
  'data:text/html,<script>alert(1)</script>', 'https://ok.example/a?b=1', 'http://x.example/', 'mailto:a@b.example', '/relative', '#frag', '//evil.example',
];
const ATTRIBUTES = [
  'href', 'src', 'onclick', 'ONERROR', 'onMouseOver', 'style', 'title', 'xlink:href', 'formaction', 'action', 'id', 'name', 'class', 'alt', 'width',
  'data-x', 'srcdoc', 'background', 'rel', 'target', 'colspan', 'is', 'xmlns',
];
const TAGS = [
  'a', 'b', 'i', 'p', 'img', 'script', 'svg', 'math', 'style', 'table', 'td', 'tr', 'iframe', 'form', 'button', 'input', 'textarea', 'title',
  'noscript', 'template', 'select', 'option', 'mglyph', 'malignmark', 'xmp', 'div', 'span', 'h1', 'pre', 'code', 'li', 'ul', 'object', 'mi',
  'annotation-xml', 'foreignObject', 'desc', 'use', 'animate', 'set', 'body', 'html', 'head', 'frameset', 'plaintext', 'noembed', 'SCRIPT', 'ScRiPt',
];
const TEXT = ['hello', ' ', '&', '<', '>', '"', "'", '&lt;script&gt;', '&amp;', 'alert(1)', 'onclick=alert(1)', '\n', '\r\n', '\0', 'é', '&nbsp;'];

const quote = fc.constantFrom('"', "'", '');
const attribute = fc
  .tuple(fc.constantFrom(...ATTRIBUTES), fc.oneof(fc.constantFrom(...SCHEMES), fc.constantFrom(...TEXT)), quote)
  .map(([name, value, q]) => (q === '' ? ` ${name}=${value.replace(/[\s"'>]/g, '')}` : ` ${name}=${q}${value.split(q).join('')}${q}`));
const openTag = fc
  .tuple(fc.constantFrom(...TAGS), fc.array(attribute, { maxLength: 3 }), fc.boolean())
  .map(([tag, attrs, selfClose]) => `<${tag}${attrs.join('')}${selfClose ? '/' : ''}>`);
const closeTag = fc.constantFrom(...TAGS).map((tag) => `</${tag}>`);
const other = fc.constantFrom('<!--x-->', '<!--', '-->', '<![CDATA[x]]>', '</', '<?x?>', '<!doctype html>', '`', '${x}', '{{x}}');
const hostileHtml = fc.array(fc.oneof(openTag, closeTag, fc.constantFrom(...TEXT), other), { maxLength: 24 }).map((parts) => parts.join(''));

const URL_ATTRIBUTES = new Set(['href', 'src', 'xlink:href', 'action', 'formaction', 'background', 'poster', 'data', 'cite', 'srcset', 'lowsrc', 'dynsrc']);
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const IGNORED_IN_URLS = /[\u0000-\u0020\u007F-\u00A0\u1680\u180E\u2000-\u2029\u205F\u3000\uFEFF]/g;
const reader = new JSDOM('<!doctype html><body></body>').window;

/** What an independent parser finds in `html` placed as body content. Empty when nothing can run. */
function scriptFindings(html: string): string[] {
  const findings: string[] = [];
  if (/<script/i.test(html)) findings.push('the text "<script"');
  const template = reader.document.createElement('template');
  template.innerHTML = html;
  const walker = reader.document.createTreeWalker(template.content, reader.NodeFilter.SHOW_ELEMENT);
  for (let node = walker.nextNode() as Element | null; node; node = walker.nextNode() as Element | null) {
    if (node.localName.toLowerCase() === 'script') findings.push(`a <script> element`);
    for (const attribute of Array.from(node.attributes)) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith('on')) findings.push(`an event handler ${name}`);
      const url = attribute.value.replace(IGNORED_IN_URLS, '').toLowerCase();
      if (URL_ATTRIBUTES.has(name) && /^(?:javascript|vbscript|data):/.test(url)) findings.push(`a script URL in ${name}`);
    }
  }
  return findings;
}

describe.each(OWN_PROFILES)('sanitizeHtml, profile %s', (profile) => {
  it('is idempotent: sanitizing the output again changes nothing', () => {
    fc.assert(
      fc.property(hostileHtml, (html) => {
        const once = sanitizeHtml(html, { profile });
        expect(sanitizeHtml(once, { profile })).toBe(once);
      }),
      { numRuns: RUNS },
    );
  });
});

describe.each(PROFILES)('sanitizeHtml, profile %s', (profile) => {
  it('never outputs a script element, an on* attribute or a script URL, in any casing or encoding', () => {
    fc.assert(
      fc.property(hostileHtml, (html) => {
        expect(scriptFindings(sanitizeHtml(html, { profile }))).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the checker above', () => {
  it('does find script in unsanitized HTML (so the properties can fail)', () => {
    expect(scriptFindings('<ScRiPt>x</script>')).toContain('a <script> element');
    expect(scriptFindings('<img src=x OnError=alert(1)>')).toContain('an event handler onerror');
    expect(scriptFindings('<a href="&#106;ava&#x09;script&colon;alert(1)">x</a>')).toContain('a script URL in href');
  });
});

describe('strict, escapeHtml and linkify output', () => {
  it('strict output and escaped text contain no markup at all', () => {
    fc.assert(
      fc.property(fc.oneof(hostileHtml, fc.string()), (text) => {
        expect(sanitizeHtml(text, { profile: 'strict' })).not.toMatch(/[<>"']/);
        expect(escapeHtml(text)).not.toMatch(/[<>"']/);
      }),
      { numRuns: RUNS },
    );
  });

  it('linkify makes links and nothing else, and they survive the basic profile unchanged', () => {
    const words = fc.constantFrom('see', 'https://example.com/a?b=1', 'www.example.org', 'me@example.com', '<b>', '"x"', 'javascript:alert(1)', '(https://a.example/x)', '&', ' ', '\n');
    fc.assert(
      fc.property(fc.array(words, { maxLength: 12 }), (parts) => {
        const html = linkify(parts.join(' '));
        expect(scriptFindings(html)).toEqual([]);
        const template = reader.document.createElement('template');
        template.innerHTML = html;
        expect(Array.from(template.content.querySelectorAll('*')).every((el) => el.localName === 'a')).toBe(true);
        const again = reader.document.createElement('template');
        again.innerHTML = sanitizeHtml(html, { profile: 'basic' });
        expect(again.innerHTML).toBe(template.innerHTML);
      }),
      { numRuns: RUNS },
    );
  });
});
