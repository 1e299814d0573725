import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { validateUpload, type UploadResult } from '../../src/core/validate/upload.js';

// Minimal genuine headers, enough for magic-byte detection.
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n');
const MP4 = Uint8Array.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0, 0, 2, 0, 0x69, 0x73, 0x6f, 0x6d, 0x69, 0x73, 0x6f, 0x32]);
const EXE = Uint8Array.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0, ...new Array<number>(100).fill(0)]);
const CSV = new TextEncoder().encode('name,email\nAnn,ann@example.com\n');

function padded(head: Uint8Array, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(head);
  return bytes;
}

function code(result: UploadResult): string | undefined {
  return result.success ? undefined : result.issues[0].code;
}

describe('validateUpload', () => {
  it('accepts content whose magic bytes match the declared type', async () => {
    const result = await validateUpload({ filename: 'C:\\photos\\cat.png', declaredType: 'image/png', bytes: PNG });
    expect(result).toMatchObject({ success: true, output: { filename: 'cat.png', type: 'image/png', category: 'image', size: PNG.length } });
    expect((await validateUpload({ filename: 'cat.JPG', declaredType: 'image/jpg; charset=binary', bytes: JPEG })).success).toBe(true);
    expect((await validateUpload({ filename: 'doc.pdf', declaredType: 'application/pdf', bytes: PDF })).success).toBe(true);
    expect((await validateUpload({ filename: 'clip.mp4', declaredType: 'video/mp4', bytes: MP4 })).success).toBe(true);
  });

  it('refuses content that is something else than declared', async () => {
    expect(code(await validateUpload({ filename: 'cat.png', declaredType: 'image/png', bytes: JPEG }))).toBe('type_mismatch');
    expect(code(await validateUpload({ filename: 'cat.jpg', declaredType: 'image/jpeg', bytes: EXE }))).toBe('type_mismatch');
    expect(code(await validateUpload({ filename: 'doc.pdf', declaredType: 'application/pdf', bytes: new TextEncoder().encode('<html><script>') }))).toBe('type_mismatch');
  });

  it('checks text types for binary content instead of magic bytes', async () => {
    expect((await validateUpload({ filename: 'people.csv', declaredType: 'text/csv', bytes: CSV })).success).toBe(true);
    expect((await validateUpload({ filename: 'notes.txt', declaredType: 'text/plain', bytes: new TextEncoder().encode('\ufeffhello\r\n\tworld') })).success).toBe(true);
    expect(code(await validateUpload({ filename: 'people.csv', declaredType: 'text/csv', bytes: Uint8Array.from([0x61, 0x00, 0x62]) }))).toBe('binary_content');
    expect(code(await validateUpload({ filename: 'people.csv', declaredType: 'text/csv', bytes: Uint8Array.from([0x61, 0xc3, 0x28]) }))).toBe('binary_content');
    expect(code(await validateUpload({ filename: 'people.csv', declaredType: 'text/csv', bytes: PNG }))).toBe('type_mismatch');
  });

  it('refuses types it cannot verify, and those not allowed', async () => {
    expect(code(await validateUpload({ filename: 'x.svg', declaredType: 'image/svg+xml', bytes: new TextEncoder().encode('<svg/>') }))).toBe('type_not_allowed');
    expect(code(await validateUpload({ filename: 'x.exe', declaredType: 'application/x-msdownload', bytes: EXE }))).toBe('type_not_allowed');
    expect(code(await validateUpload({ filename: 'doc.pdf', declaredType: 'application/pdf', bytes: PDF }, { allowedTypes: ['image/png'] }))).toBe('type_not_allowed');
    await expect(validateUpload({ filename: 'a', declaredType: 'a', bytes: PDF }, { allowedTypes: ['image/svg+xml'] })).rejects.toThrow(ConfigurationError);
  });

  it('requires an extension of the type and refuses executable inner extensions', async () => {
    expect(code(await validateUpload({ filename: 'cat.gif', declaredType: 'image/png', bytes: PNG }))).toBe('extension_mismatch');
    expect(code(await validateUpload({ filename: 'cat', declaredType: 'image/png', bytes: PNG }))).toBe('extension_mismatch');
    expect(code(await validateUpload({ filename: 'shell.php.png', declaredType: 'image/png', bytes: PNG }))).toBe('extension_mismatch');
    expect(code(await validateUpload({ filename: '../cat.png', declaredType: 'image/png', bytes: PNG }))).toBe('filename');
  });

  it('limits size per category, with configurable limits', async () => {
    const sixMegabytes = padded(PNG, 6 * 1024 * 1024);
    expect(code(await validateUpload({ filename: 'big.png', declaredType: 'image/png', bytes: sixMegabytes }))).toBe('too_large');
    expect((await validateUpload({ filename: 'big.pdf', declaredType: 'application/pdf', bytes: padded(PDF, 6 * 1024 * 1024) })).success).toBe(true);
    expect((await validateUpload({ filename: 'big.png', declaredType: 'image/png', bytes: sixMegabytes }, { maxSize: { image: 8 * 1024 * 1024 } })).success).toBe(true);
    expect(code(await validateUpload({ filename: 'a.pdf', declaredType: 'application/pdf', bytes: PDF, size: 11 * 1024 * 1024 }))).toBe('too_large');
    expect(code(await validateUpload({ filename: 'a.pdf', declaredType: 'application/pdf', bytes: PDF }, { maxSize: { document: 10 } }))).toBe('too_large');
    await expect(validateUpload({ filename: 'a.pdf', declaredType: 'application/pdf', bytes: PDF }, { maxSize: { images: 1 } as never })).rejects.toThrow(/did you mean "image"/);
    expect(code(await validateUpload({ filename: 'a.pdf', declaredType: 'application/pdf', bytes: new Uint8Array(0) }))).toBe('empty');
  });

  it('reads streams up to the limit and stops there', async () => {
    let pulled = 0;
    const chunk = padded(PNG, 1024 * 1024);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(pulled === 1 ? chunk : new Uint8Array(1024 * 1024));
      },
    });
    expect(code(await validateUpload({ filename: 'cat.png', declaredType: 'image/png', stream: endless }))).toBe('too_large');
    expect(pulled).toBeLessThan(10);
    const result = await validateUpload({ filename: 'cat.png', declaredType: 'image/png', stream: Readable.from([PNG.slice(0, 10), PNG.slice(10)]) });
    expect(result.success && result.output.bytes).toEqual(PNG);
    const broken = new ReadableStream<Uint8Array>({ pull: (controller) => controller.error(new Error('connection reset')) });
    expect(code(await validateUpload({ filename: 'cat.png', declaredType: 'image/png', stream: broken }))).toBe('input');
  });

  it('returns an input issue for malformed input', async () => {
    expect(code(await validateUpload(null as never))).toBe('input');
    expect(code(await validateUpload({ filename: 'a.png', declaredType: 'image/png' }))).toBe('input');
  });
});
