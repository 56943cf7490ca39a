/** Knobs of the model cache: defaults for real models, small values for fast tests. */

/** The cache's tunable settings. */
export interface CacheTuning {
  /** Bytes per stored Blob; a multiple of 64 (the SHA-256 block) so a saved hash state has no pending bytes. */
  readonly chunkSize: number;
  /** First retry delay; each further retry doubles it. */
  readonly retryBaseMs: number;
  /** Retries after a network fault that stored nothing new (progress resets the count). */
  readonly maxRetries: number;
  /** Check each chunk's SHA-256 (native WebCrypto) on every load, not only sizes and counts. */
  readonly verifyChunks: boolean;
  /** Least time between two progress events of one file. */
  readonly progressIntervalMs: number;
  /**
   * Default stall timeout: a download that gets no bytes for this long fails; a revalidation that gets no answer
   * serves the stored copy, as offline.
   */
  readonly stallTimeoutMs: number;
}

const DEFAULTS: CacheTuning = { chunkSize: 32 * 2 ** 20, retryBaseMs: 500, maxRetries: 5, verifyChunks: true, progressIntervalMs: 100, stallTimeoutMs: 30_000 };

let current: CacheTuning = DEFAULTS;

/** Changes some settings and returns the previous ones (tests restore them); `setCacheTuning()` restores the defaults. */
export function setCacheTuning(changes?: Partial<CacheTuning>): CacheTuning {
  const previous = current;
  const next = changes ? { ...current, ...changes } : DEFAULTS;
  if (!Number.isInteger(next.chunkSize) || next.chunkSize <= 0 || next.chunkSize % 64 !== 0) {
    throw new RangeError(`chunkSize must be a positive multiple of 64, got ${next.chunkSize}.`);
  }
  current = next;
  return previous;
}

/** The settings in force. */
export function cacheTuning(): CacheTuning {
  return current;
}
