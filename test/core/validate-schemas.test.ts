import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { jsonLimits, noInjection, publicUrl, safeEmail, safeFilename, safeUrl, secureString } from '../../src/core/validate/index.js';

describe('valibot schemas and actions', () => {
  const Signup = v.object({
    name: secureString({ minLength: 1, maxLength: 80, allow: ['letters', 'marks', 'spaces'], allowChars: "-'." }),
    email: safeEmail(),
    website: v.optional(safeUrl()),
    bio: secureString({ maxLength: 500, multiline: true }),
  });

  it('parse and normalize a form', () => {
    const result = v.safeParse(Signup, { name: ' Zoë ', email: 'Zoe@Example.COM', website: 'HTTPS://Example.com', bio: 'Hi\nthere' });
    expect(result.success).toBe(true);
    expect(result.output).toEqual({ name: 'Zoë', email: 'Zoe@example.com', website: 'https://example.com/', bio: 'Hi\nthere' });
  });

  it('report one issue per failing field, with paths from valibot', () => {
    const result = v.safeParse(Signup, { name: 'Zo3', email: 'not-an-email', website: 'javascript:alert(1)', bio: '<img src=x onerror=alert(1)>' });
    expect(result.success).toBe(false);
    const flat = v.flatten<typeof Signup>(result.issues!);
    expect(Object.keys(flat.nested ?? {}).sort()).toEqual(['bio', 'email', 'name', 'website']);
    expect(flat.nested?.website?.[0]).toContain('javascript:');
    expect(flat.nested?.bio?.[0]).toContain('xss');
  });

  it('compose in pipes with valibot actions', () => {
    const Corporate = v.pipe(safeEmail(), v.endsWith('@example.com'));
    expect(v.parse(Corporate, 'Ann@EXAMPLE.com')).toBe('Ann@example.com');
    expect(v.safeParse(Corporate, 'ann@other.org').success).toBe(false);
    expect(v.parse(safeFilename(), 'C:\\tmp\\a.txt')).toBe('a.txt');
  });

  it('noInjection checks strings and whole objects', () => {
    const Query = v.pipe(v.record(v.string(), v.unknown()), noInjection({ level: 'standard' }));
    expect(v.safeParse(Query, { q: 'red shoes', page: 2 }).success).toBe(true);
    const attack = v.safeParse(Query, { q: 'x', filter: { $where: 'sleep(1000)' } });
    expect(attack.success).toBe(false);
    expect(attack.issues?.[0].message).toMatch(/injection/);
    expect(v.safeParse(v.pipe(v.string(), noInjection()), "' UNION SELECT password FROM users --").success).toBe(false);
    expect(() => noInjection({ level: 'high' as never })).toThrow(ConfigurationError);
  });

  it('jsonLimits checks parsed JSON in a pipe', () => {
    const Body = v.pipe(v.string(), v.parseJson(), jsonLimits({ maxDepth: 2 }));
    expect(v.safeParse(Body, '{"a":{"b":1}}').success).toBe(true);
    const deep = v.safeParse(Body, '{"a":{"b":{"c":1}}}');
    expect(deep.success).toBe(false);
    expect(deep.issues?.[0].message).toContain('$.a.b');
    expect(() => jsonLimits({ maxDepth: -1 })).toThrow(ConfigurationError);
  });

  it('publicUrl resolves hosts in async pipes', async () => {
    const schema = publicUrl({ resolve: async (host) => (host === 'inside.example' ? ['10.0.0.1'] : ['93.184.215.14']) });
    expect(await v.parseAsync(schema, 'https://outside.example/x')).toBe('https://outside.example/x');
    const refused = await v.safeParseAsync(schema, 'https://inside.example/');
    expect(refused.success).toBe(false);
    expect(refused.issues?.[0].message).toContain('private address');
  });

  it('validate options when the schema is built', () => {
    expect(() => secureString({ maxLength: 0 })).toThrow(ConfigurationError);
    expect(() => safeUrl({ schemes: ['javascript'] })).toThrow(ConfigurationError);
    expect(() => safeEmail({ quoted: true } as never)).toThrow(ConfigurationError);
  });
});
