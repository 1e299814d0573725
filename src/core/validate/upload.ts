/**
 * Uploaded files: the declared type must be allowed and match the magic bytes (text types: no NUL
 * or other binary content, valid UTF-8), the size must fit the type's category, the file name must
 * pass `validateFilename` and its extension must belong to the type.
 */

import { checkInteger, checkKeys, fail, isPlainObject } from '../config/check-options.js';
import { sniffMimeType } from './file-sniff.js';
import { checkFilename, compileFilenameRules, type FilenameOptions, type FilenameRules } from './filename.js';
import { invalid, valid, type ValidationIssue, type ValidationResult } from './result.js';
import { DEFAULT_UPLOAD_LIMITS, normalizeMimeType, UPLOAD_TYPES, type UploadCategory, type UploadType } from './upload-types.js';

export interface UploadInput {
  filename: string;
  /** The Content-Type the client sent for the part. */
  declaredType: string;
  /** The content, or a stream of it (read up to the size limit, then cancelled). */
  bytes?: Uint8Array;
  stream?: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;
  /** The size the client declared, if any: refused early when it is over the limit. */
  size?: number;
}

export interface UploadOptions {
  /** Declared MIME types to accept. Default: every type bulwark can verify (see docs). */
  allowedTypes?: readonly string[];
  /** Size limits in bytes per category. Defaults: image 5 MB, document 10 MB, video 50 MB, csv 20 MB. */
  maxSize?: Partial<Record<UploadCategory, number>>;
  /** Options for the file name check. */
  filename?: FilenameOptions;
}

export interface UploadInfo {
  /** The safe base name. */
  readonly filename: string;
  /** The verified MIME type (the declared one, normalized). */
  readonly type: string;
  readonly category: UploadCategory;
  readonly size: number;
  /** The content that was checked (read from the stream when one was given). */
  readonly bytes: Uint8Array;
}

export type UploadIssueCode = 'input' | 'filename' | 'type_not_allowed' | 'type_mismatch' | 'extension_mismatch' | 'too_large' | 'empty' | 'binary_content';
export type UploadResult = ValidationResult<UploadInfo, ValidationIssue<UploadIssueCode>>;

interface UploadRules {
  readonly types: ReadonlyMap<string, UploadType>;
  readonly limits: Readonly<Record<UploadCategory, number>>;
  readonly filename: FilenameRules;
}

// Names such as shell.php.jpg: some servers run a file by any of its extensions.
const EXECUTABLE_EXTENSIONS = new Set(['php', 'php3', 'php4', 'php5', 'phtml', 'phar', 'asp', 'aspx', 'ashx', 'jsp', 'jspx', 'cgi', 'pl', 'py', 'rb', 'sh', 'bash', 'exe', 'dll', 'bat', 'cmd', 'com', 'scr', 'msi', 'ps1', 'vbs', 'js', 'mjs', 'hta', 'html', 'htm', 'xhtml', 'shtml', 'svg', 'jar', 'war']);

function fails(code: UploadIssueCode, message: string): UploadResult {
  return invalid(code, message);
}

/** Validates upload options once. */
export function compileUploadRules(options: UploadOptions = {}, path = 'upload'): UploadRules {
  checkKeys(path, options, ['allowedTypes', 'maxSize', 'filename']);
  const types = new Map<string, UploadType>();
  const names = options.allowedTypes ?? Object.keys(UPLOAD_TYPES);
  if (!Array.isArray(names) || names.length === 0) fail(`${path}.allowedTypes`, 'expected a non-empty array of MIME types');
  names.forEach((name: unknown, i) => {
    const mime = typeof name === 'string' ? normalizeMimeType(name) : '';
    const known = UPLOAD_TYPES[mime];
    if (!known) fail(`${path}.allowedTypes[${i}]`, `bulwark cannot verify ${JSON.stringify(name)}; supported: ${Object.keys(UPLOAD_TYPES).join(', ')}`);
    types.set(mime, known);
  });
  const limits = { ...DEFAULT_UPLOAD_LIMITS };
  if (options.maxSize !== undefined) {
    checkKeys(`${path}.maxSize`, options.maxSize, Object.keys(DEFAULT_UPLOAD_LIMITS));
    for (const category of Object.keys(limits) as UploadCategory[]) {
      limits[category] = checkInteger(`${path}.maxSize.${category}`, options.maxSize[category], 1, Number.MAX_SAFE_INTEGER) ?? limits[category];
    }
  }
  return Object.freeze({ types, limits: Object.freeze(limits), filename: compileFilenameRules(options.filename, `${path}.filename`) });
}

