/**
 * EulerAncestralDiscreteScheduler (diffusers 0.24): k-diffusion's `sample_euler_ancestral`, an Euler step down to
 * `sigma_down` followed by fresh noise of size `sigma_up`. Stochastic: it draws from the generator on every step.
 */
import type { TorchGenerator } from '../tensor/random.ts';
import { oneOf, resolveConfig, type ResolvedConfig } from './config.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';
import {
  predictOriginal, scaleBySigma, sigmaInitNoise, sigmaSchedule, trainingSigmas, type TrainingSigmas,
} from './sigma-schedule.ts';
import { eulerUpdate } from './euler-discrete.ts';
import { addNoiseSigma, addScaled, checkPrepared, checkStepLengths, checkSteps, randn, unknownTimestep } from './tensor-ops.ts';
import { initStepIndex } from './timesteps.ts';

const f32 = Math.fround;

/** diffusers 0.24 constructor defaults. */
export const EULER_ANCESTRAL_DEFAULTS = Object.freeze({
  num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
  prediction_type: 'epsilon', timestep_spacing: 'linspace', steps_offset: 0,
});

/** Ancestral Euler: deterministic Euler step to `sigma_down`, then noise back up to `sigma_to`. */
export class EulerAncestralDiscreteScheduler implements Scheduler {
  readonly config: ResolvedConfig;
  readonly order = 1;
  readonly #table: TrainingSigmas;
  readonly #predictionType: string;
  #timesteps: readonly number[] = [];
  #sigmas: readonly number[] = [];
  #stepIndex: number | null = null;
  #denoised = new Float32Array(0);

  /** Builds from a diffusers config (unknown keys ignored, defaults filled). */
  constructor(config: SchedulerConfig = {}) {
    this.config = resolveConfig('EulerAncestralDiscreteScheduler', EULER_ANCESTRAL_DEFAULTS, config);
    // diffusers 0.24 raises NotImplementedError for "sample" here.
    this.#predictionType = oneOf(this.config, 'prediction_type', ['epsilon', 'v_prediction']);
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
    checkSteps(numInferenceSteps, this.config.num_train_timesteps as number, 'EulerAncestralDiscreteScheduler');
    const { timesteps, sigmas } = sigmaSchedule(this.config, this.#table, numInferenceSteps);
    this.#timesteps = Object.freeze(timesteps);
    this.#sigmas = Object.freeze([...sigmas, 0]);
    this.#stepIndex = null;
  }

  scaleModelInput(sample: Float32Array, timestep: number): Float32Array {
    this.#stepIndex ??= initStepIndex(this.#timesteps, timestep);
    return scaleBySigma(sample, this.#sigmas[this.#stepIndex]!);
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): Float32Array {
    checkPrepared(this.#timesteps.length > 0, 'EulerAncestralDiscreteScheduler');
    checkStepLengths(modelOutput, sample);
    this.#stepIndex ??= initStepIndex(this.#timesteps, timestep);
    const sigma = this.#sigmas[this.#stepIndex]!;
    const sigmaTo = this.#sigmas[this.#stepIndex + 1]!;
    if (this.#denoised.length !== sample.length) this.#denoised = new Float32Array(sample.length);
    const denoised = predictOriginal(this.#predictionType, modelOutput, sample, sigma, this.#denoised);
    const from2 = f32(sigma * sigma);
    const to2 = f32(sigmaTo * sigmaTo);
    const sigmaUp = f32(Math.sqrt(f32(f32(to2 * f32(from2 - to2)) / from2)));
    const sigmaDown = f32(Math.sqrt(f32(to2 - f32(sigmaUp * sigmaUp))));
    const dt = f32(sigmaDown - sigma);
    const noise = randn(sample.length, generator);
    const prev = eulerUpdate(sample, denoised, sigma, dt);
    this.#stepIndex += 1;
    return addScaled(prev, noise, sigmaUp, prev);
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    const index = this.#timesteps.indexOf(timestep);
    if (index < 0) throw unknownTimestep('EulerAncestralDiscreteScheduler', timestep);
    return addNoiseSigma(original, noise, this.#sigmas[index]!);
  }
}
