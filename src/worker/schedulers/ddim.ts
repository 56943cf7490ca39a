/**
 * DDIMScheduler (diffusers 0.24): denoising diffusion implicit models (Song et al. 2020), formula (12). diffusers'
 * step kwargs `eta` and `use_clipped_model_output` are config keys here; noise is drawn only when `eta > 0`.
 * Dynamic thresholding (`thresholding`) is applied to x0 as diffusers does (thresholding.ts).
 */
import type { TorchGenerator } from '../tensor/random.ts';
import { alphaConfig, predictX0 } from './alpha-schedule.ts';
import { AlphaScheduler } from './alpha-scheduler.ts';
import type { SchedulerConfig, StepOutput } from './scheduler.ts';
import { thresholdInPlace } from './thresholding.ts';
import { addScaled, axpby, checkPrepared, checkStepLengths, clampInPlace, randn } from './tensor-ops.ts';

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
export class DDIMScheduler extends AlphaScheduler {
  /** Builds from a diffusers config (unknown keys ignored, defaults filled). */
  constructor(given: SchedulerConfig = {}, className = 'DDIMScheduler') {
    const { config, predictionType } = alphaConfig(className, DDIM_DEFAULTS, given);
    super(config, predictionType);
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): StepOutput {
    checkPrepared(this.numInferenceSteps > 0, this.config._class_name);
    checkStepLengths(modelOutput, sample);
    const prevT = timestep - Math.floor((this.config.num_train_timesteps as number) / this.numInferenceSteps);
    return this.ddimUpdate(modelOutput, timestep, sample, this.alphaPrev(prevT), generator ?? null);
  }

  /** Formula (12) from `timestep` to the step whose `alphas_cumprod` is `aPrev`; noise only with a generator slot and eta > 0. */
  protected ddimUpdate(modelOutput: Float32Array, timestep: number, sample: Float32Array, aPrev: number, generator: TorchGenerator | null | false): StepOutput {
    const a = this.alphaAt(timestep);
    const b = f32(1 - a);
    const sqrtA = f32(Math.sqrt(a));
    const sqrtB = f32(Math.sqrt(b));
    const n = sample.length;
    const x0 = predictX0(this.predictionType, modelOutput, sample, a, new Float32Array(n));
    let eps = predictEpsilon(this.predictionType, modelOutput, sample, x0, sqrtA, sqrtB);
    if (!thresholdInPlace(this.config, x0) && this.config.clip_sample === true) clampInPlace(x0, this.config.clip_sample_range as number);
    if (this.config.use_clipped_model_output === true) eps = epsilonFromX0(sample, x0, sqrtA, sqrtB);
    const eta = this.config.eta as number;
    const variance = f32(f32(f32(1 - aPrev) / b) * f32(1 - f32(a / aPrev)));
    const std = f32(f32(eta) * f32(Math.sqrt(variance)));
    const dirCoeff = f32(Math.sqrt(f32(f32(1 - aPrev) - f32(std * std))));
    const sqrtAPrev = f32(Math.sqrt(aPrev));
    const prev = axpby(sqrtAPrev, x0, dirCoeff, eps);
    // `false`: the noise-free batch step of the parallel class (diffusers draws nothing there).
    const prevSample = eta > 0 && generator !== false ? addScaled(prev, randn(n, generator ?? undefined), std, prev) : prev;
    return { prevSample, predOriginalSample: x0 };
  }
}

/** The noise estimate for the direction term, per prediction type (from the unclipped x0); DDIMInverse shares it. */
export function predictEpsilon(type: string, mo: Float32Array, s: Float32Array, x0: Float32Array, sqrtA: number, sqrtB: number): Float32Array {
  if (type === 'sample') return epsilonFromX0(s, x0, sqrtA, sqrtB);
  if (type === 'v_prediction') {
    const eps = new Float32Array(mo.length);
    for (let i = 0; i < eps.length; i += 1) eps[i] = f32(sqrtA * mo[i]!) + f32(sqrtB * s[i]!);
    return eps;
  }
  return mo;
}

/** `(sample - sqrt(a) * x0) / sqrt(1 - a)`: the noise that takes x0 to `sample`. */
function epsilonFromX0(sample: Float32Array, x0: Float32Array, sqrtA: number, sqrtB: number): Float32Array {
  const eps = new Float32Array(x0.length);
  for (let i = 0; i < eps.length; i += 1) eps[i] = f32(sample[i]! - f32(sqrtA * x0[i]!)) / sqrtB;
  return eps;
}
