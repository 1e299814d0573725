/** The validators as valibot schemas and actions, options compiled once when the schema is built. */

import * as v from 'valibot';
import { checkEmail, compileEmailRules, type EmailOptions } from './email.js';
import { checkFilename, compileFilenameRules, type FilenameOptions } from './filename.js';
import { checkWithLimits, normalizeJsonLimits, type JsonLimits } from './json-limits.js';
import { checkPublicUrl, compilePublicUrlPolicy, type PublicUrlOptions } from './public-url.js';
import type { ValidationResult } from './result.js';
import { checkString, compileStringRules, type StringOptions } from './string.js';
import { compileUrlRules, parseUrl, type UrlOptions } from './url.js';

type StringSchemaWith<TOutput> = v.SchemaWithPipe<readonly [v.StringSchema<undefined>, v.RawTransformAction<string, TOutput>]>;

function transform<TOutput>(run: (value: string) => ValidationResult<TOutput>): v.RawTransformAction<string, TOutput> {
  return v.rawTransform<string, TOutput>(({ dataset, addIssue, NEVER }) => {
    const result = run(dataset.value);
    if (result.success) return result.output;
    for (const issue of result.issues) addIssue({ message: issue.message, expected: issue.code });
    return NEVER;
  });
}

/** A string schema: NFC, trimmed, no control characters, length and character rules, injection detectors at a level. */
export function secureString(options?: StringOptions): StringSchemaWith<string> {
  const rules = compileStringRules(options, 'secureString');
  return v.pipe(v.string(), transform((value) => checkString(value, rules)));
}

/** An e-mail schema; the output is normalized (NFC, ASCII lower-case domain). */
export function safeEmail(options?: EmailOptions): StringSchemaWith<string> {
  const rules = compileEmailRules(options, 'safeEmail');
  return v.pipe(v.string(), transform((value) => checkEmail(value, rules)));
}

/** A URL schema (scheme allow-list, no credentials, no internal hosts by text); the output is the normalized href. */
export function safeUrl(options?: UrlOptions): StringSchemaWith<string> {
  const rules = compileUrlRules(options, 'safeUrl');
  return v.pipe(v.string(), transform((value) => parseUrl(value, rules).result));
}

/** A file-name schema; the output is the safe base name. */
export function safeFilename(options?: FilenameOptions): StringSchemaWith<string> {
  const rules = compileFilenameRules(options, 'safeFilename');
  return v.pipe(v.string(), transform((value) => checkFilename(value, rules)));
}

/** An async URL schema for `parseAsync`/`safeParseAsync`: like `safeUrl`, and the host must resolve to public addresses only. */
export function publicUrl(options?: PublicUrlOptions): v.SchemaWithPipeAsync<readonly [v.StringSchema<undefined>, v.RawTransformActionAsync<string, string>]> {
  const policy = compilePublicUrlPolicy(options, 'publicUrl');
  return v.pipeAsync(
    v.string(),
    v.rawTransformAsync<string, string>(async ({ dataset, addIssue, NEVER }) => {
      try {
        return (await checkPublicUrl(dataset.value, policy)).href;
      } catch (error) {
        addIssue({ message: error instanceof Error ? error.message : 'URL refused', expected: 'public_url' });
        return NEVER;
      }
    }),
  );
}

/** A valibot check for parsed JSON: depth, total keys, string and array length. */
export function jsonLimits<TInput>(limits?: Partial<JsonLimits>): v.RawCheckAction<TInput> {
  const normalized = normalizeJsonLimits(limits, 'jsonLimits');
  return v.rawCheck<TInput>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const result = checkWithLimits(dataset.value, normalized);
    if (!result.ok) addIssue({ message: result.message, expected: result.limit });
  });
}
