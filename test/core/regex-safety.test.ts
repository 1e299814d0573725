/**
 * Every regular expression in src/ must be linear-time safe. The TypeScript compiler API finds the
 * regex literals and `new RegExp(...)` / `RegExp(...)` calls in every source file; recheck (its
 * native backend when installed, else its JS backend) judges each one. Anything not reported
 * `safe` (vulnerable, or undecided within the time limit) fails, naming the file and line.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { check, checkSync, type Diagnostics } from 'recheck';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const SRC = join(ROOT, 'src');
const TIMEOUT_MS = 20_000;
const CONCURRENCY = 6;

interface Found {
  where: string;
  source: string;
  flags: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function literalText(node: ts.Node | undefined): string | undefined {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return node.text;
  return undefined;
}

/** Regex literals and RegExp constructions in one file; non-literal patterns are reported as such. */
function collect(file: string): { found: Found[]; dynamic: string[] } {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Found[] = [];
  const dynamic: string[] = [];
  const where = (node: ts.Node): string => `${relative(ROOT, file)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const literal = node.getText(sf);
      const slash = literal.lastIndexOf('/');
      found.push({ where: where(node), source: literal.slice(1, slash), flags: literal.slice(slash + 1) });
    } else if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp') {
      const [pattern, flags] = node.arguments ?? [];
      const source = literalText(pattern);
      if (source === undefined) dynamic.push(where(node));
      else found.push({ where: where(node), source, flags: literalText(flags) ?? '' });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { found, dynamic };
}

async function diagnose(source: string, flags: string): Promise<Diagnostics> {
  try {
    return await check(source, flags, { timeout: TIMEOUT_MS });
  } catch {
    // No native binary and no worker support: the pure JS checker, synchronously.
    return checkSync(source, flags, { timeout: TIMEOUT_MS });
  }
}

const files = sourceFiles(SRC);
const all = files.map(collect);
const found = all.flatMap((entry) => entry.found);
const dynamic = all.flatMap((entry) => entry.dynamic);

describe('regular expressions in src/', () => {
  it('are all written as literals, so they can be checked', () => {
    expect(found.length).toBeGreaterThan(0);
    expect(dynamic, `RegExp built from a non-literal pattern at ${dynamic.join(', ')}`).toEqual([]);
  });

  it('are all linear-time safe according to recheck', { timeout: 600_000 }, async () => {
    const unique = new Map<string, Found[]>();
    for (const item of found) {
      const key = `/${item.source}/${item.flags}`;
      unique.set(key, [...(unique.get(key) ?? []), item]);
    }
    const failures: string[] = [];
    const started = performance.now();
    // A few at a time: the native checker runs each one in its own process.
    const entries = [...unique.values()];
    for (let i = 0; i < entries.length; i += CONCURRENCY) {
      await Promise.all(
        entries.slice(i, i + CONCURRENCY).map(async (items) => {
          const { source, flags } = items[0]!;
          const result = await diagnose(source, flags);
          if (result.status !== 'safe') {
            const detail = result.status === 'vulnerable' ? `${result.complexity.type}, attack ${JSON.stringify(result.attack.pattern)}` : result.error.kind;
            failures.push(`${items.map((item) => item.where).join(', ')}: /${source}/${flags} is ${result.status} (${detail})`);
          }
        }),
      );
    }
    console.log(`recheck: ${unique.size} distinct regular expressions from ${files.length} files in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(failures, failures.join('\n')).toEqual([]);
  });
});
