/** Magic-byte detection through the `file-type` package, loaded on first use (it is the only module that imports it). */

type Sniffer = (bytes: Uint8Array) => Promise<{ mime: string } | undefined>;
let sniffer: Promise<Sniffer> | undefined;

/** The MIME type the content's magic bytes say, or undefined when file-type recognizes nothing (text, unknown). */
export async function sniffMimeType(bytes: Uint8Array): Promise<string | undefined> {
  sniffer ??= import('file-type').then((module) => module.fileTypeFromBuffer);
  const detect = await sniffer;
  return (await detect(bytes))?.mime;
}
