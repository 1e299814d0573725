import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidInputError, LimitExceededError } from '../../src/core/errors.js';
import {
  checkEngineVersions,
  createSanitizer,
  defineProfile,
  escapeHtml,
  linkify,
  sanitizeHtml,
  sanitizeObject,
  TESTED_ENGINE_VERSIONS,
  type CustomProfile,
} from '../../src/core/sanitize/index.js';

const REL = 'rel="noopener noreferrer nofollow"';

describe('sanitizeHtml profiles', () => {
  const sample =
    '<p onclick="x()">Hi <b>bold</b> <em>em</em> <span>span</span> <a href="https://ok.example/p?q=1" title="t" target="_blank" rel="opener">ok</a>' +
    ' <a href="javascript:alert(1)">js</a> <a href="/relative">rel</a> <img src="https://img.example/a.png" alt="a" onerror="x()">' +
    '<script>alert(1)</script><style>p{}</style></p><h1 id="h">Title</h1><table><tr><td colspan="2">c</td></tr></table>';

  it('strict keeps the text only, escaped, and drops script and style content', () => {
    expect(sanitizeHtml(sample, { profile: 'strict' })).toBe('Hi bold em span ok js rel TitleC'.replace('C', 'c'));
    expect(sanitizeHtml('a < b & "c" \'d\'', { profile: 'strict' })).toBe('a &lt; b &amp; &quot;c&quot; &#39;d&#39;');
    expect(sanitizeHtml('<b>x</b> &lt;i&gt;', { profile: 'strict' })).toBe('x &lt;i&gt;');
  });

  it('basic is the default: inline formatting and http(s)/mailto links with rel, nothing else', () => {
    const out = sanitizeHtml(sample);
    expect(out).toBe(sanitizeHtml(sample, { profile: 'basic' }));
    expect(out).toBe(
      `<p>Hi <b>bold</b> <em>em</em> span <a href="https://ok.example/p?q=1" title="t" ${REL}>ok</a> <a>js</a> <a>rel</a> </p>Titlec`,
    );
    expect(sanitizeHtml('<a href="mailto:me@example.com">m</a><a href="HTTP://X.EXAMPLE">u</a>')).toBe(
      `<a href="mailto:me@example.com" ${REL}>m</a><a href="HTTP://X.EXAMPLE" ${REL}>u</a>`,
    );
    expect(sanitizeHtml('<ul><li>a</li></ul><ol><li>b</li></ol><blockquote>q</blockquote><s>s</s><u>u</u><code>c</code><br>')).toBe(
      '<ul><li>a</li></ul><ol><li>b</li></ol><blockquote>q</blockquote><s>s</s><u>u</u><code>c</code><br>',
    );
  });

  it('rich adds headings, tables, pre and https images with a few attributes', () => {
    const out = sanitizeHtml(sample + '<img src="http://plain.example/b.png"><pre><code>x</code></pre>', { profile: 'rich' });
    expect(out).toBe(
      `<p>Hi <b>bold</b> <em>em</em> span <a href="https://ok.example/p?q=1" title="t" ${REL}>ok</a> <a>js</a> <a>rel</a> ` +
        '<img src="https://img.example/a.png" alt="a"></p><h1>Title</h1><table><tbody><tr><td colspan="2">c</td></tr></tbody></table>' +
        '<img><pre><code>x</code></pre>',
    );
  });

  it('dompurify keeps DOMPurify defaults: relative URLs, ids, styles and SVG, but never script', () => {
    const out = sanitizeHtml(sample + '<svg><circle r="1" onload="x()"></circle></svg>', { profile: 'dompurify' });
    expect(out).toContain('<a href="/relative">rel</a>');
    expect(out).toContain('<h1 id="h">');
    expect(out).toContain('<svg><circle r="1"></circle></svg>');
    expect(out).not.toMatch(/script|onclick|onerror|onload|javascript:/i);
  });

  it('turns off SVG and MathML unless a custom profile enables them', () => {
    const payload = '<svg><a href="https://x.example"><circle r="2"></circle></a></svg><math><mi>x</mi></math>';
    expect(sanitizeHtml(payload, { profile: 'rich' })).toBe('');
    const svg = defineProfile({ tags: ['p'], svg: true });
    expect(sanitizeHtml(payload, { profile: svg })).toContain('<circle r="2"></circle>');
    expect(sanitizeHtml(payload, { profile: svg })).not.toContain('<math>');
    expect(sanitizeHtml(payload, { profile: defineProfile({ tags: ['p'], mathMl: true }) })).toContain('<math><mi>x</mi></math>');
  });

  it('keeps text without markup as it is in the html profiles', () => {
    expect(sanitizeHtml('plain & simple > "quoted"')).toBe('plain & simple > "quoted"');
    expect(sanitizeHtml('')).toBe('');
  });
});

