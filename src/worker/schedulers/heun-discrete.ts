/**
 * HeunDiscreteScheduler (diffusers 0.24): Algorithm 2 of Karras et al. (2022) with gamma = 0. Each sigma but the
 * first appears twice in `timesteps`: an Euler predictor call, then the corrector call that averages the slopes.
 */
import type { TorchGenerator } from '../tensor/random.ts';
import { oneOf, resolveConfig } from './config.ts';
import type { SchedulerConfig, StepOutput } from './scheduler.ts';
import { predictOriginal, type SigmaSchedule } from './sigma-schedule.ts';
import { SigmaScheduler } from './sigma-scheduler.ts';
import { addNoiseSigma, clampInPlace, unknownTimestep } from './tensor-ops.ts';
import { initStepIndex } from './timesteps.ts';

const f32 = Math.fround;

/** diffusers 0.24 constructor defaults. */
export const HEUN_DEFAULTS = Object.freeze({
  num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'linear', trained_betas: null,
  prediction_type: 'epsilon', use_karras_sigmas: false, clip_sample: false, clip_sample_range: 1.0,
  timestep_spacing: 'linspace', steps_offset: 0,
});

/** Heun's second-order method: two model calls per sigma interval (order 2). */
export class HeunDiscreteScheduler extends SigmaScheduler {
  readonly order = 2;
  /** Set between the predictor and the corrector call. */
  #first: { derivative: Float32Array; dt: number; sample: Float32Array } | null = null;

  /** Builds from a diffusers config (unknown keys ignored, defaults filled). */
  constructor(given: SchedulerConfig = {}) {
    const config = resolveConfig('HeunDiscreteScheduler', HEUN_DEFAULTS, given);
    super(config, oneOf(config, 'prediction_type', ['epsilon', 'v_prediction', 'sample']));
  }

  override setTimesteps(numInferenceSteps: number): void {
    super.setTimesteps(numInferenceSteps);
    this.#first = null;
  }

  /** Every sigma but the first twice (predictor, then corrector), and every timestep but the first likewise. */
  protected override runSchedule({ timesteps, sigmas }: SigmaSchedule): SigmaSchedule {
    const all = [...sigmas, 0];
    return {
      timesteps: [timesteps[0]!, ...timesteps.slice(1).flatMap((t) => [t, t])],
      sigmas: [all[0]!, ...all.slice(1, -1).flatMap((s) => [s, s]), 0],
    };
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, _generator?: TorchGenerator): StepOutput {
    const index = this.beginStep(modelOutput, timestep, sample);
    const first = this.#first;
    const sigma = first ? this.sigmas[index - 1]! : this.sigmas[index]!;
    const sigmaNext = first ? this.sigmas[index]! : this.sigmas[index + 1]!;
    const sigmaIn = first ? sigmaNext : sigma;
    const denoised = predictOriginal(this.predictionType, modelOutput, sample, sigmaIn, new Float32Array(sample.length));
    if (this.config.clip_sample === true) clampInPlace(denoised, this.config.clip_sample_range as number);
    this.stepIndex = index + 1;
    if (!first) {
      const dt = f32(sigmaNext - sigma);
      // The derivative is kept for the second half.
      const derivative = new Float32Array(sample.length);
      const prev = heunFirst(sample, denoised, sigma, dt, derivative);
      this.#first = { derivative, dt, sample };
      return { prevSample: prev, predOriginalSample: denoised };
    }
    this.#first = null;
    return { prevSample: heunSecond(first, sample, denoised, sigmaNext), predOriginalSample: denoised };
  }

  /** Timesteps repeat here, so the sigma is the one diffusers' `index_for_timestep` picks. */
  override addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    if (!this.timesteps.includes(timestep)) throw unknownTimestep('HeunDiscreteScheduler', timestep);
    return addNoiseSigma(original, noise, this.sigmas[initStepIndex(this.timesteps, timestep)]!);
  }
}

/** First half: `derivative = (sample - denoised) / sigma` into `derivative`, and returns `sample + derivative * dt`. */
function heunFirst(sample: Float32Array, denoised: Float32Array, sigma: number, dt: number, derivative: Float32Array): Float32Array {
  const prev = new Float32Array(sample.length);
  for (let i = 0; i < sample.length; i += 1) {
    const d = f32(f32(sample[i]! - denoised[i]!) / sigma);
    derivative[i] = d;
    prev[i] = sample[i]! + f32(d * dt);
  }
  return prev;
}

/** Second half: the first half's sample moved by the mean of both derivatives. */
function heunSecond(first: { derivative: Float32Array; dt: number; sample: Float32Array }, sample: Float32Array, denoised: Float32Array, sigmaNext: number): Float32Array {
  const { derivative: d1, dt, sample: x } = first;
  const prev = new Float32Array(sample.length);
  for (let i = 0; i < sample.length; i += 1) {
    const d2 = f32(f32(sample[i]! - denoised[i]!) / sigmaNext);
    prev[i] = x[i]! + f32(f32(f32(d1[i]! + d2) / 2) * dt);
  }
  return prev;
}
