/** What a pipeline run gets from the worker API: progress reporting and a cancellation checkpoint. */
import type { LoadContext } from '../models/load-model.ts';
import { abortError } from '../protocol/errors.ts';
import type { Progress } from '../protocol/types.ts';

/** Per-request services for a pipeline. */
export interface RunContext {
  /** Reports progress to the caller. */
  progress(progress: Progress): void;
  /** Whether denoise progress carries a latent preview (the request's `previews`). */
  readonly previews?: boolean;
  /** Lets queued messages (a cancel) in, then throws an AbortError if the request was cancelled. */
  checkpoint(): Promise<void>;
  readonly signal: AbortSignal;
  /** How to load networks on first use (the VAE encoder). */
  readonly load: LoadContext;
}

const channel = typeof MessageChannel === 'function' ? new MessageChannel() : undefined;
const waiting: (() => void)[] = [];
if (channel) channel.port1.onmessage = () => waiting.shift()?.();

/**
 * Yields to the event loop so a `cancel` message can arrive between U-Net steps. A MessageChannel post
 * costs microseconds; setTimeout(0) is clamped to 4 ms once nested.
 */
export function yieldToEventLoop(): Promise<void> {
  if (!channel) return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });
}

/** A checkpoint for `signal`: lets queued messages (a cancel) in, then throws an AbortError once it has aborted. */
export function checkpointFor(signal: AbortSignal): () => Promise<void> {
  return async () => {
    await yieldToEventLoop();
    if (signal.aborted) throw abortError(signal.reason);
  };
}

/** The services of one request from its abort signal and progress callback (cancellation checked between steps). */
export function runContextFor(signal: AbortSignal, progress: (progress: Progress) => void, load: Omit<LoadContext, 'signal' | 'onProgress'>, previews = false): RunContext {
  return {
    signal, progress, previews,
    load: { ...load, signal, onProgress: progress },
    checkpoint: checkpointFor(signal),
  };
}
