/**
 * DDPMScheduler (diffusers 0.24): ancestral sampling of Ho et al. (2020), formulas (6) and (7), with diffusers'
 * variance types. Dynamic thresholding (`thresholding`) as diffusers does it (thresholding.ts).
 */
import type { TorchGenerator } from '../tensor/random.ts';
import { alphaConfig, predictX0 } from './alpha-schedule.ts';
import { AlphaScheduler } from './alpha-scheduler.ts';
import { oneOf } from './config.ts';
import type { SchedulerConfig, StepOutput } from './scheduler.ts';
import { thresholdInPlace } from './thresholding.ts';
import { addScaled, axpby, checkPrepared, checkStepLengths, clampInPlace, randn } from './tensor-ops.ts';

const f32 = Math.fround;

/** diffusers 0.24 constructor defaults. */
export const DDPM_DEFAULTS = Object.freeze({
  num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
  variance_type: 'fixed_small', clip_sample: true, prediction_type: 'epsilon', thresholding: false,
  dynamic_thresholding_ratio: 0.995, clip_sample_range: 1.0, sample_max_value: 1.0, timestep_spacing: 'leading',
  steps_offset: 0,
});

// "fixed_large_log" is left out: diffusers 0.24 takes the square root of log(beta) there, which is NaN.
const VARIANCE_TYPES = ['fixed_small', 'fixed_small_log', 'fixed_large'] as const;

/** Denoising diffusion probabilistic models: stochastic, one fresh noise draw per step except at t = 0. */
export class DDPMScheduler extends AlphaScheduler {
  readonly #varianceType: (typeof VARIANCE_TYPES)[number];

  /** Builds from a diffusers config (unknown keys ignored, defaults filled). */
  constructor(given: SchedulerConfig = {}, className = 'DDPMScheduler') {
    const { config, predictionType } = alphaConfig(className, DDPM_DEFAULTS, given);
    // "learned" and "learned_range" need a model that also predicts its variance (twice the channels).
    const varianceType = oneOf(config, 'variance_type', VARIANCE_TYPES);
    super(config, predictionType);
    this.#varianceType = varianceType;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): StepOutput {
    checkPrepared(this.numInferenceSteps > 0, this.config._class_name);
    checkStepLengths(modelOutput, sample);
    return this.ddpmUpdate(modelOutput, timestep, sample, generator ?? null);
  }

  /** Formulas (6) and (7): the posterior mean, plus its noise for t > 0 unless `generator` is `false` (the batch step). */
  protected ddpmUpdate(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator: TorchGenerator | null | false): StepOutput {
    const t = timestep;
    const prevT = t - Math.floor((this.config.num_train_timesteps as number) / this.numInferenceSteps);
    const a = this.alphaAt(t);
    // DDPM has no `set_alpha_to_one`: before the first timestep the product is 1.
    const aPrev = prevT >= 0 ? this.alphaAt(prevT) : 1;
    const b = f32(1 - a);
    const bPrev = f32(1 - aPrev);
    const currentAlpha = f32(a / aPrev);
    const currentBeta = f32(1 - currentAlpha);
    const x0 = predictX0(this.predictionType, modelOutput, sample, a, new Float32Array(sample.length));
    if (!thresholdInPlace(this.config, x0) && this.config.clip_sample === true) clampInPlace(x0, this.config.clip_sample_range as number);
    const x0Coeff = f32(f32(f32(Math.sqrt(aPrev)) * currentBeta) / b);
    const sampleCoeff = f32(f32(f32(Math.sqrt(currentAlpha)) * bPrev) / b);
    const prev = axpby(x0Coeff, x0, sampleCoeff, sample);
    // diffusers 0.24 draws the variance noise only when t > 0.
    if (t <= 0 || generator === false) return { prevSample: prev, predOriginalSample: x0 };
    const prevSample = addScaled(prev, randn(sample.length, generator ?? undefined), this.#noiseScale(bPrev, b, currentBeta), prev);
    return { prevSample, predOriginalSample: x0 };
  }

  /** The factor on the noise: sqrt of the variance, or diffusers' variants of it. */
  #noiseScale(bPrev: number, b: number, currentBeta: number): number {
    const variance = Math.max(f32(f32(bPrev / b) * currentBeta), 1e-20);
    switch (this.#varianceType) {
      case 'fixed_small':
        return f32(Math.sqrt(variance));
      case 'fixed_small_log':
        // diffusers takes exp(0.5 * log(v)) and then uses it as the standard deviation directly.
        return f32(Math.exp(f32(0.5 * f32(Math.log(variance)))));
      case 'fixed_large':
        return f32(Math.sqrt(currentBeta));
    }
  }
}
