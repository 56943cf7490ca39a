/**
 * Model files, downloaded once and kept in IndexedDB: the seam between the model loader and the cache.
 *
 * Each file is stored as chunks plus a record written last (see store.ts); every load checks sizes, chunk count
 * and chunk digests, evicting and downloading again on any mismatch; downloads resume with `Range` after faults,
 * in this session or a later one. One tab at a time works on a file (Web Locks). Decision record: docs/decisions/0004.
 */
import { DiffusionError, abortError } from '../protocol/errors.ts';
import { download } from './download.ts';
import { changedOnServer } from './revalidate.ts';
import { cacheTuning } from './tuning.ts';
import { withFileLock } from './locks.ts';
import { checkStoredFile, CorruptEntryError, openStoredFile, readStoredFile } from './read.ts';
import { deleteFile, readAllMissing, readAllRecords, readMissing, readRecord, writeMissing, writeRecord, type FileRecord } from './store.ts';
import type { FetchOptions, ModelFileRequest } from './types.ts';

export type { CacheEvent, FetchOptions, FileProgress, ModelFileRequest } from './types.ts';
export { ensureQuota, requestPersistentStorage } from './quota.ts';
export { setCacheTuning, type CacheTuning } from './tuning.ts';
export { cacheUsage, deleteCachedModel, listCachedModels, type CachedModel, type CacheUsage } from './manage.ts';

/** What a caller wants of a file: its bytes, a Blob over its stored chunks, or only that it is stored and intact. */
type Want = 'bytes' | 'blob' | 'stored';

/** The bytes of a model file: from IndexedDB when stored and intact, else downloaded (with progress) and stored. */
export async function fetchModelFile(request: ModelFileRequest, options: FetchOptions = {}): Promise<Uint8Array> {
  return (await obtain(request, options, 'bytes')) as Uint8Array;
}

/**
 * A model file as a Blob over its stored chunks, checked as fetchModelFile checks it, downloaded first when needed:
 * the whole file is never in memory (for runtimes that stream Blobs, such as onnxruntime-web's JSPI build).
 */
export async function openModelFile(request: ModelFileRequest, options: FetchOptions = {}): Promise<Blob> {
  return (await obtain(request, options, 'blob')) as Blob;
}

/**
 * Like fetchModelFile, but a 404 resolves to undefined (for optional files). The 404 is remembered for the URL and
 * revision, so the next load neither asks again nor needs the server. `isExpected` says whether the bytes are the
 * kind of file asked for: single-page-app hosts answer any missing path with 200 and their HTML page, which must
 * count as missing too (and is not kept).
 */
export async function fetchOptionalFile(request: ModelFileRequest, options: FetchOptions = {}, isExpected?: (bytes: Uint8Array) => boolean): Promise<Uint8Array | undefined> {
  const missing = await readMissing(request.url);
  if (missing && missing.revision === request.revision) return undefined;
  try {
    const bytes = await fetchModelFile(request, options);
    if (!isExpected || isExpected(bytes)) return bytes;
    await withFileLock(request.url, options.signal, () => deleteFile(request.url));
  } catch (error) {
    if (!(error instanceof DiffusionError && error.code === 'model-not-found')) throw error;
  }
  const { url, name, modelId, revision } = request;
  // Only saves a request next time; failing to remember must not fail the load.
  await writeMissing({ url, name, modelId, revision, checkedAt: Date.now() }).catch(() => undefined);
  return undefined;
}

/** Makes sure a file is stored and intact without assembling it in memory (for "download for offline use"). */
export async function cacheModelFile(request: ModelFileRequest, options: FetchOptions = {}): Promise<void> {
  await obtain(request, options, 'stored');
}

/** True when the stored copy was made for another revision, size or hash than the request asks for. */
function isStale(record: FileRecord, request: ModelFileRequest): boolean {
  if (request.revision !== undefined && record.revision !== request.revision) return true;
  if (request.size !== undefined && record.size !== undefined && record.size !== request.size) return true;
  // A partial download without a saved hash state cannot be verified against a hash asked for now.
  if (!record.complete && request.sha256 && record.chunkCount > 0 && !record.hashState) return true;
  return !!(request.sha256 && record.complete && record.sha256 && record.sha256 !== request.sha256.toLowerCase());
}

async function obtain(request: ModelFileRequest, options: FetchOptions, want: Want): Promise<Uint8Array | Blob | undefined> {
  if (options.signal?.aborted) throw abortError(options.signal.reason);
  const bytes = await withFileLock(request.url, options.signal, () => obtainLocked(request, options, want));
  if (request.revision !== undefined) await removeOtherRevisions(request, options);
  return bytes;
}

async function obtainLocked(request: ModelFileRequest, options: FetchOptions, want: Want): Promise<Uint8Array | Blob | undefined> {
  const event = (e: 'hit' | 'evicted-corrupt' | 'evicted-stale' | 'stored') => options.onCacheEvent?.({ file: request.name, event: e });
  let record = await readRecord(request.url);
  if (record && isStale(record, request)) {
    await deleteFile(request.url);
    if (record.complete) event('evicted-stale');
    record = undefined;
  }
  if (record?.complete && request.revalidate && await changedOnServer(record, options.signal, options.stallTimeoutMs ?? cacheTuning().stallTimeoutMs)) {
    await deleteFile(request.url);
    event('evicted-stale');
    record = undefined;
  }
  if (record?.complete) {
    try {
      const bytes = await readHit(record, request, options, want);
      event('hit');
      return bytes;
    } catch (error) {
      if (!(error instanceof CorruptEntryError)) throw error;
      await deleteFile(request.url);
      event('evicted-corrupt');
      record = undefined;
    }
  }
  const bytes = await download(request, options, record, want === 'bytes');
  event('stored');
  if (want !== 'blob') return bytes;
  // Just written and checked as it streamed: the digests need no second read.
  const stored = await readRecord(request.url);
  if (!stored?.complete) throw new Error(`${request.url} was removed while it was being stored.`);
  return openStoredFile(stored, undefined, false);
}

async function readHit(record: FileRecord, request: ModelFileRequest, options: FetchOptions, want: Want): Promise<Uint8Array | Blob | undefined> {
  const total = record.size!;
  const progress = (loaded: number) => options.onProgress?.({ file: request.name, loaded, total, fromCache: true });
  let bytes: Uint8Array | Blob | undefined;
  if (want === 'bytes') bytes = await readStoredFile(record, progress);
  else if (want === 'blob') bytes = await openStoredFile(record, progress);
  else await checkStoredFile(record);
  if (want === 'stored' || (want === 'bytes' && total === 0)) progress(total);
  // The date of last use is for listing; failing to record it must not fail the load.
  await writeRecord({ ...record, usedAt: Date.now() }).catch(() => undefined);
  return bytes;
}

/** Once a file of a new revision is stored, the model's files (and 404s) of other revisions are dead weight. */
async function removeOtherRevisions(request: ModelFileRequest, options: FetchOptions): Promise<void> {
  const isOld = (r: { modelId: string; revision?: string }) => r.modelId === request.modelId && r.revision !== undefined && r.revision !== request.revision;
  for (const record of (await readAllRecords()).filter(isOld)) {
    await withFileLock(record.url, undefined, () => deleteFile(record.url));
    options.onCacheEvent?.({ file: record.name, event: 'evicted-stale' });
  }
  for (const missing of (await readAllMissing()).filter(isOld)) await deleteFile(missing.url);
}
