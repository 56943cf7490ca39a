/**
 * One file's download into the cache: streamed in chunks to IndexedDB with byte progress, resumed with `Range`
 * after network faults (bounded retries with exponential backoff), hashed as it streams, and marked complete only
 * after every check passed. When the caller wants the bytes, they are copied once into a buffer of the final size
 * as they arrive, so the peak is the file plus one chunk.
 */
import { DiffusionError, abortError } from '../protocol/errors.ts';
import { ensureQuota, isQuotaError } from './quota.ts';
import { bodyPieces } from './byob.ts';
import { chunkDigest, checkStoredFile, copyChunks } from './read.ts';
import { Sha256 } from './sha256.ts';
import { deleteFile, writeChunk, writeRecord, type FileRecord } from './store.ts';
import { cacheTuning } from './tuning.ts';
import type { FetchOptions, ModelFileRequest } from './types.ts';
import { openResponse, type OpenedResponse } from './response.ts';
import { StallWatch } from './stall-watch.ts';

/** Downloads `request` (continuing `partial` when it is a usable partial record); returns the bytes when `assemble`. */
export async function download(request: ModelFileRequest, options: FetchOptions, partial: FileRecord | undefined, assemble: boolean): Promise<Uint8Array | undefined> {
  return new Download(request, options, partial, assemble).run();
}

/** Chunks read ahead of the IndexedDB writes; without an assembly buffer each costs one chunk of memory. */
const MAX_QUEUED = 3;

