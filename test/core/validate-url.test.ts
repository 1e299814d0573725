import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockedUrlError, ConfigurationError } from '../../src/core/errors.js';
import { assertPublicUrl, type HostResolver } from '../../src/core/validate/public-url.js';
import { validateUrl, type UrlResult } from '../../src/core/validate/url.js';

interface SsrfCase {
  url: string;
  resolves_to: string;
  detectable_from_url_text: boolean;
}
const ssrf = JSON.parse(readFileSync(new URL('../../../shared/corpora/ssrf/ssrf-payloads.json', import.meta.url), 'utf8')) as SsrfCase[];

const PUBLIC_V4 = '93.184.215.14';
const PUBLIC_V6 = '2606:2800:21f:cb07:6820:80da:af6b:8b2c';
const publicDns: HostResolver = async () => [PUBLIC_V4, PUBLIC_V6];

function code(result: UrlResult): string | undefined {
  return result.success ? undefined : result.issues[0].code;
}

async function refusal(promise: Promise<unknown>): Promise<BlockedUrlError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BlockedUrlError) return error;
    throw error;
  }
  throw new Error('expected BlockedUrlError');
}

describe('validateUrl', () => {
  it('accepts http(s) URLs and returns the WHATWG form', () => {
    expect(validateUrl('HTTPS://Example.COM/a b?q=1#x')).toEqual({ success: true, output: 'https://example.com/a%20b?q=1#x' });
    expect(validateUrl('  http://bücher.example/  ')).toEqual({ success: true, output: 'http://xn--bcher-kva.example/' });
  });

  it('refuses script and data schemes however they are written', () => {
    const payloads = [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' \u0001javascript:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      '&#106;avascript:alert(1)',
      '&#x6A;&#x61;vascript:alert(1)',
      '&#0000106avascript:alert(1)',
      'javascript&colon;alert(1)',
      '%6A%61vascript:alert(1)',
      '%256Aavascript:alert(1)',
      'jav&#x09;ascript:alert(1)',
      'java\u200bscript:alert(1)',
      'vbscript:msgbox(1)',
      'VBScript:msgbox(1)',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      ' DATA:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'FILE://c:/windows/win.ini',
    ];
    for (const payload of payloads) expect(code(validateUrl(payload)), payload).toBe('dangerous_scheme');
  });

  it('refuses other schemes unless allowed, and never allows javascript or vbscript', () => {
    expect(code(validateUrl('ftp://example.com/file'))).toBe('scheme');
    expect(code(validateUrl('http://example.com', { schemes: ['https'] }))).toBe('scheme');
    expect(validateUrl('ftp://example.com/file', { schemes: ['ftp'] }).success).toBe(true);
    expect(validateUrl('data:image/png;base64,iVBORw0KGgo=', { schemes: ['data'] }).success).toBe(true);
    expect(() => validateUrl('x', { schemes: ['JavaScript'] })).toThrow(ConfigurationError);
    expect(() => validateUrl('x', { schemes: ['vbscript:'] })).toThrow(ConfigurationError);
    expect(() => validateUrl('x', { schemes: [] })).toThrow(ConfigurationError);
    expect(() => validateUrl('x', { scheme: ['https'] } as never)).toThrow(/did you mean "schemes"/);
  });

  it('refuses credentials, also where parsers disagree about them', () => {
    expect(code(validateUrl('https://user:pass@example.com/'))).toBe('credentials');
    expect(code(validateUrl('https://user@example.com/'))).toBe('credentials');
    expect(code(validateUrl('https://example.com\\@evil.example/'))).toBe('credentials');
    expect(validateUrl('https://user@example.com/', { allowCredentials: true }).success).toBe(true);
    expect(validateUrl('https://example.com/@user').success).toBe(true);
  });

  it('refuses internal hosts by their text, in every IPv4 and IPv6 form', () => {
    const internal = [
      'http://127.0.0.1/', 'http://127.1/', 'http://2130706433/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://0x7f.1/',
      'http://10.0.0.1/', 'http://172.31.255.255/', 'http://192.168.1.1/', 'http://100.64.0.1/', 'http://169.254.169.254/',
      'http://0.0.0.0/', 'http://224.0.0.1/', 'http://255.255.255.255/', 'http://[::1]/', 'http://[::]/', 'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:7f00:1]/', 'http://[64:ff9b::7f00:1]/', 'http://[64:ff9b::a9fe:a9fe]/', 'http://[2002:7f00:1::]/',
      'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'http://[fc00::1]/', 'http://[fd00:ec2::254]/', 'http://[fe80::1]/',
      'http://[ff02::1]/', 'http://[::127.0.0.1]/', 'http://localhost/', 'http://LOCALHOST./', 'http://app.localhost/',
      'http://printer.local/', 'http://metadata.google.internal/', 'http://intranet/', 'http://127.0.0.1.nip.io/', 'http://10-0-0-1.sslip.io/',
    ];
    for (const url of internal) expect(code(validateUrl(url)), url).toBe('internal_host');
    expect(validateUrl('http://127.0.0.1:3000/', { allowInternalHosts: true }).success).toBe(true);
    expect(validateUrl('http://[64:ff9b::808:808]/').success).toBe(true); // NAT64 of a public address
    // Non-special schemes keep the host as written (WHATWG does not parse it as IPv4): the raw text is judged.
    expect(code(validateUrl('gopher://0x7f.1/', { schemes: ['gopher'] }))).toBe('internal_host');
    expect(code(validateUrl('gopher://%31%32%37.0.0.1/', { schemes: ['gopher'] }))).toBe('internal_host');
    expect(code(validateUrl('gopher://425.510.425.510/', { schemes: ['gopher'] }))).toBe('internal_host');
    expect(validateUrl('gopher://example.com/', { schemes: ['gopher'] }).success).toBe(true);
    // A public address in an obfuscated encoding is refused too: nobody writes 8.8.8.8 as hex by accident.
    expect(code(validateUrl('http://0x08080808/'))).toBe('internal_host');
    expect(validateUrl('http://8.8.8.8/').success).toBe(true);
  });

  it('refuses control characters and hosts with a backslash', () => {
    expect(code(validateUrl('https://exa\u0000mple.com/'))).toBe('control_character');
    expect(code(validateUrl('https://example.com/\u202e'))).toBe('control_character');
    expect(code(validateUrl('https://exa\tmple.com/'))).toBe('control_character');
    expect(code(validateUrl('not a url'))).toBe('syntax');
    expect(code(validateUrl(`https://example.com/${'a'.repeat(2048)}`))).toBe('too_long');
    expect(code(validateUrl(42))).toBe('type');
  });

  it('property: never throws, and its output is a fixed point', () => {
    const pieces = ['http', 'https', 'javascript', 'data', ':', '//', '/', '\\', '@', '%', '%2e', '&#', 'x', ';', '0x7f', '127', '.', '1', '[', ']', '::', 'example.com', ' ', '\t', '?', '#'];
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((p) => p.join('')), fc.tuple(fc.constantFrom('http://', 'https://', 'HTTP://'), fc.constantFrom('example.com', 'Bücher.example', '8.8.8.8', '[2001:4860::8888]'), fc.string({ maxLength: 20 })).map((p) => p.join('')), fc.string()), (input) => {
        const first = validateUrl(input);
        if (first.success) expect(validateUrl(first.output)).toEqual(first);
      }),
      { numRuns: 400 },
    );
  });
});

