/**
 * The one contract every sampler implements, in diffusers' vocabulary (camelCase).
 *
 * A scheduler is pure: no DOM, no ONNX, no I/O. Tensors are flat row-major `Float32Array`s; every
 * operation is element-wise, so the shape never matters here. Config is frozen at construction.
 */
import type { TorchGenerator } from '../tensor/random.ts';

/** A parsed `scheduler_config.json` as diffusers writes it: `_class_name` plus snake_case keys. */
export interface SchedulerConfig {
  readonly _class_name?: string;
  readonly [key: string]: unknown;
}

/** A config after a scheduler resolved it: every key of its class with its value, and the class name. */
export interface ResolvedSchedulerConfig extends SchedulerConfig {
  readonly _class_name: string;
}

/** What one `step` returns, as diffusers' `SchedulerOutput`: both arrays are the caller's (no internal state). */
export interface StepOutput {
  /** The sample at the previous (less noisy) timestep: the next loop input. */
  readonly prevSample: Float32Array;
  /** The step's estimate of the clean sample (x0, "denoised"), which previews show. */
  readonly predOriginalSample: Float32Array;
}

/** A sampler: timesteps for a run, input scaling, one denoising step, and forward noising. */
export interface Scheduler {
  /** The effective config (defaults filled in), frozen. */
  readonly config: ResolvedSchedulerConfig;
  /** Model evaluations per `step` call pattern: 1 for single-step samplers, 2 for Heun / DPM2 (their timesteps repeat). */
  readonly order: number;
  /** Standard deviation of the initial noise: multiply `randn` latents by this. */
  readonly initNoiseSigma: number;
  /** The timesteps to feed the model, one per `step` call, after `setTimesteps`. */
  readonly timesteps: readonly number[];
  /** The sigmas of sigma-based samplers (ending in 0), else empty. */
  readonly sigmas: readonly number[];
  /** Prepares a run of `numInferenceSteps` denoising steps; resets all per-run state. */
  setTimesteps(numInferenceSteps: number): void;
  /** Scales the model input at `timestep` (sigma-based samplers divide by sqrt(sigma^2 + 1)). */
  scaleModelInput(sample: Float32Array, timestep: number): Float32Array;
  /** One step: the sample at the previous (less noisy) timestep and the clean estimate. Stochastic samplers draw from `generator`. */
  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): StepOutput;
  /** Noises `original` to `timestep` (forward process), for image-to-image and inpainting. */
  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array;
}
