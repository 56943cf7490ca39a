/**
 * EulerDiscreteScheduler (diffusers 0.24): Algorithm 2 of Karras et al. (2022), k-diffusion's `sample_euler`.
 *
 * diffusers' step kwargs `s_churn`, `s_tmin`, `s_tmax`, `s_noise` are config keys here (`step` takes no kwargs).
 * diffusers draws a noise tensor on every step even when churn is off and the noise is unused; this port draws it
 * too whenever a generator is passed, so a shared generator advances exactly as in diffusers. Without a generator
 * the unused draw is skipped (no caller can observe it).
 */
import type { TorchGenerator } from '../tensor/random.ts';
import { oneOf, resolveConfig } from './config.ts';
import type { SchedulerConfig, StepOutput } from './scheduler.ts';
import { checkLinearInterpolation, predictOriginal, type SigmaSchedule } from './sigma-schedule.ts';
import { SigmaScheduler } from './sigma-scheduler.ts';
import { randn } from './tensor-ops.ts';

const f32 = Math.fround;

/** diffusers 0.24 constructor defaults, plus the step kwargs. */
export const EULER_DEFAULTS = Object.freeze({
  num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
  prediction_type: 'epsilon', interpolation_type: 'linear', use_karras_sigmas: false, sigma_min: null, sigma_max: null,
  timestep_spacing: 'linspace', timestep_type: 'discrete', steps_offset: 0,
  s_churn: 0, s_tmin: 0, s_tmax: Infinity, s_noise: 1,
});

/** Euler's method on the probability-flow ODE in sigma, with optional churn (stochastic when `s_churn > 0`). */
export class EulerDiscreteScheduler extends SigmaScheduler {
  readonly order = 1;

  /** Builds from a diffusers config (unknown keys ignored, defaults filled). */
  constructor(given: SchedulerConfig = {}) {
    const config = resolveConfig('EulerDiscreteScheduler', EULER_DEFAULTS, given);
    checkLinearInterpolation(config);
    const predictionType = oneOf(config, 'prediction_type', ['epsilon', 'v_prediction', 'sample', 'original_sample']);
    oneOf(config, 'timestep_type', ['discrete', 'continuous']);
    super(config, predictionType);
  }

  /** Continuous v-prediction models take `0.25 * log(sigma)` as their timestep. */
  protected override runSchedule({ timesteps, sigmas }: SigmaSchedule): SigmaSchedule {
    const continuousV = this.config.timestep_type === 'continuous' && this.predictionType === 'v_prediction';
    return { timesteps: continuousV ? sigmas.map((s) => f32(0.25 * f32(Math.log(s)))) : timesteps, sigmas: [...sigmas, 0] };
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): StepOutput {
    const index = this.beginStep(modelOutput, timestep, sample);
    const sigma = this.sigmas[index]!;
    const { s_churn: churn, s_tmin: tmin, s_tmax: tmax, s_noise: sNoise } = this.config as Record<string, number>;
    const gamma = tmin <= sigma && sigma <= tmax ? Math.min(churn / (this.sigmas.length - 1), 2 ** 0.5 - 1) : 0;
    const sigmaHat = f32(sigma * f32(gamma + 1));
    let x = sample;
    // diffusers 0.24 draws before testing gamma; an unused draw only advances the generator, as it does there.
    const eps = gamma > 0 ? randn(sample.length, generator) : null;
    if (eps === null) generator?.skipRandn(sample.length);
    if (eps !== null) {
      const k = f32(Math.sqrt(f32(f32(sigmaHat * sigmaHat) - f32(sigma * sigma))));
      const fn = f32(sNoise);
      x = churnSample(sample, eps, fn, k);
    }
    // diffusers scales epsilon by sigma_hat but v-prediction by sigma (equal unless churning).
    const sigmaIn = this.predictionType === 'v_prediction' ? sigma : sigmaHat;
    const denoised = predictOriginal(this.predictionType, modelOutput, x, sigmaIn, new Float32Array(sample.length));
    const dt = f32(this.sigmas[index + 1]! - sigmaHat);
    this.stepIndex = index + 1;
    return { prevSample: eulerUpdate(x, denoised, sigmaHat, dt), predOriginalSample: denoised };
  }
}

/** `x + ((x - denoised) / sigma) * dt` in float32, rounding where torch's separate kernels do. */
export function eulerUpdate(x: Float32Array, denoised: Float32Array, sigma: number, dt: number): Float32Array {
  const prev = new Float32Array(x.length);
  for (let i = 0; i < prev.length; i += 1) prev[i] = x[i]! + f32(f32(f32(x[i]! - denoised[i]!) / sigma) * dt);
  return prev;
}

/** `sample + (eps * sNoise) * k` in float32: the churned sample. */
function churnSample(sample: Float32Array, eps: Float32Array, sNoise: number, k: number): Float32Array {
  const x = new Float32Array(sample.length);
  for (let i = 0; i < x.length; i += 1) x[i] = sample[i]! + f32(f32(eps[i]! * sNoise) * k);
  return x;
}