function freshRecord(request: ModelFileRequest): FileRecord {
  const now = Date.now();
  return {
    url: request.url, name: request.name, modelId: request.modelId, revision: request.revision,
    chunkSize: cacheTuning().chunkSize, chunkCount: 0, chunkDigests: [], complete: false, createdAt: now, usedAt: now,
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => { clearTimeout(timer); reject(abortError(signal?.reason)); };
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

class Download {
  readonly #request: ModelFileRequest;
  readonly #options: FetchOptions;
  readonly #assemble: boolean;
  #record: FileRecord;
  #hash: Sha256 | undefined;
  #target: Uint8Array<ArrayBuffer> | undefined;
  /** Bytes before this offset of `#target` come from chunks stored by an earlier session. */
  #filledFrom = 0;
  #lastProgress = 0;

  constructor(request: ModelFileRequest, options: FetchOptions, partial: FileRecord | undefined, assemble: boolean) {
    this.#request = request;
    this.#options = options;
    this.#assemble = assemble;
    this.#record = partial ?? freshRecord(request);
    this.#hash = request.sha256 ? Sha256.from(partial?.hashState) : undefined;
  }

  get #stored(): number { return this.#record.chunkCount * this.#record.chunkSize; }

  async run(): Promise<Uint8Array | undefined> {
    const { size } = this.#request;
    if (size !== undefined) await ensureQuota(size - this.#stored);
    this.#filledFrom = this.#stored;
    let failures = 0;
    for (;;) {
      const before = this.#record.chunkCount;
      try {
        await this.#attempt();
        break;
      } catch (error) {
        if (this.#options.signal?.aborted) throw abortError(this.#options.signal.reason);
        if (error instanceof DiffusionError) return this.#fail(error);
        failures = this.#record.chunkCount > before ? 1 : failures + 1;
        const { maxRetries, retryBaseMs } = cacheTuning();
        if (failures > maxRetries) {
          return this.#fail(new DiffusionError('download-failed', `Downloading ${this.#request.url} failed ${failures} times in a row.`,
            { cause: error, details: { url: this.#request.url, attempts: failures, storedBytes: this.#stored } }));
        }
        await sleep(retryBaseMs * 2 ** (failures - 1), this.#options.signal);
      }
    }
    return this.#assembled();
  }

  /** Partial chunks stay for a later resume after network failures; anything else leaves no trace. */
  async #fail(error: DiffusionError): Promise<never> {
    if (error.code !== 'download-failed') await deleteFile(this.#request.url).catch(() => undefined);
    throw error;
  }

  /** One request; a stall (no bytes for the stall timeout) fails the download at once, keeping what is stored. */
  async #attempt(): Promise<void> {
    const watch = new StallWatch(this.#options.stallTimeoutMs ?? cacheTuning().stallTimeoutMs, this.#options.signal);
    this.#watch = watch;
    try {
      await this.#attemptWatched(watch.signal);
    } catch (error) {
      if (!watch.stalled || this.#options.signal?.aborted) throw error;
      const seconds = watch.ms / 1000;
      throw new DiffusionError('download-failed', `Downloading ${this.#request.url} stalled: no bytes for ${seconds} s. Check the connection (or the host) and try again; what was stored is kept for a resume.`,
        { cause: error, details: { url: this.#request.url, stallTimeoutMs: watch.ms, storedBytes: this.#stored } });
    } finally {
      watch.stop();
    }
  }

  #watch: StallWatch | undefined;

  async #attemptWatched(signal: AbortSignal): Promise<void> {
    const opened = await openResponse(this.#request, this.#record, signal);
    this.#watch?.stop(); // until the body is read: storage work below is not the network's time
    if (opened.restart) await this.#restart(opened);
    else if (opened.etag || opened.lastModified) this.#record = { ...this.#record, etag: opened.etag ?? this.#record.etag, lastModified: opened.lastModified };
    const size = this.#request.size ?? opened.total;
    if (this.#request.size !== undefined && opened.total !== undefined && opened.total !== this.#request.size) {
      throw new DiffusionError('integrity-failed', `${this.#request.url} has ${opened.total} bytes, the manifest says ${this.#request.size}.`,
        { details: { url: this.#request.url, expected: this.#request.size, actual: opened.total } });
    }
    if (this.#request.size === undefined && this.#stored === 0 && size !== undefined) await ensureQuota(size);
    if (this.#assemble && size !== undefined && !this.#target) this.#target = new Uint8Array(size);
    await this.#stream(opened.response, size);
  }

  /** The server sent the whole file (no Range support, or the file changed): start over from byte 0. */
  async #restart(opened: OpenedResponse): Promise<void> {
    await deleteFile(this.#request.url);
    this.#record = { ...freshRecord(this.#request), etag: opened.etag, lastModified: opened.lastModified };
    this.#hash = this.#request.sha256 ? new Sha256() : undefined;
    this.#filledFrom = 0;
  }

  /**
   * Reads the body as fast as it arrives while full chunks are written behind it (at most MAX_QUEUED at a time):
   * a stream that errors discards whatever it had queued unread, so a reader that waited for each write would lose
   * the bytes received since, and resume from further back than the fault.
   */
  async #stream(response: Response, size: number | undefined): Promise<void> {
    this.#writes = Promise.resolve();
    let position = this.#stored;
    let chunk = this.#chunkView(position, size);
    let fill = 0;
    try {
      // Each piece is valid until the next one is read (byob.ts): it is copied into the chunk before that.
      this.#watch?.waiting();
      for await (const value of bodyPieces(response.body!)) {
        this.#watch?.stop();
        if (size !== undefined && position + value.length > size) throw this.#tooLong(size);
        for (let offset = 0; offset < value.length;) {
          const take = Math.min(chunk.length - fill, value.length - offset);
          chunk.set(value.subarray(offset, offset + take), fill);
          fill += take;
          offset += take;
          position += take;
          if (fill === chunk.length && chunk.length > 0) {
            await this.#queueChunk(chunk, position === size);
            chunk = this.#chunkView(position, size);
            fill = 0;
          }
        }
        this.#progress(position, size);
        this.#watch?.waiting();
      }
      this.#watch?.stop();
    } catch (error) {
      await this.#writes; // a failed write (quota) explains more than the read error it caused
      throw error;
    }
    await this.#writes;
    if (size !== undefined && position < size) throw new Error(`The response ended at byte ${position} of ${size}.`);
    if (fill > 0) await this.#storeChunk(chunk.subarray(0, fill), true);
    else if (!this.#record.complete) await this.#finish();
    this.#progress(position, position, true);
  }

  #writes: Promise<void> = Promise.resolve();
  #queued = 0;

  /** Chains a chunk's write after the earlier ones; waits for them all when MAX_QUEUED are in flight. */
  async #queueChunk(bytes: Uint8Array<ArrayBuffer>, last: boolean): Promise<void> {
    this.#queued += 1;
    this.#writes = this.#writes.then(() => this.#storeChunk(bytes, last)).finally(() => { this.#queued -= 1; });
    // Marks the chain handled; the rejection still reaches whoever awaits it next.
    this.#writes.catch(() => undefined);
    if (this.#queued >= MAX_QUEUED) await this.#writes;
  }

  /** Where the next chunk's bytes go: straight into the final buffer when assembling, else a fresh chunk buffer. */
  #chunkView(position: number, size: number | undefined): Uint8Array<ArrayBuffer> {
    const length = size === undefined ? this.#record.chunkSize : Math.min(this.#record.chunkSize, size - position);
    return this.#target ? this.#target.subarray(position, position + length) : new Uint8Array(length);
  }

  #tooLong(size: number): DiffusionError {
    return new DiffusionError('integrity-failed', `${this.#request.url} sent more than its ${size} bytes.`,
      { details: { url: this.#request.url, expected: size } });
  }

  async #storeChunk(bytes: Uint8Array<ArrayBuffer>, last: boolean): Promise<void> {
    const digest = await chunkDigest(bytes);
    const hashBefore = this.#hash?.state();
    this.#hash?.update(bytes);
    const index = this.#record.chunkCount;
    const next: FileRecord = {
      ...this.#record, chunkCount: index + 1, chunkDigests: digest ? [...this.#record.chunkDigests, digest] : [],
      hashState: this.#hash?.state(),
    };
    try {
      // The last chunk goes in the same transaction as the complete record, so no reader ever sees it half-done.
      const record = last ? this.#completed(next, index * next.chunkSize + bytes.length) : next;
      await this.#write(() => writeChunk(record, index, new Blob([bytes])));
      this.#record = record;
    } catch (error) {
      // A failed write must not leave the hash ahead of the stored chunks, or the retry would hash them twice.
      this.#hash = hashBefore ? Sha256.from(hashBefore) : undefined;
      throw error;
    }
  }

  /** Completes a file whose last chunk is already stored (a size that is a multiple of the chunk size, or 0). */
  async #finish(): Promise<void> {
    const record = this.#completed(this.#record, this.#stored);
    await this.#write(() => writeRecord(record));
    this.#record = record;
  }

  /** The complete record, after checking the size and the whole-file SHA-256 against the manifest. */
  #completed(record: FileRecord, size: number): FileRecord {
    const { url, size: expectedSize, sha256: expected } = this.#request;
    if (expectedSize !== undefined && size !== expectedSize) {
      throw new DiffusionError('integrity-failed', `${url} has ${size} bytes, the manifest says ${expectedSize}.`, { details: { url, expected: expectedSize, actual: size } });
    }
    const actual = this.#hash?.digestHex();
    if (expected && actual !== expected.toLowerCase()) {
      throw new DiffusionError('integrity-failed', `${url} fails its SHA-256 check.`, { details: { url, expected, actual } });
    }
    return { ...record, size, complete: true, sha256: actual, hashState: undefined, usedAt: Date.now() };
  }

  async #write(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (cause) {
      if (!isQuotaError(cause)) throw cause;
      throw new DiffusionError('quota-exceeded', `Storage ran out while saving ${this.#request.url}; the partial copy was removed.`,
        { cause, details: { url: this.#request.url, storedBytes: this.#stored } });
    }
  }

  #progress(loaded: number, total: number | undefined, force = false): void {
    const now = performance.now();
    if (!force && now - this.#lastProgress < cacheTuning().progressIntervalMs) return;
    this.#lastProgress = now;
    this.#options.onProgress?.({ file: this.#request.name, loaded, total, fromCache: false });
  }

  /** The downloaded bytes; chunks stored by an earlier session are read back (and checked) into place. */
  async #assembled(): Promise<Uint8Array | undefined> {
    if (!this.#assemble) return undefined;
    const record = this.#record;
    if (!this.#target || this.#filledFrom > 0) {
      const streamed = this.#target;
      this.#target = undefined; // detached by the reads below
      const blobs = await checkStoredFile(record);
      const target = streamed ?? new Uint8Array(record.size!);
      return copyChunks(record, blobs, target, streamed ? this.#filledFrom / record.chunkSize : blobs.length);
    }
    return this.#target;
  }
}
