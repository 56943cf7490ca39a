/**
 * Folds the SDK's progress reports into what the progress UI shows: bytes downloaded over all files, the
 * denoising step, and a one-line status for the live region.
 */
import type { Progress } from '../../sdk/index.ts';

/** What the progress UI shows. */
export interface ProgressSummary {
  readonly phase: Progress['phase'] | 'idle';
  /** Bytes over all files so far, and the total when every file's size is known. */
  readonly loaded: number;
  readonly total: number | undefined;
  readonly step: number;
  readonly totalSteps: number;
  /** A short sentence for the status region. */
  readonly label: string;
}

/** The summary before anything happened. */
export const idleSummary: ProgressSummary = { phase: 'idle', loaded: 0, total: undefined, step: 0, totalSteps: 0, label: '' };

/** Formats a byte count for people (MB with one decimal above 1 MB). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} B`;
}

/** Keeps the latest state between reports. */
export class ProgressTracker {
  #summary: ProgressSummary = idleSummary;

  /** The latest summary. */
  get summary(): ProgressSummary {
    return this.#summary;
  }

  /** Starts over (a new run). */
  reset(): void {
    this.#summary = idleSummary;
  }

  /** Folds in one report and returns the new summary. */
  add(progress: Progress): ProgressSummary {
    const s = this.#summary;
    switch (progress.phase) {
      case 'download': {
        const { loaded, total } = progress.overall;
        const label = `Downloading the model: ${formatBytes(loaded)}${total ? ` of ${formatBytes(total)}` : ''}`;
        return (this.#summary = { ...s, phase: 'download', loaded, total, label });
      }
      case 'cache':
        return this.#summary;
      case 'session':
        return (this.#summary = { ...s, phase: 'session', label: 'Preparing the model' });
      case 'ready':
        return (this.#summary = { ...s, phase: 'ready', label: `Model ready (${progress.device === 'webgpu' ? 'WebGPU' : 'WebAssembly'})` });
      case 'encode':
        return (this.#summary = { ...s, phase: 'encode', label: 'Reading the prompt' });
      case 'denoise':
        return (this.#summary = { ...s, phase: 'denoise', step: progress.step, totalSteps: progress.totalSteps, label: `Step ${progress.step} of ${progress.totalSteps}` });
      case 'decode':
        return (this.#summary = { ...s, phase: 'decode', label: 'Decoding the image' });
    }
  }
}
