/**
 * What a generation mode (text, image, inpaint) supplies to the one recipe in generate.ts: only what differs
 * between them, namely its initial latents, its extra U-Net channels, its after-step hook and how the decoded
 * picture becomes the result. Modes import this file, never generate.ts, so there is no import cycle.
 */
import type { LoadContext, LoadedModel } from '../models/load-model.ts';
import type { ValidRequest } from '../protocol/validate.ts';
import type { Scheduler, SchedulerConfig } from '../schedulers/scheduler.ts';
import type { TorchGenerator } from '../tensor/random.ts';

/** A validated request with its sampler resolved against the model's scheduler config. */
export type PipelineRequest = ValidRequest & { readonly schedulerConfig: SchedulerConfig };

/** What the recipe hands a mode when the latents are due (the scheduler's timesteps are set). */
export interface LatentsInput {
  readonly model: LoadedModel;
  readonly request: PipelineRequest;
  readonly scheduler: Scheduler;
  /** The request's seeded generator: a mode draws from it in diffusers' order. */
  readonly generator: TorchGenerator;
  /** [channels, h, w] of the latents. */
  readonly latentShape: readonly [number, number, number];
  readonly load: LoadContext;
}

/** Where the denoising loop starts, and what the mode adds to it. */
export interface ModeStart {
  readonly latents: Float32Array;
  readonly timesteps: readonly number[];
  /** Channels appended to the scaled latents (inpainting U-Nets: mask + masked-image latents). */
  readonly extraChannels?: Float32Array;
  /** Called after each step (a 4-channel U-Net inpainting puts the known region back). */
  readonly afterStep?: (latents: Float32Array, index: number) => Float32Array;
  /** Turns the decoded picture into the result (inpainting composites it with the original). */
  readonly finish?: (decoded: ImageData) => ImageData;
}

/** A mode's inputs made ready (images at the generation size), before any network runs. */
export interface PreparedMode {
  /** The result as is when there is nothing to run (an empty mask). */
  readonly unchanged?: ImageData;
  /** The initial latents and the rest, drawing from the generator as diffusers does. */
  start(input: LatentsInput): Promise<ModeStart>;
}

/** One mode of generation. */
export type Mode = (request: PipelineRequest) => Promise<PreparedMode>;

/** The timesteps `strength` keeps (diffusers' `get_timesteps`): the last `floor(steps x strength)` of them. */
export function strengthTimesteps(scheduler: Scheduler, steps: number, strength: number): readonly number[] {
  const initTimestep = Math.min(Math.floor(steps * strength), steps);
  const start = Math.max(steps - initTimestep, 0);
  return scheduler.timesteps.slice(start * scheduler.order);
}

/** The element count of a latent shape. */
export function latentSize([c, h, w]: readonly [number, number, number]): number {
  return c * h * w;
}