type ReadOutcome = { bytes: Uint8Array } | { problem: 'too_large' | 'input' };

async function readLimited(stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>, limit: number): Promise<ReadOutcome> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const iterable: AsyncIterable<unknown> = Symbol.asyncIterator in stream ? stream : readerIterable(stream);
    for await (const chunk of iterable) {
      if (!(chunk instanceof Uint8Array)) return { problem: 'input' };
      total += chunk.byteLength;
      if (total > limit) return { problem: 'too_large' }; // leaving the loop cancels the stream
      chunks.push(chunk);
    }
  } catch {
    return { problem: 'input' };
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes };
}

async function* readerIterable(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Text has no magic bytes: require valid UTF-8 and no control characters other than tab, CR, LF and form feed. */
function checkText(bytes: Uint8Array): string | undefined {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) || b === 0x7f) return 'the text contains NUL or other binary bytes';
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'the text is not valid UTF-8';
  }
  return undefined;
}

function extensionProblem(filename: string, type: UploadType): string | undefined {
  const parts = filename.toLowerCase().split('.');
  if (parts.length < 2) return 'the file name has no extension';
  const extension = parts[parts.length - 1]!;
  if (!type.extensions.includes(extension)) return `the extension .${extension} does not match the type (expected .${type.extensions.join(', .')})`;
  const inner = parts.slice(1, -1).find((part) => EXECUTABLE_EXTENSIONS.has(part));
  if (inner) return `the file name has an executable inner extension (.${inner})`;
  return undefined;
}

/** Compiled-rules form of `validateUpload`. */
export async function checkUpload(input: UploadInput, rules: UploadRules): Promise<UploadResult> {
  if (!isPlainObject(input) || typeof input.declaredType !== 'string') return fails('input', 'expected { filename, declaredType, bytes | stream }');
  const name = checkFilename(input.filename, rules.filename);
  if (!name.success) return fails('filename', `bad file name: ${name.issues[0].message}`);
  const mime = normalizeMimeType(input.declaredType);
  const type = rules.types.get(mime);
  if (!type) return fails('type_not_allowed', `the type ${JSON.stringify(mime.slice(0, 100))} is not allowed`);
  const extension = extensionProblem(name.output, type);
  if (extension) return fails('extension_mismatch', extension);
  const limit = rules.limits[type.category];
  const tooLarge = (): UploadResult => fails('too_large', `larger than ${limit} bytes, the limit for ${type.category} files`);
  if (typeof input.size === 'number' && input.size > limit) return tooLarge();

  let bytes: Uint8Array;
  if (input.bytes instanceof Uint8Array) {
    bytes = input.bytes;
  } else if (input.stream !== undefined && input.stream !== null && typeof input.stream === 'object') {
    const read = await readLimited(input.stream, limit);
    if ('problem' in read) return read.problem === 'too_large' ? tooLarge() : fails('input', 'the upload stream failed or did not yield bytes');
    bytes = read.bytes;
  } else {
    return fails('input', 'expected bytes (Uint8Array) or a stream');
  }
  if (bytes.byteLength > limit) return tooLarge();
  if (bytes.byteLength === 0) return fails('empty', 'the file is empty');

  const sniffed = await sniffMimeType(bytes);
  if (type.sniffed.length > 0) {
    if (sniffed === undefined || !type.sniffed.includes(sniffed)) {
      return fails('type_mismatch', `the content is ${sniffed ?? 'not recognized'}, not ${mime}`);
    }
  } else {
    if (sniffed !== undefined && !sniffed.startsWith('text/') && sniffed !== 'application/xml') {
      return fails('type_mismatch', `the content is ${sniffed}, not ${mime}`);
    }
    const problem = checkText(bytes);
    if (problem) return fails('binary_content', problem);
  }
  return valid({ filename: name.output, type: mime, category: type.category, size: bytes.byteLength, bytes });
}

/** Checks an uploaded file: allowed type verified by magic bytes, size per category, safe file name. */
export async function validateUpload(input: UploadInput, options?: UploadOptions): Promise<UploadResult> {
  return checkUpload(input, compileUploadRules(options));
}
