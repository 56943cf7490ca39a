/**
 * Reading a stored file back: every load checks the record, the chunk count and each chunk's size, and (by
 * default) each chunk's SHA-256, before any byte is served. The result is allocated once and each chunk is read
 * straight into it (byob.ts), so the peak is the file plus the browser's own buffers of one chunk.
 */
import { readBlobInto } from './byob.ts';
import { cacheTuning } from './tuning.ts';
import { readChunk, type FileRecord } from './store.ts';

/** A stored file failed a check; the caller evicts it and downloads again. */
export class CorruptEntryError extends Error {
  override readonly name = 'CorruptEntryError';
}

/** The number of chunks a complete file of `size` bytes has. */
export const chunksFor = (size: number, chunkSize: number) => Math.ceil(size / chunkSize);

/** Length of chunk `index` of a file of `size` bytes. */
export const chunkLength = (index: number, size: number, chunkSize: number) => Math.min(chunkSize, size - index * chunkSize);

/** SHA-256 of one chunk with native WebCrypto (hex), or undefined where WebCrypto is missing (insecure contexts). */
export async function chunkDigest(bytes: Uint8Array<ArrayBuffer>): Promise<string | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return undefined;
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Checks a complete record against its stored chunks' count and sizes, without reading their bytes. */
export async function checkStoredFile(record: FileRecord): Promise<Blob[]> {
  const { size, chunkSize, chunkCount } = record;
  if (!record.complete || size === undefined) throw new CorruptEntryError('the record is not complete');
  if (chunkCount !== chunksFor(size, chunkSize)) throw new CorruptEntryError(`${chunkCount} chunks for ${size} bytes`);
  const blobs: Blob[] = [];
  for (let i = 0; i < chunkCount; i += 1) {
    const blob = await readChunk(record.url, i);
    if (!blob) throw new CorruptEntryError(`chunk ${i} is missing`);
    if (blob.size !== chunkLength(i, size, chunkSize)) throw new CorruptEntryError(`chunk ${i} has ${blob.size} bytes`);
    blobs.push(blob);
  }
  return blobs;
}

/** Whether loads check each chunk's SHA-256: when tuned to, and the record has a digest for every chunk read. */
const checksDigests = (record: FileRecord, chunks: number) => cacheTuning().verifyChunks && record.chunkDigests.length >= chunks;

/**
 * Reads stored chunk `i` into `target` at `offset` and, with `verify`, checks its SHA-256. Resolves to `target`'s
 * bytes in the buffer they now live in (byob.ts: `target` is detached). Unreadable Blobs (their backing files
 * deleted under the browser) count as corruption.
 */
async function readChunkInto(record: FileRecord, blob: Blob, i: number, target: Uint8Array<ArrayBuffer>, offset: number, verify: boolean): Promise<Uint8Array<ArrayBuffer>> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await readBlobInto(blob, target, offset);
  } catch (cause) {
    throw new CorruptEntryError(`chunk ${i} cannot be read`, { cause });
  }
  if (verify && record.chunkDigests[i] !== undefined && (await chunkDigest(bytes.subarray(offset, offset + blob.size))) !== record.chunkDigests[i]) {
    throw new CorruptEntryError(`chunk ${i} fails its SHA-256`);
  }
  return bytes;
}

/**
 * Reads chunks `[0, chunks)` of a checked file into `target`, verifying digests when tuned to; `onChunk` gets the
 * bytes read so far. Resolves to the filled bytes, which live in a new `ArrayBuffer` object (see byob.ts): `target`
 * is detached afterwards.
 */
export async function copyChunks(record: FileRecord, blobs: Blob[], target: Uint8Array<ArrayBuffer>, chunks: number, onChunk?: (loaded: number) => void): Promise<Uint8Array<ArrayBuffer>> {
  const verify = checksDigests(record, chunks);
  let bytes = target;
  for (let i = 0; i < chunks; i += 1) {
    const start = i * record.chunkSize;
    bytes = await readChunkInto(record, blobs[i], i, bytes, start, verify);
    onChunk?.(start + blobs[i].size);
  }
  return bytes;
}

/** The bytes of a complete stored file, checked; throws CorruptEntryError when any check fails. */
export async function readStoredFile(record: FileRecord, onChunk?: (loaded: number) => void): Promise<Uint8Array<ArrayBuffer>> {
  const blobs = await checkStoredFile(record);
  return copyChunks(record, blobs, new Uint8Array(record.size!), blobs.length, onChunk);
}

/**
 * Checks a complete stored file chunk by chunk (each read into one reused buffer, its SHA-256 compared) and returns
 * it as one Blob over the stored chunks: nothing of it stays in memory. Throws CorruptEntryError when a check fails.
 */
export async function openStoredFile(record: FileRecord, onChunk?: (loaded: number) => void, verify = true): Promise<Blob> {
  const blobs = await checkStoredFile(record);
  const digests = verify && checksDigests(record, blobs.length);
  let buffer = new Uint8Array(digests ? Math.min(record.chunkSize, record.size!) : 0);
  let loaded = 0;
  for (let i = 0; digests && i < blobs.length; i += 1) {
    buffer = await readChunkInto(record, blobs[i], i, buffer, 0, true);
    loaded += blobs[i].size;
    onChunk?.(loaded);
  }
  if (!digests || blobs.length === 0) onChunk?.(record.size!);
  return new Blob(blobs);
}