describe('custom profiles', () => {
  const profile: CustomProfile = defineProfile({
    tags: ['p', 'a', 'img', 'span'],
    attributes: ['class'],
    tagAttributes: { a: ['href'], img: ['src', 'alt'] },
    uriSchemes: ['https', 'myapp'],
    mediaSchemes: ['https'],
    relativeUrls: true,
    linkRel: 'noopener',
    dataAttributes: true,
  });

  it('applies tags, global and per-tag attributes, schemes, relative URLs and the link rel', () => {
    const out = sanitizeHtml(
      '<p class="x" alt="no" data-id="7">t</p><a href="myapp://open" class="c">a</a><a href="http://plain.example">b</a>' +
        '<a href="/here">c</a><img src="https://i.example/x.png" alt="i" href="no"><img src="myapp://i"><b>d</b>',
      { profile },
    );
    expect(out).toBe(
      '<p class="x" data-id="7">t</p><a href="myapp://open" class="c" rel="noopener">a</a><a>b</a>' +
        '<a href="/here" rel="noopener">c</a><img src="https://i.example/x.png" alt="i"><img>d',
    );
  });

  it('passes DOMPurify hooks through', () => {
    const seen: string[] = [];
    const hooked = defineProfile({
      tags: ['p'],
      hooks: {
        uponSanitizeElement: (node, data) => {
          if (data.tagName !== '#text') seen.push(data.tagName);
        },
        afterSanitizeAttributes: [(node) => node.setAttribute('data-seen', '1')],
      },
    });
    expect(sanitizeHtml('<p>a</p><i>b</i>', { profile: hooked })).toBe('<p data-seen="1">a</p>b');
    expect(seen).toEqual(expect.arrayContaining(['p', 'i']));
  });

  it('refuses unsafe or mistyped options with a ConfigurationError that says what to write', () => {
    const bad: [unknown, RegExp][] = [
      [{ tags: ['p', 'script'] }, /<script> is never allowed/],
      [{ tags: ['svg'] }, /use svg: true/],
      [{ tags: ['p'], attributes: ['onclick'] }, /event-handler attributes/],
      [{ tags: ['img'], tagAttributes: { img: ['srcset'] } }, /"srcset" is never allowed/],
      [{ tags: ['a'], uriSchemes: ['https', 'javascript:'] }, /"javascript:" URLs can run script/],
      [{ tags: ['a'], tagAttributes: { img: ['src'] } }, /<img> is not in tags/],
      [{ tags: ['p'], atributes: ['class'] }, /did you mean "attributes"/],
      [{ tags: ['p'], hooks: { uponSanitiseElement: () => {} } }, /did you mean "uponSanitizeElement"/],
      [{ tags: ['p'], linkRel: 'x"y' }, /linkRel/],
      [{ tags: 'p' }, /expected an array/],
    ];
    for (const [options, message] of bad) {
      expect(() => defineProfile(options as CustomProfile), JSON.stringify(options)).toThrow(ConfigurationError);
      expect(() => defineProfile(options as CustomProfile)).toThrow(message);
    }
    expect(() => sanitizeHtml('x', { profile: 'basci' as 'basic' })).toThrow(/did you mean "basic"/);
  });
});

