/**
 * The SDK's parts that load on first use (decision 0013): a failed `import()` (a deploy that dropped the chunk, the
 * network gone) rejects like any other download, with `download-failed` naming the call.
 */
import { DiffusionError } from '../worker/protocol/errors.ts';

/** `load()`, with a failure turned into `download-failed` for `call` (`createClip()`, `invert()`). */
export function lazyModule<T>(call: string, load: () => Promise<T>): Promise<T> {
  return load().catch((cause: unknown) => {
    throw new DiffusionError('download-failed', `${call}: the SDK's module for it did not load: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  });
}
