/** The upload types bulwark knows how to verify: declared MIME type -> category, magic-byte types, extensions. */

export type UploadCategory = 'image' | 'document' | 'video' | 'csv';

export interface UploadType {
  readonly category: UploadCategory;
  /** What `file-type` reports for genuine content; empty for text types, which have no magic bytes. */
  readonly sniffed: readonly string[];
  readonly extensions: readonly string[];
}

function type(category: UploadCategory, sniffed: readonly string[], extensions: readonly string[]): UploadType {
  return Object.freeze({ category, sniffed: Object.freeze(sniffed), extensions: Object.freeze(extensions) });
}

/** Defaults: 5 MB images, 10 MB documents, 50 MB videos, 20 MB CSV. */
export const DEFAULT_UPLOAD_LIMITS: Readonly<Record<UploadCategory, number>> = Object.freeze({
  image: 5 * 1024 * 1024,
  document: 10 * 1024 * 1024,
  video: 50 * 1024 * 1024,
  csv: 20 * 1024 * 1024,
});

const CFB = ['application/x-cfb'];
const OOXML_WORD = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const OOXML_SHEET = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const OOXML_SLIDES = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

// SVG is left out on purpose: it is XML that can carry script, and it has no magic bytes to check.
export const UPLOAD_TYPES: Readonly<Record<string, UploadType>> = Object.freeze({
  'image/jpeg': type('image', ['image/jpeg'], ['jpg', 'jpeg', 'jpe', 'jfif']),
  'image/png': type('image', ['image/png', 'image/apng'], ['png']),
  'image/gif': type('image', ['image/gif'], ['gif']),
  'image/webp': type('image', ['image/webp'], ['webp']),
  'image/avif': type('image', ['image/avif'], ['avif']),
  'image/heic': type('image', ['image/heic', 'image/heif'], ['heic', 'heif']),
  'image/heif': type('image', ['image/heic', 'image/heif'], ['heic', 'heif']),
  'image/bmp': type('image', ['image/bmp'], ['bmp']),
  'image/tiff': type('image', ['image/tiff'], ['tif', 'tiff']),
  'application/pdf': type('document', ['application/pdf'], ['pdf']),
  'application/rtf': type('document', ['application/rtf'], ['rtf']),
  'application/msword': type('document', CFB, ['doc']),
  'application/vnd.ms-excel': type('document', CFB, ['xls']),
  'application/vnd.ms-powerpoint': type('document', CFB, ['ppt']),
  [OOXML_WORD]: type('document', [OOXML_WORD], ['docx']),
  [OOXML_SHEET]: type('document', [OOXML_SHEET], ['xlsx']),
  [OOXML_SLIDES]: type('document', [OOXML_SLIDES], ['pptx']),
  'application/vnd.oasis.opendocument.text': type('document', ['application/vnd.oasis.opendocument.text'], ['odt']),
  'application/vnd.oasis.opendocument.spreadsheet': type('document', ['application/vnd.oasis.opendocument.spreadsheet'], ['ods']),
  'application/vnd.oasis.opendocument.presentation': type('document', ['application/vnd.oasis.opendocument.presentation'], ['odp']),
  'text/plain': type('document', [], ['txt', 'text', 'log', 'md']),
  'text/csv': type('csv', [], ['csv']),
  'video/mp4': type('video', ['video/mp4', 'video/x-m4v'], ['mp4', 'm4v']),
  'video/webm': type('video', ['video/webm'], ['webm']),
  'video/quicktime': type('video', ['video/quicktime'], ['mov', 'qt']),
  'video/x-matroska': type('video', ['video/matroska'], ['mkv']),
  'video/mpeg': type('video', ['video/mpeg', 'video/MP1S', 'video/MP2P'], ['mpeg', 'mpg']),
  'video/ogg': type('video', ['video/ogg'], ['ogv']),
  'video/x-msvideo': type('video', ['video/vnd.avi'], ['avi']),
  'video/3gpp': type('video', ['video/3gpp'], ['3gp']),
});

/** `Text/CSV; charset=utf-8` -> `text/csv`, and the common aliases to their registered names. */
export function normalizeMimeType(declared: string): string {
  const base = declared.split(';', 1)[0]!.trim().toLowerCase();
  const aliases: Record<string, string> = {
    'image/jpg': 'image/jpeg',
    'image/pjpeg': 'image/jpeg',
    'application/csv': 'text/csv',
    'text/comma-separated-values': 'text/csv',
    'video/avi': 'video/x-msvideo',
    'video/msvideo': 'video/x-msvideo',
    'video/matroska': 'video/x-matroska',
  };
  return aliases[base] ?? base;
}