describe('sanitizer limits and window', () => {
  it('refuses input over maxInputBytes (UTF-8 bytes) with LimitExceededError', () => {
    const sanitizer = createSanitizer({ maxInputBytes: 10 });
    expect(sanitizer.sanitize('0123456789')).toBe('0123456789');
    expect(() => sanitizer.sanitize('01234567890')).toThrow(LimitExceededError);
    expect(() => sanitizer.sanitize('ééééé€')).toThrow(expect.objectContaining({ limit: 'maxInputBytes' }));
    expect(() => sanitizeHtml('x'.repeat(1_048_577))).toThrow(LimitExceededError);
  });

  it('throws InvalidInputError for non-strings', () => {
    for (const value of [undefined, null, 42, {}, ['<b>']]) expect(() => sanitizeHtml(value as string)).toThrow(InvalidInputError);
  });

  it('recycles the window after the configured number of calls', () => {
    const sanitizer = createSanitizer({ recycleAfterCalls: 3 });
    for (let i = 0; i < 7; i++) expect(sanitizer.sanitize(`<b>${i}</b>`)).toBe(`<b>${i}</b>`);
    expect(sanitizer.stats()).toMatchObject({ windowsCreated: 3, callsOnWindow: 1 });
  });

  it('recycles the window once the heap grew past the bound', () => {
    const sanitizer = createSanitizer({ recycleAfterHeapGrowthBytes: 1_048_576 });
    sanitizer.sanitize('<i>warm</i>');
    // Retained growth far above the bound (about 100 MB), so a collection of earlier garbage between
    // the baseline and a check cannot hide it.
    const ballast: number[][] = [];
    for (let i = 0; i < 128; i++) {
      ballast.push(Array.from({ length: 100_000 }, (_, j) => j + i + 0.5));
      sanitizer.sanitize('<i>x</i>');
    }
    expect(ballast.length).toBe(128);
    expect(sanitizer.stats().windowsCreated).toBeGreaterThan(1);
  });

  it('validates its options once, at construction', () => {
    expect(() => createSanitizer({ maxInputbytes: 5 } as never)).toThrow(/did you mean "maxInputBytes"/);
    expect(() => createSanitizer({ recycleAfterCalls: 0 })).toThrow(ConfigurationError);
    expect(() => createSanitizer({ worker: { timeBudget: 5 } as never })).toThrow(/did you mean "timeBudgetMs"/);
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-special characters and nothing else', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    expect(escapeHtml('plain text é')).toBe('plain text é');
    expect(() => escapeHtml(undefined as unknown as string)).toThrow(InvalidInputError);
  });
});

describe('linkify', () => {
  it('links bare URLs, www hosts and e-mail addresses, escaping everything else', () => {
    expect(linkify('see https://example.com/a?b=1&c=2, or www.example.org. <b>x</b> mail a.b@example.co.uk!')).toBe(
      `see <a href="https://example.com/a?b=1&amp;c=2" ${REL}>https://example.com/a?b=1&amp;c=2</a>, or ` +
        `<a href="https://www.example.org/" ${REL}>www.example.org</a>. &lt;b&gt;x&lt;/b&gt; mail ` +
        `<a href="mailto:a.b@example.co.uk" ${REL}>a.b@example.co.uk</a>!`,
    );
  });

  it('keeps balanced parentheses and drops trailing punctuation', () => {
    expect(linkify('(https://en.wikipedia.org/wiki/Foo_(bar))')).toBe(
      `(<a href="https://en.wikipedia.org/wiki/Foo_(bar)" ${REL}>https://en.wikipedia.org/wiki/Foo_(bar)</a>)`,
    );
  });

  it('never links other schemes, credentials or quote-breaking URLs', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,x', 'https://user:pw@bank.example/', 'ftp://x.example', 'http://localhost']) {
      expect(linkify(text)).toBe(escapeHtml(text));
    }
    expect(linkify('https://x.example/"onmouseover="alert(1)')).toBe(
      `<a href="https://x.example/%22onmouseover=%22alert(1)" ${REL}>https://x.example/&quot;onmouseover=&quot;alert(1)</a>`,
    );
    expect(linkify('me@example.com', { emails: false })).toBe('me@example.com');
  });
});

