/**
 * DDIMScheduler (diffusers 0.24): denoising diffusion implicit models (Song et al. 2020), formula (12). diffusers'
 * step kwargs `eta` and `use_clipped_model_output` are config keys here; noise is drawn only when `eta > 0`.
 * Dynamic thresholding is left out (a config asking for it fails).
 */
import type { TorchGenerator } from '../tensor/random.ts';
import { alphaAt, checkTimestepRange, predictX0, rejectThresholding } from './alpha-schedule.ts';
import { alphasCumprod, betasFor } from './betas.ts';
import { oneOf, resolveConfig, type ResolvedConfig } from './config.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';
import { addNoiseAlpha, addScaled, axpby, checkPrepared, checkStepLengths, checkSteps, clampInPlace, randn } from './tensor-ops.ts';
import { linspaceSpacing, roundHalfEven, spacedTimesteps } from './timesteps.ts';

const f32 = Math.fround;

/** diffusers 0.24 constructor defaults, plus the step kwargs. */
export const DDIM_DEFAULTS = Object.freeze({
  num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
  clip_sample: true, set_alpha_to_one: true, steps_offset: 0, prediction_type: 'epsilon', thresholding: false,
  dynamic_thresholding_ratio: 0.995, clip_sample_range: 1.0, sample_max_value: 1.0, timestep_spacing: 'leading',
  rescale_betas_zero_snr: false,
  eta: 0, use_clipped_model_output: false,
});

/** DDIM: deterministic for `eta = 0`, DDPM-like for `eta = 1`. */
export class DDIMScheduler implements Scheduler {
  readonly config: ResolvedConfig;
  readonly order = 1;
  readonly initNoiseSigma = 1;
  readonly sigmas: readonly number[] = Object.freeze([]);
  readonly #alphasCumprod: Float32Array;
  readonly #finalAlphaCumprod: number;
  readonly #predictionType: string;
  #timesteps: readonly number[] = [];
  #numInferenceSteps = 0;

  /** Builds from a diffusers config (unknown keys ignored, defaults filled). */
  constructor(config: SchedulerConfig = {}) {
    this.config = resolveConfig('DDIMScheduler', DDIM_DEFAULTS, config);
    rejectThresholding(this.config);
    this.#predictionType = oneOf(this.config, 'prediction_type', ['epsilon', 'v_prediction', 'sample']);
    this.#alphasCumprod = alphasCumprod(betasFor(this.config));
    this.#finalAlphaCumprod = this.config.set_alpha_to_one === true ? 1 : this.#alphasCumprod[0]!;
  }

  get timesteps(): readonly number[] {
    return this.#timesteps;
  }

  setTimesteps(numInferenceSteps: number): void {
    const numTrain = this.config.num_train_timesteps as number;
    checkSteps(numInferenceSteps, numTrain, 'DDIMScheduler');
    const spacing = this.config.timestep_spacing;
    const timesteps = spacing === 'linspace'
      ? linspaceSpacing(numTrain, numInferenceSteps).map(roundHalfEven)
      : spacedTimesteps(spacing, numTrain, numInferenceSteps, this.config.steps_offset as number);
    checkTimestepRange(timesteps, numTrain, 'DDIMScheduler');
    this.#timesteps = Object.freeze(timesteps);
    this.#numInferenceSteps = numInferenceSteps;
  }

  scaleModelInput(sample: Float32Array, _timestep: number): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): Float32Array {
    checkPrepared(this.#numInferenceSteps > 0, 'DDIMScheduler');
    checkStepLengths(modelOutput, sample);
    const prevT = timestep - Math.floor((this.config.num_train_timesteps as number) / this.#numInferenceSteps);
    const a = alphaAt(this.#alphasCumprod, timestep, 'DDIMScheduler');
    const aPrev = prevT >= 0 ? alphaAt(this.#alphasCumprod, prevT, 'DDIMScheduler') : this.#finalAlphaCumprod;
    const b = f32(1 - a);
    const sqrtA = f32(Math.sqrt(a));
    const sqrtB = f32(Math.sqrt(b));
    const n = sample.length;
    const x0 = predictX0(this.#predictionType, modelOutput, sample, a, new Float32Array(n));
    let eps = this.#predictEpsilon(modelOutput, sample, x0, sqrtA, sqrtB);
    if (this.config.clip_sample === true) clampInPlace(x0, this.config.clip_sample_range as number);
    if (this.config.use_clipped_model_output === true) eps = epsilonFromX0(sample, x0, sqrtA, sqrtB);
    const eta = this.config.eta as number;
    const variance = f32(f32(f32(1 - aPrev) / b) * f32(1 - f32(a / aPrev)));
    const std = f32(f32(eta) * f32(Math.sqrt(variance)));
    const dirCoeff = f32(Math.sqrt(f32(f32(1 - aPrev) - f32(std * std))));
    const sqrtAPrev = f32(Math.sqrt(aPrev));
    // x0 is this step's own scratch, so the result can overwrite it: one allocation per step.
    const prev = axpby(sqrtAPrev, x0, dirCoeff, eps, x0);
    return eta > 0 ? addScaled(prev, randn(n, generator), std, prev) : prev;
  }

  /** The noise estimate for the direction term, per prediction type (from the unclipped x0). */
  #predictEpsilon(mo: Float32Array, s: Float32Array, x0: Float32Array, sqrtA: number, sqrtB: number): Float32Array {
    const type = this.#predictionType;
    if (type === 'sample') return epsilonFromX0(s, x0, sqrtA, sqrtB);
    if (type === 'v_prediction') {
      const eps = new Float32Array(mo.length);
      for (let i = 0; i < eps.length; i += 1) eps[i] = f32(sqrtA * mo[i]!) + f32(sqrtB * s[i]!);
      return eps;
    }
    return mo;
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    return addNoiseAlpha(original, noise, alphaAt(this.#alphasCumprod, timestep, 'DDIMScheduler'));
  }
}

/** `(sample - sqrt(a) * x0) / sqrt(1 - a)`: the noise that takes x0 to `sample`. */
function epsilonFromX0(sample: Float32Array, x0: Float32Array, sqrtA: number, sqrtB: number): Float32Array {
  const eps = new Float32Array(x0.length);
  for (let i = 0; i < eps.length; i += 1) eps[i] = f32(sample[i]! - f32(sqrtA * x0[i]!)) / sqrtB;
  return eps;
}