describe('assertPublicUrl', () => {
  it('returns the URL when every resolved address is public', async () => {
    const url = await assertPublicUrl('https://example.com/path', { resolve: publicDns });
    expect(url.href).toBe('https://example.com/path');
    expect((await assertPublicUrl(new URL(`http://${PUBLIC_V4}/`))).hostname).toBe(PUBLIC_V4);
  });

  it('refuses a host when any of its addresses is internal, and names the reason', async () => {
    const error = await refusal(assertPublicUrl('https://mixed.example/', { resolve: async () => [PUBLIC_V4, '10.1.2.3'] }));
    expect(error.code).toBe('ERR_BULWARK_URL_BLOCKED');
    expect(error.message).toContain('a private address');
    for (const address of ['::ffff:169.254.169.254', 'fe80::1%eth0', '64:ff9b::a00:1', '0.0.0.0', 'fd12:3456::1', '100.100.100.200']) {
      await refusal(assertPublicUrl('https://rebind.example/', { resolve: async () => [address] }));
    }
  });

  it('refuses hosts that do not resolve, resolve to nothing, or resolve to garbage', async () => {
    const failing: HostResolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect((await refusal(assertPublicUrl('https://nx.example/', { resolve: failing }))).cause).toBeInstanceOf(Error);
    await refusal(assertPublicUrl('https://empty.example/', { resolve: async () => [] }));
    await refusal(assertPublicUrl('https://garbage.example/', { resolve: async () => ['not-an-ip'] }));
    await refusal(assertPublicUrl('https://garbage.example/', { resolve: async () => [null] as never }));
  });

  it('accepts dns.lookup-style records and a single address from the resolver', async () => {
    const records: HostResolver = async () => [{ address: PUBLIC_V4, family: 4 } as { address: string }];
    expect((await assertPublicUrl('https://a.example/', { resolve: records })).hostname).toBe('a.example');
    await refusal(assertPublicUrl('https://b.example/', { resolve: async () => [{ address: '10.0.0.1' }] }));
    await refusal(assertPublicUrl('https://c.example/', { resolve: async () => '127.0.0.1' }));
  });

  it('allows listed internal ranges, for IP literals and resolved names only', async () => {
    const allow = ['10.1.0.0/16'];
    expect((await assertPublicUrl('http://10.1.2.3/', { allow })).hostname).toBe('10.1.2.3');
    expect((await assertPublicUrl('http://billing.example/', { allow, resolve: async () => ['10.1.9.9'] })).hostname).toBe('billing.example');
    await refusal(assertPublicUrl('http://10.2.0.1/', { allow }));
    await refusal(assertPublicUrl('http://0x0a010203/', { allow })); // listed, but written in hex
    await expect(assertPublicUrl('http://x.example/', { allow: ['10.1.0.0/33'] })).rejects.toThrow(ConfigurationError);
  });

  it('uses the system resolver by default', async () => {
    await refusal(assertPublicUrl('http://localhost.example.invalid/'));
  });

  it(`refuses 100% of the SSRF corpus (${ssrf.length} URLs), by text alone where the corpus says the text shows it`, async () => {
    let byText = 0;
    let total = 0;
    for (const entry of ssrf) {
      // The text-detectable ones must be refused even if DNS claims the host is public.
      const textOnly = await assertPublicUrl(entry.url, { resolve: publicDns }).then(
        () => false,
        (error: unknown) => error instanceof BlockedUrlError,
      );
      if (entry.detectable_from_url_text) expect(textOnly, entry.url).toBe(true);
      if (textOnly) byText++;
      // Everything is refused once DNS (mocked) answers with the internal destination the corpus names.
      const destination = /^[0-9a-f:.]+$/i.test(entry.resolves_to) ? entry.resolves_to : '127.0.0.1';
      const refused = await assertPublicUrl(entry.url, { resolve: async () => [destination] }).then(
        () => false,
        (error: unknown) => error instanceof BlockedUrlError,
      );
      expect(refused, entry.url).toBe(true);
      if (refused) total++;
    }
    const textDetectable = ssrf.filter((e) => e.detectable_from_url_text).length;
    console.log(`ssrf: ${((total / ssrf.length) * 100).toFixed(1)}% of ${ssrf.length} corpus URLs refused with mocked DNS; ${byText} refused from the text alone (corpus marks ${textDetectable} as text-detectable)`);
  });

  it('property: only ever throws BlockedUrlError', async () => {
    const hosts = fc.constantFrom('example.com', '127.0.0.1', '0x7f.1', '[::1]', 'localhost', '10.0.0.1', 'a.b', '%31%32%37.0.0.1', 'xn--', '');
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.tuple(fc.constantFrom('http://', 'https://', 'gopher://', ''), hosts, fc.string({ maxLength: 8 })).map((p) => p.join(''))), async (input) => {
        await assertPublicUrl(input, { resolve: publicDns }).catch((error: unknown) => {
          expect(error).toBeInstanceOf(BlockedUrlError);
        });
      }),
      { numRuns: 500 },
    );
  });
});
