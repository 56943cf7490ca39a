/** The types of the model cache's seam with the model loader (re-exported by model-cache.ts). */

/** One file to fetch: where, what it must be, and how progress names it. */
export interface ModelFileRequest {
  /** Absolute URL; with the revision, the cache key. */
  readonly url: string;
  /** Display name for progress, e.g. `unet/model.onnx`. */
  readonly name: string;
  /** The model this file belongs to (for listing and deleting). */
  readonly modelId: string;
  /** Manifest revision: a cached file of another revision is evicted and downloaded again. */
  readonly revision?: string;
  /** Expected size in bytes, verified after download and checked against the server's length before. */
  readonly size?: number;
  /** Expected SHA-256 (hex), verified as the bytes stream in. */
  readonly sha256?: string;
  /**
   * Ask the server (a conditional request) whether a stored copy is still current before serving it: for files
   * without a revision to key them, such as a folder model's. Offline, the stored copy is served.
   */
  readonly revalidate?: boolean;
}

/** Byte progress of one file. */
export interface FileProgress {
  readonly file: string;
  readonly loaded: number;
  readonly total: number | undefined;
  readonly fromCache: boolean;
}

/** What happened to a file in the cache, for progress events. */
export interface CacheEvent {
  readonly file: string;
  readonly event: 'hit' | 'evicted-corrupt' | 'evicted-stale' | 'stored';
}

/** How to fetch: cancellation, byte progress and cache events. */
export interface FetchOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: FileProgress) => void;
  readonly onCacheEvent?: (event: CacheEvent) => void;
  /** A download (or revalidation) that gets no bytes for this long fails (`download-failed`); default 30 s. */
  readonly stallTimeoutMs?: number;
}