describe('sanitizeObject', () => {
  const data = {
    title: '<b>Title</b>',
    body: '<p>Body <script>x</script><a href="https://a.example">l</a></p>',
    comments: [{ author: '<i>ann</i>', body: '<b>hi</b><img src=x onerror=alert(1)>' }],
    count: 3,
    flag: false,
    nothing: null,
    token: '<keep>',
  };

  it('applies one profile to every string', () => {
    expect(sanitizeObject(data, 'basic')).toEqual({
      ...data,
      title: '<b>Title</b>',
      body: `<p>Body <a href="https://a.example" ${REL}>l</a></p>`,
      comments: [{ author: '<i>ann</i>', body: '<b>hi</b>' }],
      token: '',
    });
  });

  it('applies profiles per field, strict for the rest by default, and keeps what is marked keep', () => {
    const out = sanitizeObject(data, { fields: { body: 'rich', 'comments.*.body': 'basic', token: 'keep' } });
    expect(out).toEqual({
      ...data,
      title: 'Title',
      body: `<p>Body <a href="https://a.example" ${REL}>l</a></p>`,
      comments: [{ author: 'ann', body: '<b>hi</b>' }],
      token: '<keep>',
    });
    expect(data.title).toBe('<b>Title</b>');
  });

  it('enforces the validators’ structure limits and the input cap', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 12; i++) deep = { a: deep };
    expect(() => sanitizeObject(deep)).toThrow(expect.objectContaining({ limit: 'maxDepth' }));
    expect(() => sanitizeObject({ list: Array.from({ length: 10_001 }, () => 1) })).toThrow(expect.objectContaining({ limit: 'maxArrayLength' }));
    expect(() => sanitizeObject({ a: 'x'.repeat(100_001) })).toThrow(expect.objectContaining({ limit: 'maxStringLength' }));
    expect(() => sanitizeObject({ a: '<b>', b: '<i>' }, { limits: { maxKeys: 1 } })).toThrow(expect.objectContaining({ limit: 'maxKeys' }));
    const small = createSanitizer({ maxInputBytes: 8 });
    expect(() => small.sanitizeObject({ a: 'abcde', b: 'fghij' })).toThrow(expect.objectContaining({ limit: 'maxInputBytes' }));
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => sanitizeObject(cycle)).toThrow(LimitExceededError);
  });

  it('drops __proto__ keys and refuses values that are not form or JSON data', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "ok": "<b>y</b>"}') as Record<string, unknown>;
    const out = sanitizeObject(parsed, 'basic') as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['ok']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(() => sanitizeObject({ when: new Date() })).toThrow(/unsupported Date at \$\.when/);
  });
});

describe('engine versions', () => {
  const require = createRequire(import.meta.url);
  const installed = {
    dompurify: (require('dompurify') as { version: string }).version,
    jsdom: (require('jsdom/package.json') as { version: string }).version,
  };

  it('the installed DOMPurify and jsdom have no known bypass and are not older than the tested versions', () => {
    console.log(`installed engine: dompurify ${installed.dompurify}, jsdom ${installed.jsdom}; tested: ${JSON.stringify(TESTED_ENGINE_VERSIONS)}`);
    expect(checkEngineVersions(installed)).toEqual([]);
  });

  it('flags versions with published advisories', () => {
    expect(checkEngineVersions({ dompurify: '3.2.3', jsdom: installed.jsdom }).map((p) => p.reason).join('\n')).toMatch(/CVE-2025-26791/);
    expect(checkEngineVersions({ dompurify: '3.1.2', jsdom: installed.jsdom }).map((p) => p.reason).join('\n')).toMatch(/CVE-2024-47875/);
    expect(checkEngineVersions({ dompurify: '3.4.12', jsdom: installed.jsdom }).map((p) => p.reason).join('\n')).toMatch(/GHSA-55q2-fjhq-7xh7/);
    expect(checkEngineVersions({ dompurify: '2.4.1', jsdom: '16.4.0' }).map((p) => p.package)).toEqual(expect.arrayContaining(['dompurify', 'jsdom']));
    expect(checkEngineVersions({ dompurify: '99.0.0', jsdom: '99.0.0' })).toEqual([]);
  });
});
