/**
 * Managing downloaded models without loading one: list, delete, measure, prefetch for offline use, and ask for
 * persistent storage. Each call runs in a short-lived worker (the cache lives there, beside the pipeline).
 */
import type { Remote } from 'comlink';
import { DiffusionError } from '../worker/protocol/errors.ts';
import { defaultWorkerFactory, WorkerClient, type WorkerFactory } from './worker-client.ts';
import { cancellable, pageOrigin } from './worker-session.ts';
import type { RunOptions } from './diffusion.ts';
import type { WorkerApi } from '../worker/api.ts';
import type { CachedModel, CacheUsage } from '../worker/cache/model-cache.ts';
import type { ModelSource } from '../worker/protocol/types.ts';

export type { CachedModel, CacheUsage };

/** Options shared by the cache calls. */
export interface CacheOptions {
  readonly workerFactory?: WorkerFactory;
}

async function withWorker<T>(options: CacheOptions, task: (api: Remote<WorkerApi>, client: WorkerClient) => Promise<T>): Promise<T> {
  const client = new WorkerClient(options.workerFactory ?? defaultWorkerFactory, () => undefined);
  try {
    return await client.call((api) => task(api, client));
  } finally {
    client.terminate(new DiffusionError('disposed', 'The cache worker has finished.'));
  }
}

/** Every cached model with its files, bytes and dates, most recently used first. */
export function listCachedModels(options: CacheOptions = {}): Promise<CachedModel[]> {
  return withWorker(options, (api) => api.listCachedModels());
}

/** Deletes a cached model, named by its listed `modelId` or by the preset, URL or manifest it came from; resolves to the bytes freed. */
export function deleteCachedModel(model: ModelSource, options: CacheOptions = {}): Promise<number> {
  return withWorker(options, (api) => api.deleteCachedModel(model, pageOrigin()));
}

/** How much the cache holds, with the origin's storage estimate. */
export function cacheUsage(options: CacheOptions = {}): Promise<CacheUsage> {
  return withWorker(options, (api) => api.cacheUsage());
}

/** Downloads a model for offline use without creating sessions; progress and cancellation as for `createDiffusion`. */
export function prefetchModel(model: ModelSource, options: CacheOptions & RunOptions = {}): Promise<void> {
  options.signal?.throwIfAborted();
  return withWorker(options, (api) => cancellable((id) => api.cancel(id), options, (id, onProgress) => api.prefetch(id, model, pageOrigin(), onProgress)));
}

/** Asks the browser to keep downloaded models under storage pressure (`navigator.storage.persist()`); resolves to whether it will. */
export async function requestPersistentStorage(): Promise<boolean> {
  const storage = globalThis.navigator?.storage;
  return typeof storage?.persist === 'function' ? storage.persist() : false;
}
