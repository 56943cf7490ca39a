/** What `generate` resolves with. */
import { DiffusionError } from '../worker/protocol/errors.ts';
import type { GenerationMode, Timings, WorkerResult } from '../worker/protocol/types.ts';
import type { SchedulerConfig } from '../worker/schedulers/scheduler.ts';

/** One generated image with the facts needed to make it again. */
export interface GenerateResult {
  /** The image as RGBA pixels. */
  readonly image: ImageData;
  /** The seed used (random when the request gave none). */
  readonly seed: number;
  /** What ran: text-to-image, image-to-image or inpainting (decided once, from the request). */
  readonly mode: GenerationMode;
  /** Milliseconds per stage: encode, each denoising step, decode, total. */
  readonly timings: Timings;
  /** The scheduler config that ran, in diffusers' form. */
  readonly scheduler: SchedulerConfig;
  /** Encodes the image (PNG unless `type` says otherwise). */
  toBlob(type?: string, quality?: number): Promise<Blob>;
}

/** Encodes ImageData with an OffscreenCanvas (works on the main thread and in workers). */
export async function imageToBlob(image: ImageData, type = 'image/png', quality?: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  if (!context) throw new DiffusionError('internal', 'This browser offers no 2D OffscreenCanvas to encode the image with.');
  context.putImageData(image, 0, 0);
  return canvas.convertToBlob({ type, quality });
}

/** Wraps the worker's plain result with methods. */
export function toGenerateResult(result: WorkerResult): GenerateResult {
  return { ...result, toBlob: (type, quality) => imageToBlob(result.image, type, quality) };
}
