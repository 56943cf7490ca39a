/**
 * Model files, downloaded once and kept in IndexedDB. The only module that imports idb-keyval.
 * (First cut: whole-file entries; chunking, resume, integrity and quota follow.)
 */
import { get, set } from 'idb-keyval';
import { DiffusionError } from '../../sdk/errors.ts';

/** One file to fetch: where, what it must be, and how progress names it. */
export interface ModelFileRequest {
  /** Absolute URL. */
  readonly url: string;
  /** Display name for progress, e.g. `unet/model.onnx`. */
  readonly name: string;
  /** The model this file belongs to (for listing and deleting). */
  readonly modelId: string;
  /** Manifest revision; part of the cache key. */
  readonly revision?: string;
  readonly size?: number;
  readonly sha256?: string;
}

/** Byte progress of one file. */
export interface FileProgress {
  readonly file: string;
  readonly loaded: number;
  readonly total: number | undefined;
  readonly fromCache: boolean;
}

/** How to fetch: cancellation and progress. */
export interface FetchOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: FileProgress) => void;
}

const keyOf = (request: ModelFileRequest) => `wd:file:${request.url}#${request.revision ?? ''}`;

/** The bytes of a model file: from IndexedDB when stored, else downloaded (with progress) and stored. */
export async function fetchModelFile(request: ModelFileRequest, options: FetchOptions = {}): Promise<Uint8Array> {
  const cached = await get<Uint8Array>(keyOf(request));
  if (cached) {
    options.onProgress?.({ file: request.name, loaded: cached.byteLength, total: cached.byteLength, fromCache: true });
    return cached;
  }
  const response = await fetch(request.url, { signal: options.signal }).catch((cause: unknown) => {
    throw new DiffusionError('download-failed', `Could not fetch ${request.url}.`, { cause });
  });
  if (response.status === 404) throw new DiffusionError('model-not-found', `${request.url} answered 404.`, { details: { url: request.url } });
  if (!response.ok) throw new DiffusionError('download-failed', `${request.url} answered ${response.status}.`, { details: { url: request.url, status: response.status } });
  const bytes = new Uint8Array(await response.arrayBuffer());
  options.onProgress?.({ file: request.name, loaded: bytes.byteLength, total: bytes.byteLength, fromCache: false });
  await set(keyOf(request), bytes);
  return bytes;
}

/** Like fetchModelFile, but a 404 resolves to undefined (for optional files). */
export async function fetchOptionalFile(request: ModelFileRequest, options: FetchOptions = {}): Promise<Uint8Array | undefined> {
  try {
    return await fetchModelFile(request, options);
  } catch (error) {
    if (error instanceof DiffusionError && error.code === 'model-not-found') return undefined;
    throw error;
  }
}
