/**
 * EulerDiscreteScheduler (diffusers 0.24): Algorithm 2 of Karras et al. (2022), k-diffusion's `sample_euler`.
 *
 * diffusers' step kwargs `s_churn`, `s_tmin`, `s_tmax`, `s_noise` are config keys here (`step` takes no kwargs).
 * diffusers draws a noise tensor on every step even when churn is off and the noise is unused; this port draws it
 * too whenever a generator is passed, so a shared generator advances exactly as in diffusers. Without a generator
 * the unused draw is skipped (no caller can observe it).
 */
import type { TorchGenerator } from '../tensor/random.ts';
import { oneOf, resolveConfig, type ResolvedConfig } from './config.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';
import {
  checkLinearInterpolation, predictOriginal, scaleBySigma, sigmaInitNoise, sigmaSchedule, trainingSigmas,
  type TrainingSigmas,
} from './sigma-schedule.ts';
import { addNoiseSigma, checkPrepared, checkStepLengths, checkSteps, randn, unknownTimestep } from './tensor-ops.ts';
import { initStepIndex } from './timesteps.ts';

const f32 = Math.fround;

/** diffusers 0.24 constructor defaults, plus the step kwargs. */
export const EULER_DEFAULTS = Object.freeze({
  num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
  prediction_type: 'epsilon', interpolation_type: 'linear', use_karras_sigmas: false, sigma_min: null, sigma_max: null,
  timestep_spacing: 'linspace', timestep_type: 'discrete', steps_offset: 0,
  s_churn: 0, s_tmin: 0, s_tmax: Infinity, s_noise: 1,
});

/** Euler's method on the probability-flow ODE in sigma, with optional churn (stochastic when `s_churn > 0`). */
export class EulerDiscreteScheduler implements Scheduler {
  readonly config: ResolvedConfig;
  readonly order = 1;
  readonly #table: TrainingSigmas;
  readonly #predictionType: string;
  #timesteps: readonly number[] = [];
  #sigmas: readonly number[] = [];
  #stepIndex: number | null = null;
  #out = new Float32Array(0);

  /** Builds from a diffusers config (unknown keys ignored, defaults filled). */
  constructor(config: SchedulerConfig = {}) {
    this.config = resolveConfig('EulerDiscreteScheduler', EULER_DEFAULTS, config);
    checkLinearInterpolation(this.config);
    this.#predictionType = oneOf(this.config, 'prediction_type', ['epsilon', 'v_prediction', 'sample', 'original_sample']);
    oneOf(this.config, 'timestep_type', ['discrete', 'continuous']);
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
    checkSteps(numInferenceSteps, this.config.num_train_timesteps as number, 'EulerDiscreteScheduler');
    const { timesteps, sigmas } = sigmaSchedule(this.config, this.#table, numInferenceSteps);
    const continuousV = this.config.timestep_type === 'continuous' && this.#predictionType === 'v_prediction';
    this.#timesteps = Object.freeze(continuousV ? sigmas.map((s) => f32(0.25 * f32(Math.log(s)))) : timesteps);
    this.#sigmas = Object.freeze([...sigmas, 0]);
    this.#stepIndex = null;
  }

  scaleModelInput(sample: Float32Array, timestep: number): Float32Array {
    this.#stepIndex ??= initStepIndex(this.#timesteps, timestep);
    return scaleBySigma(sample, this.#sigmas[this.#stepIndex]!);
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): Float32Array {
    checkPrepared(this.#timesteps.length > 0, 'EulerDiscreteScheduler');
    checkStepLengths(modelOutput, sample);
    this.#stepIndex ??= initStepIndex(this.#timesteps, timestep);
    const sigma = this.#sigmas[this.#stepIndex]!;
    const { s_churn: churn, s_tmin: tmin, s_tmax: tmax, s_noise: sNoise } = this.config as Record<string, number>;
    const gamma = tmin <= sigma && sigma <= tmax ? Math.min(churn / (this.#sigmas.length - 1), 2 ** 0.5 - 1) : 0;
    const sigmaHat = f32(sigma * f32(gamma + 1));
    let x = sample;
    // diffusers 0.24 draws before testing gamma; the draw is kept for the generator's sake even when unused.
    const eps = gamma > 0 || generator !== undefined ? randn(sample.length, generator) : null;
    if (gamma > 0 && eps !== null) {
      const k = f32(Math.sqrt(f32(f32(sigmaHat * sigmaHat) - f32(sigma * sigma))));
      const fn = f32(sNoise);
      x = churnSample(sample, eps, fn, k);
    }
    // diffusers scales epsilon by sigma_hat but v-prediction by sigma (equal unless churning).
    const sigmaIn = this.#predictionType === 'v_prediction' ? sigma : sigmaHat;
    const denoised = predictOriginal(this.#predictionType, modelOutput, x, sigmaIn, this.#buffer(sample.length));
    const dt = f32(this.#sigmas[this.#stepIndex + 1]! - sigmaHat);
    this.#stepIndex += 1;
    return eulerUpdate(x, denoised, sigmaHat, dt);
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    const index = this.#timesteps.indexOf(timestep);
    if (index < 0) throw unknownTimestep('EulerDiscreteScheduler', timestep);
    return addNoiseSigma(original, noise, this.#sigmas[index]!);
  }

  #buffer(n: number): Float32Array {
    if (this.#out.length !== n) this.#out = new Float32Array(n);
    return this.#out;
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
