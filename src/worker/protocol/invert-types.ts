/**
 * The wire types of inversion (image -> noise latents; src/worker/pipelines/invert.ts). Cloneable, as everything in
 * protocol/ that crosses the worker boundary.
 */
import type { SchedulerConfig } from '../schedulers/scheduler.ts';
import type { Timings } from './types.ts';

/** What to invert, and how: the fields mean what they mean in `GenerateRequest`. */
export interface InvertRequest {
  /** The picture to invert, of any size: scaled to width x height as `generate` scales its `image`. */
  readonly image: ImageData;
  /** The prompt the U-Net is conditioned on while inverting; give the same one to `generate`. Default ''. */
  readonly prompt?: string;
  readonly negativePrompt?: string;
  readonly width?: number;
  readonly height?: number;
  /** Inversion steps; `generate` with the same count walks them back. Default: the model's steps (20). */
  readonly steps?: number;
  /** Default 1 (no guidance): DDIM inversion is exact only for the unguided model (Mokady et al.). */
  readonly guidanceScale?: number;
  /**
   * The inverse sampler: `DDIMInverseScheduler` (the default), `DPMSolverMultistepInverseScheduler`, the forward
   * sampler to generate with (`'DDIM'`, `'DPM++ 2M'`, `'DPM++ 2M Karras'`: its inverse runs), or a config object.
   */
  readonly scheduler?: string | SchedulerConfig;
  /** Seeds the VAE posterior draw (diffusers' `latent_dist.sample(generator)`); random when omitted. */
  readonly seed?: number;
}

/** Noise latents that the matching forward sampler denoises back into the image. */
export interface InvertResult {
  /** [4, height / 8, width / 8] latents at the last (noisiest) timestep: pass them as `generate({ latents })`. */
  readonly latents: Float32Array;
  readonly width: number;
  readonly height: number;
  readonly steps: number;
  readonly seed: number;
  /** The inverse sampler's timesteps, ascending. */
  readonly timesteps: readonly number[];
  /** The inverse scheduler config that ran (diffusers form). */
  readonly scheduler: SchedulerConfig;
  /** `decode` is 0: inversion decodes nothing. */
  readonly timings: Timings;
}
