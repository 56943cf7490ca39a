/**
 * CMStochasticIterativeScheduler of diffusers 0.24.0 (`scheduling_consistency_models.py`): multistep and one-step
 * sampling for consistency models (Song et al. 2023). Each step maps the sample straight to a clean estimate with
 * the consistency boundary scalings, then re-noises it to the next Karras sigma. Timesteps are the models' own
 * `250 * log(sigma)`, so they are fractional and run below zero. Arithmetic is float32 where torch's is.
 */
import { DiffusionError } from '../protocol/errors.ts';
import type { TorchGenerator } from '../tensor/random.ts';
import { resolveConfig } from './config.ts';
import type { ResolvedSchedulerConfig, Scheduler, SchedulerConfig, StepOutput } from './scheduler.ts';
import { addNoiseSigma, checkPrepared, checkStepInputs, checkSteps, randn, unknownTimestep } from './tensor-ops.ts';
import { initStepIndex } from './timesteps.ts';

const f32 = Math.fround;
const CLASS_NAME = 'CMStochasticIterativeScheduler';

const DEFAULTS = {
  num_train_timesteps: 40, sigma_min: 0.002, sigma_max: 80.0, sigma_data: 0.5, s_noise: 1.0, rho: 7.0,
  clip_denoised: true,
};

/** Diffusers 0.24.0's constructor defaults for CMStochasticIterativeScheduler. */
export const cmStochasticIterativeDefaults: Readonly<typeof DEFAULTS> = Object.freeze(DEFAULTS);

type CmConfig = typeof DEFAULTS & ResolvedSchedulerConfig;

/** Consistency-model sampler: denoise by the boundary-condition scalings, re-noise with fresh `s_noise`-scaled noise. */
export class CMStochasticIterativeScheduler implements Scheduler {
  readonly config: CmConfig;
  readonly order = 1;
  readonly initNoiseSigma: number;
  #timesteps: readonly number[] = [];
  #sigmas: readonly number[] = [];
  #stepIndex: number | null = null;

  /** Builds from a diffusers config (unknown keys ignored, defaults filled), checking the keys its arithmetic needs. */
  constructor(given: SchedulerConfig = {}) {
    const c = resolveConfig(CLASS_NAME, cmStochasticIterativeDefaults, given) as CmConfig;
    // The ramp divides by num_train_timesteps - 1, and log/root need positive sigmas and rho.
    if (c.num_train_timesteps < 2) throw invalid('num_train_timesteps', c.num_train_timesteps, 'must be at least 2');
    for (const key of ['sigma_min', 'sigma_data', 'rho'] as const) if (!(c[key] > 0)) throw invalid(key, c[key], 'must be positive');
    if (!(c.sigma_max > c.sigma_min)) throw invalid('sigma_max', c.sigma_max, `must be greater than sigma_min (${c.sigma_min})`);
    if (!(c.s_noise >= 0)) throw invalid('s_noise', c.s_noise, 'must be >= 0');
    this.config = c;
    this.initNoiseSigma = c.sigma_max;
  }

  get timesteps(): readonly number[] {
    return this.#timesteps;
  }

  /** The run's Karras sigmas (float32), then `sigma_min`. */
  get sigmas(): readonly number[] {
    return this.#sigmas;
  }

  /** diffusers: `T // n`-spaced indices mapped onto the Karras ramp, timesteps `250 * log(sigma)` in float64. */
  setTimesteps(numInferenceSteps: number): void {
    const { num_train_timesteps: numTrain, sigma_min: sigmaMin, sigma_max: sigmaMax, rho } = this.config;
    checkSteps(numInferenceSteps, numTrain, CLASS_NAME);
    const ratio = Math.floor(numTrain / numInferenceSteps);
    const minInvRho = sigmaMin ** (1 / rho);
    const maxInvRho = sigmaMax ** (1 / rho);
    const sigmas = Array.from({ length: numInferenceSteps }, (_, k) =>
      (maxInvRho + ((k * ratio) / (numTrain - 1)) * (minInvRho - maxInvRho)) ** rho);
    this.#timesteps = Object.freeze(sigmas.map((sigma) => 1000 * 0.25 * Math.log(sigma + 1e-44)));
    this.#sigmas = Object.freeze([...sigmas, sigmaMin].map(f32));
    this.#stepIndex = null;
  }

  /** Divides by `sqrt(sigma^2 + sigma_data^2)`, the consistency models' input scaling. */
  scaleModelInput(sample: Float32Array, timestep: number): Float32Array {
    this.#stepIndex ??= initStepIndex(this.#timesteps, timestep);
    const sigma = this.#sigmas[this.#stepIndex]!;
    const d = f32(Math.sqrt(f32(f32(sigma * sigma) + this.config.sigma_data ** 2)));
    return sample.map((v) => v / d);
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): StepOutput {
    checkPrepared(this.#timesteps.length > 0, CLASS_NAME);
    // Clipping would turn a NaN output into a plausible sample, so it is caught before.
    checkStepInputs(modelOutput, sample);
    const { sigma_min: sigmaMin, sigma_max: sigmaMax, sigma_data: sigmaData } = this.config;
    const i = (this.#stepIndex ??= initStepIndex(this.#timesteps, timestep));
    const sigma = this.#sigmas[i]!;
    // Boundary-condition scalings (the paper's Appendix C, epsilon = sigma_min): c_skip -> 1, c_out -> 0 at sigma_min.
    const shifted = f32(sigma - sigmaMin);
    const cSkip = f32(sigmaData ** 2 / f32(f32(shifted * shifted) + sigmaData ** 2));
    const cOut = f32(f32(shifted * sigmaData) / f32(Math.sqrt(f32(f32(sigma * sigma) + sigmaData ** 2))));
    const denoised = new Float32Array(sample.length);
    for (let e = 0; e < denoised.length; e += 1) denoised[e] = f32(cOut * modelOutput[e]!) + f32(cSkip * sample[e]!);
    if (this.config.clip_denoised) for (let e = 0; e < denoised.length; e += 1) denoised[e] = Math.min(1, Math.max(-1, denoised[e]!));
    // One-step sampling draws nothing (diffusers uses zeros), so a one-step run leaves the generator untouched.
    if (this.#timesteps.length === 1) return this.#finish(denoised.slice(), denoised);
    const noise = randn(sample.length, generator);
    const sigmaHat = Math.min(Math.max(this.#sigmas[i + 1]!, sigmaMin), sigmaMax);
    const spread = f32(Math.sqrt(f32(f32(sigmaHat * sigmaHat) - sigmaMin ** 2)));
    const sNoise = this.config.s_noise;
    const prevSample = denoised.map((d, e) => d + f32(f32(noise[e]! * sNoise) * spread));
    return this.#finish(prevSample, denoised);
  }

  #finish(prevSample: Float32Array, denoised: Float32Array): StepOutput {
    this.#stepIndex! += 1;
    return { prevSample, predOriginalSample: denoised };
  }

  /** Euler's forward noising: `original + noise * sigma` at the sigma of `timestep`, one of the run's. */
  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    const index = this.#timesteps.indexOf(timestep);
    if (index < 0) throw unknownTimestep(CLASS_NAME, timestep);
    return addNoiseSigma(original, noise, this.#sigmas[index]!);
  }
}

function invalid(key: string, value: unknown, problem: string): DiffusionError {
  return new DiffusionError('invalid-scheduler-config', `${CLASS_NAME}: ${key} ${problem}, got ${String(value)}.`, { details: { key, value } });
}
