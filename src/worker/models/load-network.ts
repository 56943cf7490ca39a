/**
 * One network file into one ORT session: the download through the model cache (progress over all files of a load),
 * external data (declared, or read from the graph), embedded weights handed over as external data, and errors that
 * say when a bad file came from the cache.
 */
import { DiffusionError } from '../protocol/errors.ts';
import { cacheModelFile, fetchModelFile, openModelFile, type FetchOptions } from '../cache/model-cache.ts';
import type { FileRef, ModelManifest, OnnxFileRef, Progress } from '../protocol/types.ts';
import { createSession, streamsBlobs, type Backend, type Session } from '../runtime/ort.ts';
import { externalDataLocations } from './onnx-external-data.ts';
import { externalDataLocationsFromBlob, externalizeWeights, externalizeWeightsFromBlob, INLINE_WEIGHTS_PATH } from './onnx-inline-weights.ts';

/** How to load: backend, cancellation and progress. */
export interface LoadContext {
  readonly backend: Backend;
  readonly signal?: AbortSignal;
  readonly onProgress: (progress: Progress) => void;
  /** No bytes for this long fails a download with `download-failed` (default: the cache's, 30 s). */
  readonly stallTimeoutMs?: number;
}

function fileName(url: string, manifest: ModelManifest): string {
  return manifest.baseUrl && url.startsWith(manifest.baseUrl) ? url.slice(manifest.baseUrl.length) : url;
}

/** Each load's files and their latest counts, so every download report can also say the bytes over all files. */
const filesOfLoad = new WeakMap<object, Map<string, { loaded: number; total: number | undefined }>>();

function overall(context: object, file: string, loaded: number, total: number | undefined) {
  const files = filesOfLoad.get(context) ?? new Map<string, { loaded: number; total: number | undefined }>();
  filesOfLoad.set(context, files.set(file, { loaded, total }));
  let sum = { loaded: 0, total: 0 as number | undefined };
  for (const f of files.values()) sum = { loaded: sum.loaded + f.loaded, total: sum.total === undefined || f.total === undefined ? undefined : sum.total + f.total };
  return sum;
}

export function fetchOptions(context: Omit<LoadContext, 'backend'>): FetchOptions {
  return {
    signal: context.signal,
    stallTimeoutMs: context.stallTimeoutMs,
    onProgress: (p) => context.onProgress({
      phase: 'download', file: p.file, loaded: p.loaded, total: p.total, fromCache: p.fromCache, overall: overall(context, p.file, p.loaded, p.total),
    }),
    onCacheEvent: (e: { file: string; event: 'hit' | 'evicted-corrupt' | 'evicted-stale' | 'stored' }) =>
      context.onProgress({ phase: 'cache', file: e.file, event: e.event }),
  } as FetchOptions;
}

/** A file's cache request; without a revision to key the cache, a stored copy is revalidated with the server first. */
export function request(file: FileRef, manifest: ModelManifest) {
  return {
    url: file.url, name: fileName(file.url, manifest), modelId: manifest.id, revision: manifest.revision, size: file.size, sha256: file.sha256,
    revalidate: manifest.revision === undefined,
  };
}

/**
 * A network file or its external data: where ORT streams Blobs (its JSPI build), a Blob over the stored chunks,
 * so the weights go from IndexedDB into the session without a whole copy in memory; elsewhere the bytes.
 * `cached` hears whether the copy came from the cache (then a failure caused by it must say so).
 */
function weightsFile(ref: FileRef, manifest: ModelManifest, context: LoadContext, cached: (hit: boolean) => void): Promise<Uint8Array | Blob> {
  const options = fetchOptions(context);
  const onCacheEvent: FetchOptions['onCacheEvent'] = (e) => { cached(e.event === 'hit'); options.onCacheEvent?.(e); };
  return (streamsBlobs ? openModelFile : fetchModelFile)(request(ref, manifest), { ...options, onCacheEvent });
}

