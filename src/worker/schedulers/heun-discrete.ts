/**
 * HeunDiscreteScheduler (diffusers 0.24): Algorithm 2 of Karras et al. (2022) with gamma = 0. Each sigma but the
 * first appears twice in `timesteps`: an Euler predictor call, then the corrector call that averages the slopes.
 */
import type { TorchGenerator } from '../tensor/random.ts';
import { oneOf, resolveConfig, type ResolvedConfig } from './config.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';
import {
  predictOriginal, scaleBySigma, sigmaInitNoise, sigmaSchedule, trainingSigmas, type TrainingSigmas,
} from './sigma-schedule.ts';
import {
  addNoiseSigma, checkPrepared, checkStepLengths, checkSteps, clampInPlace, unknownTimestep,
} from './tensor-ops.ts';
import { initStepIndex } from './timesteps.ts';

const f32 = Math.fround;

/** diffusers 0.24 constructor defaults. */
export const HEUN_DEFAULTS = Object.freeze({
  num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'linear', trained_betas: null,
  prediction_type: 'epsilon', use_karras_sigmas: false, clip_sample: false, clip_sample_range: 1.0,
  timestep_spacing: 'linspace', steps_offset: 0,
});

/** Heun's second-order method: two model calls per sigma interval (order 2). */
export class HeunDiscreteScheduler implements Scheduler {
  readonly config: ResolvedConfig;
  readonly order = 2;
  readonly #table: TrainingSigmas;
  readonly #predictionType: string;
  #timesteps: readonly number[] = [];
  #sigmas: readonly number[] = [];
  #stepIndex: number | null = null;
  /** Set between the predictor and the corrector call. */
  #first: { derivative: Float32Array; dt: number; sample: Float32Array } | null = null;

  /** Builds from a diffusers config (unknown keys ignored, defaults filled). */
  constructor(config: SchedulerConfig = {}) {
    this.config = resolveConfig('HeunDiscreteScheduler', HEUN_DEFAULTS, config);
    this.#predictionType = oneOf(this.config, 'prediction_type', ['epsilon', 'v_prediction', 'sample']);
    this.#table = trainingSigmas(this.config);
  }

  get initNoiseSigma(): number {
    return sigmaInitNoise(this.#sigmas, this.config.timestep_spacing);
  }

  get timesteps(): readonly number[] {
    return this.#timesteps;
  }

  get sigmas(): readonly number[] {
    return this.#sigmas;
  }

  setTimesteps(numInferenceSteps: number): void {
    checkSteps(numInferenceSteps, this.config.num_train_timesteps as number, 'HeunDiscreteScheduler');
    const { timesteps, sigmas } = sigmaSchedule(this.config, this.#table, numInferenceSteps);
    const all = [...sigmas, 0];
    this.#sigmas = Object.freeze([all[0]!, ...all.slice(1, -1).flatMap((s) => [s, s]), 0]);
    this.#timesteps = Object.freeze([timesteps[0]!, ...timesteps.slice(1).flatMap((t) => [t, t])]);
    this.#stepIndex = null;
    this.#first = null;
  }

  scaleModelInput(sample: Float32Array, timestep: number): Float32Array {
    this.#stepIndex ??= initStepIndex(this.#timesteps, timestep);
    return scaleBySigma(sample, this.#sigmas[this.#stepIndex]!);
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, _generator?: TorchGenerator): Float32Array {
    checkPrepared(this.#timesteps.length > 0, 'HeunDiscreteScheduler');
    checkStepLengths(modelOutput, sample);
    this.#stepIndex ??= initStepIndex(this.#timesteps, timestep);
    const index = this.#stepIndex;
    const first = this.#first;
    const sigma = first ? this.#sigmas[index - 1]! : this.#sigmas[index]!;
    const sigmaNext = first ? this.#sigmas[index]! : this.#sigmas[index + 1]!;
    const sigmaIn = first ? sigmaNext : sigma;
    const denoised = predictOriginal(this.#predictionType, modelOutput, sample, sigmaIn, new Float32Array(sample.length));
    if (this.config.clip_sample === true) clampInPlace(denoised, this.config.clip_sample_range as number);
    this.#stepIndex += 1;
    if (!first) {
      const dt = f32(sigmaNext - sigma);
      // The derivative is kept for the second half; `denoised` (this step's scratch) becomes the result.
      const derivative = new Float32Array(sample.length);
      const prev = heunFirst(sample, denoised, sigma, dt, derivative);
      this.#first = { derivative, dt, sample };
      return prev;
    }
    this.#first = null;
    return heunSecond(first, sample, denoised, sigmaNext);
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    if (!this.#timesteps.includes(timestep)) throw unknownTimestep('HeunDiscreteScheduler', timestep);
    return addNoiseSigma(original, noise, this.#sigmas[initStepIndex(this.#timesteps, timestep)]!);
  }
}

/** First half: `derivative = (sample - denoised) / sigma` into `derivative`, and `sample + derivative * dt` over `denoised`. */
function heunFirst(sample: Float32Array, denoised: Float32Array, sigma: number, dt: number, derivative: Float32Array): Float32Array {
  for (let i = 0; i < sample.length; i += 1) {
    const d = f32(f32(sample[i]! - denoised[i]!) / sigma);
    derivative[i] = d;
    denoised[i] = sample[i]! + f32(d * dt);
  }
  return denoised;
}

/** Second half: the first half's sample moved by the mean of both derivatives, written over `denoised`. */
function heunSecond(first: { derivative: Float32Array; dt: number; sample: Float32Array }, sample: Float32Array, denoised: Float32Array, sigmaNext: number): Float32Array {
  const { derivative: d1, dt, sample: x } = first;
  for (let i = 0; i < sample.length; i += 1) {
    const d2 = f32(f32(sample[i]! - denoised[i]!) / sigmaNext);
    denoised[i] = x[i]! + f32(f32(f32(d1[i]! + d2) / 2) * dt);
  }
  return denoised;
}
