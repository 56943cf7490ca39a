/**
 * The IndexedDB layout of the model cache: one object store holding, per file, a record (`['f', url]`) and its
 * chunks as Blobs (`['c', url, index]`). Array keys keep each file's chunks together so one key range deletes them.
 *
 * A file's record says `complete: true` only once every chunk is stored: it is written last, in the same
 * transaction as the last chunk, so a partial file is never mistaken for a complete one.
 *
 * An optional file the server answered 404 for has a negative entry (`['n', url]`), so that later loads do not ask
 * for it again (a load with the server gone must make no request at all). Storing the file removes the entry.
 */
import { get, promisifyRequest, type UseStore } from 'idb-keyval';
import type { Sha256State } from './sha256.ts';

/** What the cache knows about one file, complete or partly downloaded. */
export interface FileRecord {
  readonly url: string;
  readonly name: string;
  readonly modelId: string;
  /** The manifest's revision, when it gave one. */
  readonly revision?: string;
  /** The server's ETag, used with `If-Range` so a resume never splices two versions. */
  readonly etag?: string;
  /** The server's Last-Modified, for revalidating a file served without an ETag. */
  readonly lastModified?: string;
  /** Total bytes; undefined while unknown (a partial download without Content-Length). */
  readonly size?: number;
  /** The chunk size this file was stored with (later tuning changes do not affect stored files). */
  readonly chunkSize: number;
  /** Chunks stored so far (all of them when complete). */
  readonly chunkCount: number;
  /** SHA-256 of each stored chunk, hex, when WebCrypto was available; checked on every load. */
  readonly chunkDigests: readonly string[];
  readonly complete: boolean;
  /** SHA-256 of the whole file, hex: the manifest's, verified (complete files only). */
  readonly sha256?: string;
  /** The whole-file hash so far, so that a resumed download does not hash the stored part again. */
  readonly hashState?: Sha256State;
  /** When the download started and when the file was last served (ms since the epoch). */
  readonly createdAt: number;
  readonly usedAt: number;
}

/** An optional file that answered 404: remembered per URL and revision, like a stored file. */
export interface MissingRecord {
  readonly url: string;
  readonly name: string;
  readonly modelId: string;
  readonly revision?: string;
  /** When the server said 404 (ms since the epoch). */
  readonly checkedAt: number;
}

const DB_NAME = 'web-diffusion-cache';
const STORE = 'files';

let database: Promise<IDBDatabase> | undefined;

function open(): Promise<IDBDatabase> {
  if (database) return database;
  const request = indexedDB.open(DB_NAME, 1);
  request.onupgradeneeded = () => request.result.createObjectStore(STORE);
  const opened = promisifyRequest(request).then((db) => {
    // Let another tab (or a test) delete or upgrade the database instead of blocking it forever.
    db.onversionchange = () => { db.close(); database = undefined; };
    db.onclose = () => { database = undefined; };
    return db;
  });
  opened.catch(() => { database = undefined; });
  database = opened;
  return opened;
}

/** idb-keyval's store function over our database, which (unlike idb-keyval's own) closes on `versionchange`. */
const store: UseStore = (mode, callback) => open().then((db) => callback(db.transaction(STORE, mode).objectStore(STORE)));

const recordKey = (url: string) => ['f', url];
const chunkKey = (url: string, index: number) => ['c', url, index];
const missingKey = (url: string) => ['n', url];
const chunkRange = (url: string) => IDBKeyRange.bound(['c', url], ['c', url, []]);

/** Puts `entries` in one transaction; a complete file's record also drops the file's negative entry. */
function putAll(entries: [IDBValidKey, unknown][], record?: FileRecord): Promise<void> {
  return store('readwrite', (s) => {
    for (const [key, value] of entries) s.put(value, key);
    if (record?.complete) s.delete(missingKey(record.url));
    return promisifyRequest(s.transaction);
  });
}

/** The record of `url`, if any. */
export function readRecord(url: string): Promise<FileRecord | undefined> {
  return get<FileRecord>(recordKey(url), store);
}

/** Every file record (complete or partial). */
export function readAllRecords(): Promise<FileRecord[]> {
  return store('readonly', (s) => promisifyRequest(s.getAll(IDBKeyRange.bound(['f'], ['f', []])) as IDBRequest<FileRecord[]>));
}

/** Stores chunk `index` and the updated record in one transaction (the record never runs ahead of its chunks). */
export function writeChunk(record: FileRecord, index: number, chunk: Blob): Promise<void> {
  return putAll([[chunkKey(record.url, index), chunk], [recordKey(record.url), record]], record);
}

/** Writes a record alone. */
export function writeRecord(record: FileRecord): Promise<void> {
  return putAll([[recordKey(record.url), record]], record);
}

/** Chunk `index` of `url`, if stored. */
export function readChunk(url: string, index: number): Promise<Blob | undefined> {
  return get<Blob>(chunkKey(url, index), store);
}

/** The negative entry of `url`, if the server answered 404 for it. */
export function readMissing(url: string): Promise<MissingRecord | undefined> {
  return get<MissingRecord>(missingKey(url), store);
}

/** Every negative entry. */
export function readAllMissing(): Promise<MissingRecord[]> {
  return store('readonly', (s) => promisifyRequest(s.getAll(IDBKeyRange.bound(['n'], ['n', []])) as IDBRequest<MissingRecord[]>));
}

/** Remembers that an optional file answered 404. */
export function writeMissing(record: MissingRecord): Promise<void> {
  return putAll([[missingKey(record.url), record]]);
}

/** Removes a file's record, every chunk and its negative entry, in one transaction. */
export function deleteFile(url: string): Promise<void> {
  return store('readwrite', (s) => {
    s.delete(recordKey(url));
    s.delete(missingKey(url));
    s.delete(chunkRange(url));
    return promisifyRequest(s.transaction);
  });
}
