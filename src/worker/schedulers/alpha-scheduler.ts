/**
 * The half of the contract the samplers on `alphas_cumprod` (DDPM, DDIM, PNDM, LCM) share word for word: the
 * config, the training `alphas_cumprod` and diffusers' `final_alpha_cumprod`, a run's timesteps (DDPM and DDIM's
 * spacing unless a subclass has its own), identity input scaling and forward noising. Each subclass keeps its `step`.
 */
import type { TorchGenerator } from '../tensor/random.ts';
import { alphaAt, checkTimestepRange, integerTimesteps } from './alpha-schedule.ts';
import { alphasCumprod, betasFor } from './betas.ts';
import type { ResolvedConfig } from './config.ts';
import type { Scheduler, StepOutput } from './scheduler.ts';
import { addNoiseAlpha, checkSteps } from './tensor-ops.ts';

/** A sampler on `alphas_cumprod`: everything but its `step`. */
export abstract class AlphaScheduler implements Scheduler {
  readonly config: ResolvedConfig;
  readonly order = 1;
  readonly initNoiseSigma = 1;
  readonly sigmas: readonly number[] = Object.freeze([]);
  /** The config's checked `prediction_type`. */
  protected readonly predictionType: string;
  /** The step count of the current run; 0 before `setTimesteps`. */
  protected numInferenceSteps = 0;
  readonly #alphasCumprod: Float32Array;
  /** `alphas_cumprod` one step before the first: 1 with `set_alpha_to_one`, else `alphas_cumprod[0]`. */
  readonly #finalAlphaCumprod: number;
  #timesteps: readonly number[] = [];

  /** Takes the resolved config once the subclass has checked it. */
  protected constructor(config: ResolvedConfig, predictionType: string) {
    this.config = config;
    this.predictionType = predictionType;
    this.#alphasCumprod = alphasCumprod(betasFor(config));
    this.#finalAlphaCumprod = config.set_alpha_to_one === true ? 1 : this.#alphasCumprod[0]!;
  }

  get timesteps(): readonly number[] {
    return this.#timesteps;
  }

  /** diffusers' DDPM / DDIM `set_timesteps`: integer timesteps in the config's spacing, inside the training range. */
  setTimesteps(numInferenceSteps: number): void {
    const numTrain = this.config.num_train_timesteps as number;
    checkSteps(numInferenceSteps, numTrain, String(this.config._class_name));
    const timesteps = integerTimesteps(this.config, numInferenceSteps);
    checkTimestepRange(timesteps, numTrain, String(this.config._class_name));
    this.startRun(timesteps, numInferenceSteps);
  }

  /** Installs a run's timesteps (frozen) for `numInferenceSteps` steps. */
  protected startRun(timesteps: number[], numInferenceSteps: number): void {
    this.#timesteps = Object.freeze(timesteps);
    this.numInferenceSteps = numInferenceSteps;
  }

  scaleModelInput(sample: Float32Array, _timestep: number): Float32Array {
    return sample;
  }

  abstract step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): StepOutput;

  /** `alphas_cumprod[t]` for an integer training timestep; anything else fails with `invalid-argument`. */
  protected alphaAt(t: number): number {
    return alphaAt(this.#alphasCumprod, t, String(this.config._class_name));
  }

  /** diffusers' `alpha_prod_t_prev`: `alphas_cumprod[prevT]`, or `final_alpha_cumprod` before the first timestep. */
  protected alphaPrev(prevT: number): number {
    return prevT >= 0 ? this.alphaAt(prevT) : this.#finalAlphaCumprod;
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    return addNoiseAlpha(original, noise, this.alphaAt(timestep));
  }
}
