/** Listing, deleting and measuring what the model cache holds (the SDK's cache management calls these in the worker). */
import { withFileLock } from './locks.ts';
import { deleteFile, readAllMissing, readAllRecords, type FileRecord } from './store.ts';

/** One cached model: its files, bytes and dates. */
export interface CachedModel {
  readonly modelId: string;
  /** The revisions its files were stored for (one, normally). */
  readonly revisions: readonly string[];
  readonly files: readonly { readonly name: string; readonly url: string; readonly bytes: number; readonly complete: boolean }[];
  /** Bytes stored, partial downloads included. */
  readonly bytes: number;
  /** True when every file it has started is complete. */
  readonly complete: boolean;
  /** When its first file was stored and when any file was last served (ms since the epoch). */
  readonly createdAt: number;
  readonly usedAt: number;
}

/** The cache's size, with the origin's whole storage estimate for context. */
export interface CacheUsage {
  /** Bytes stored by the model cache. */
  readonly bytes: number;
  readonly files: number;
  readonly models: number;
  /** The origin's usage and quota from `navigator.storage.estimate()`, when available. */
  readonly usage?: number;
  readonly quota?: number;
  /** Whether the browser keeps this origin's storage under pressure. */
  readonly persisted?: boolean;
}

const storedBytes = (r: FileRecord) => (r.complete ? r.size ?? 0 : r.chunkCount * r.chunkSize);

/** Every model with files in the cache, most recently used first. */
export async function listCachedModels(): Promise<CachedModel[]> {
  const byModel = new Map<string, FileRecord[]>();
  for (const record of await readAllRecords()) byModel.set(record.modelId, [...(byModel.get(record.modelId) ?? []), record]);
  const models = [...byModel].map(([modelId, records]): CachedModel => ({
    modelId,
    revisions: [...new Set(records.flatMap((r) => (r.revision === undefined ? [] : [r.revision])))],
    files: records.map((r) => ({ name: r.name, url: r.url, bytes: storedBytes(r), complete: r.complete })),
    bytes: records.reduce((sum, r) => sum + storedBytes(r), 0),
    complete: records.every((r) => r.complete),
    createdAt: Math.min(...records.map((r) => r.createdAt)),
    usedAt: Math.max(...records.map((r) => r.usedAt)),
  }));
  return models.sort((a, b) => b.usedAt - a.usedAt);
}

/** Deletes every file (and remembered 404) of `modelId`, waiting for any tab still writing one; resolves to the bytes freed. */
export async function deleteCachedModel(modelId: string): Promise<number> {
  const records = (await readAllRecords()).filter((r) => r.modelId === modelId);
  let freed = 0;
  for (const record of records) {
    await withFileLock(record.url, undefined, () => deleteFile(record.url));
    freed += storedBytes(record);
  }
  for (const missing of await readAllMissing()) if (missing.modelId === modelId) await deleteFile(missing.url);
  return freed;
}

/** The bytes, files and models in the cache, and the origin's storage estimate. */
export async function cacheUsage(): Promise<CacheUsage> {
  const records = await readAllRecords();
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  const estimate = storage?.estimate ? await storage.estimate() : undefined;
  const persisted = storage?.persisted ? await storage.persisted() : undefined;
  return {
    bytes: records.reduce((sum, r) => sum + storedBytes(r), 0),
    files: records.length,
    models: new Set(records.map((r) => r.modelId)).size,
    usage: estimate?.usage,
    quota: estimate?.quota,
    persisted,
  };
}