/** The file an external-data location of `file` names: the manifest's entry for it, else the path beside `file`. */
function externalRef(file: OnnxFileRef, path: string): FileRef {
  return file.externalData?.find((f) => f.path === path) ?? { url: new URL(path, file.url).href };
}

function invalidOnnx(file: OnnxFileRef, label: string, cause: unknown): DiffusionError {
  return new DiffusionError('model-load-failed', `The ${label} file is not a valid ONNX model (truncated or corrupt).`, { cause, details: { url: file.url } });
}

/**
 * The error with a word on the cache when a cached copy was loaded: a bad file that came from the server once
 * stays in the browser, and only deleting it lets a fixed one in (for models with a revision to trust).
 */
function blamingCache(error: unknown, manifest: ModelManifest, fromCache: boolean): unknown {
  if (!fromCache || !(error instanceof DiffusionError) || error.code !== 'model-load-failed') return error;
  const hint = ` The file came from the browser's model cache; delete the cached copy with deleteCachedModel(${JSON.stringify(manifest.id)}) (from 'web-diffusion') and load again to download it anew.`;
  return new DiffusionError(error.code, error.message + hint, { cause: error.cause, details: { ...error.details, fromCache: true, modelId: manifest.id } });
}

/** Fetches an ONNX file and its external data, then creates its session. */
export async function loadNetwork(file: OnnxFileRef, label: string, manifest: ModelManifest, context: LoadContext, inspect?: Inspect): Promise<Session> {
  let fromCache = false;
  const cached = (hit: boolean) => { fromCache ||= hit; };
  try {
    return await createNetwork(file, label, manifest, context, cached, inspect);
  } catch (error) {
    throw blamingCache(error, manifest, fromCache);
  }
}

/** Reads something from a network's file before its session is made (the U-Net's channels from its graph). */
export type Inspect = (model: Uint8Array | Blob) => Promise<void>;

async function createNetwork(file: OnnxFileRef, label: string, manifest: ModelManifest, context: LoadContext, cached: (hit: boolean) => void, inspect?: Inspect): Promise<Session> {
  const model = await weightsFile(file, manifest, context, cached);
  await inspect?.(model);
  let locations: string[];
  let graph: Uint8Array | undefined;
  try {
    const declared = file.externalData?.map((f) => f.path);
    locations = declared ?? (model instanceof Blob ? await externalDataLocationsFromBlob(model) : externalDataLocations(model));
    // Embedded weights go to ORT as external data into these same bytes: half the peak memory (onnx-inline-weights.ts).
    graph = model instanceof Blob ? await externalizeWeightsFromBlob(model) : externalizeWeights(model);
  } catch (cause) {
    throw invalidOnnx(file, label, cause);
  }
  const externalData = [];
  for (const path of locations) externalData.push({ path, data: await weightsFile(externalRef(file, path), manifest, context, cached) });
  if (graph) externalData.push({ path: INLINE_WEIGHTS_PATH, data: model });
  // Without large embedded weights the file is the graph alone (small), which ORT takes as bytes.
  const bytes = graph ?? (model instanceof Blob ? new Uint8Array(await model.arrayBuffer()) : model);
  return createSession(bytes, { backend: context.backend, label, externalData: externalData.length ? externalData : undefined });
}


/** Stores a network file and its external data in the cache, creating no session (prefetchModel). */
export async function prefetchNetwork(file: OnnxFileRef, manifest: ModelManifest, options: FetchOptions): Promise<void> {
  // A Blob over the stored chunks: the (possibly 2 GB) file is never assembled just to list its external data.
  const model = await openModelFile(request(file, manifest), options);
  const locations = file.externalData?.map((f) => f.path) ?? (await externalDataLocationsFromBlob(model).catch((cause: unknown) => {
    throw invalidOnnx(file, fileName(file.url, manifest), cause);
  }));
  for (const path of locations) await cacheModelFile(request(externalRef(file, path), manifest), options);
}
