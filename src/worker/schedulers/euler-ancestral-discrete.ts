/**
 * EulerAncestralDiscreteScheduler (diffusers 0.24): k-diffusion's `sample_euler_ancestral`, an Euler step down to
 * `sigma_down` followed by fresh noise of size `sigma_up`. Stochastic: it draws from the generator on every step.
 */
import type { TorchGenerator } from '../tensor/random.ts';
import { oneOf, resolveConfig } from './config.ts';
import { eulerUpdate } from './euler-discrete.ts';
import type { SchedulerConfig, StepOutput } from './scheduler.ts';
import { predictOriginal } from './sigma-schedule.ts';
import { SigmaScheduler } from './sigma-scheduler.ts';
import { addScaled, randn } from './tensor-ops.ts';

const f32 = Math.fround;

/** diffusers 0.24 constructor defaults. */
export const EULER_ANCESTRAL_DEFAULTS = Object.freeze({
  num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
  prediction_type: 'epsilon', timestep_spacing: 'linspace', steps_offset: 0,
});

/** Ancestral Euler: deterministic Euler step to `sigma_down`, then noise back up to `sigma_to`. */
export class EulerAncestralDiscreteScheduler extends SigmaScheduler {
  readonly order = 1;

  /** Builds from a diffusers config (unknown keys ignored, defaults filled). */
  constructor(given: SchedulerConfig = {}) {
    const config = resolveConfig('EulerAncestralDiscreteScheduler', EULER_ANCESTRAL_DEFAULTS, given);
    // diffusers 0.24 raises NotImplementedError for "sample" here.
    super(config, oneOf(config, 'prediction_type', ['epsilon', 'v_prediction']));
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): StepOutput {
    const index = this.beginStep(modelOutput, timestep, sample);
    const sigma = this.sigmas[index]!;
    const sigmaTo = this.sigmas[index + 1]!;
    const denoised = predictOriginal(this.predictionType, modelOutput, sample, sigma, new Float32Array(sample.length));
    const from2 = f32(sigma * sigma);
    const to2 = f32(sigmaTo * sigmaTo);
    const sigmaUp = f32(Math.sqrt(f32(f32(to2 * f32(from2 - to2)) / from2)));
    const sigmaDown = f32(Math.sqrt(f32(to2 - f32(sigmaUp * sigmaUp))));
    const dt = f32(sigmaDown - sigma);
    const noise = randn(sample.length, generator);
    const prev = eulerUpdate(sample, denoised, sigma, dt);
    this.stepIndex = index + 1;
    return { prevSample: addScaled(prev, noise, sigmaUp, prev), predOriginalSample: denoised };
  }
}
