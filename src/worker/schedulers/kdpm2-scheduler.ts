/**
 * What the two DPM-Solver-2 samplers (KDPM2 and KDPM2 ancestral) share beyond their pure pieces: the run's
 * interleaved timesteps and sigmas, the two-call step (each call one Euler move, the second from the sample the
 * first was given), diffusers' per-timestep counter for `addNoise`, and the rest of the contract. Each subclass
 * says which sigmas its two calls use, in diffusers' own indices.
 */
import type { TorchGenerator } from '../tensor/random.ts';
import { indexWithCounter, kdpm2Move, kdpm2Schedule, type Kdpm2Config, type Kdpm2Move, type Kdpm2Schedule } from './kdpm2-common.ts';
import { alphasCumprodOf } from './multistep-common.ts';
import type { ResolvedSchedulerConfig, Scheduler, StepOutput } from './scheduler.ts';
import { predictOriginal, scaleBySigma, sigmaInitNoise } from './sigma-schedule.ts';
import { addNoiseSigma, checkPrepared, checkStepLengths, checkSteps } from './tensor-ops.ts';
import { initStepIndex } from './timesteps.ts';

/** One call's move: the sigma x0 is predicted at, the step `dt`, and (ancestral second half) the noise to add. */
export type Kdpm2Half = Pick<Kdpm2Move, 'sigma' | 'dt' | 'noise' | 'up'>;

/** A KDPM2 sampler: everything but the choice of sigmas for each of a step's two model calls. */
export abstract class Kdpm2Scheduler implements Scheduler {
  readonly config: Readonly<Kdpm2Config> & ResolvedSchedulerConfig;
  readonly order = 2;
  readonly #alphasCumprod: Float32Array;
  #timesteps: readonly number[] = [];
  #sigmas: readonly number[] = [];
  /** The sample the first call of a step was given, kept for the second call; null between steps. */
  #sample: Float32Array | null = null;
  #counter = new Map<number, number>();
  #stepIndex: number | null = null;

  /** Takes the resolved config; subclasses then prepare the full-length schedule, as diffusers' constructor does. */
  protected constructor(config: Readonly<Kdpm2Config> & ResolvedSchedulerConfig) {
    this.config = config;
    this.#alphasCumprod = alphasCumprodOf(config);
  }

  get timesteps(): readonly number[] {
    return this.#timesteps;
  }

  get sigmas(): readonly number[] {
    return this.#sigmas;
  }

  get initNoiseSigma(): number {
    return sigmaInitNoise(this.#sigmas, this.config.timestep_spacing);
  }

  abstract setTimesteps(numInferenceSteps: number): void;

  /** The first half of `setTimesteps`: checks the step count and builds the base schedule (not yet interleaved). */
  protected baseSchedule(numInferenceSteps: number): Kdpm2Schedule {
    checkSteps(numInferenceSteps, this.config.num_train_timesteps, this.#className);
    return kdpm2Schedule(this.config, this.#alphasCumprod, numInferenceSteps);
  }

  /** Installs a run's interleaved timesteps and sigmas, and resets the per-run state. */
  protected startRun(timesteps: number[], sigmas: number[]): void {
    this.#sigmas = sigmas;
    this.#timesteps = timesteps;
    this.#sample = null;
    this.#counter = new Map();
    this.#stepIndex = null;
  }

  /** The sigma of a step's second call at index `i` (diffusers indexes `sigmas_interpol` differently per class). */
  protected abstract interpolatedSigma(i: number): number;

  /** The move of the first (`first`) or second call of the step at index `i`; `generator` serves ancestral noise. */
  protected abstract half(i: number, first: boolean, size: number, generator?: TorchGenerator): Kdpm2Half;

  scaleModelInput(sample: Float32Array, timestep: number): Float32Array {
    const i = this.#index(timestep);
    return scaleBySigma(sample, this.#sample === null ? this.#sigmas[i]! : this.interpolatedSigma(i));
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): StepOutput {
    checkStepLengths(modelOutput, sample);
    const i = this.#index(timestep);
    const first = this.#sample === null;
    const move = this.half(i, first, sample.length, generator);
    const base = this.#sample ?? sample;
    const prev = kdpm2Move({ predictionType: this.config.prediction_type, base, ...move }, modelOutput, sample);
    this.#sample = first ? sample : null;
    // Counted once the model output has passed the NaN check in the move.
    this.#counter.set(timestep, (this.#counter.get(timestep) ?? 0) + 1);
    this.#stepIndex = i + 1;
    const predOriginalSample = predictOriginal(this.config.prediction_type, modelOutput, sample, move.sigma, new Float32Array(sample.length));
    return { prevSample: prev, predOriginalSample };
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    const index = indexWithCounter(this.#timesteps, timestep, this.#counter, this.#className);
    return addNoiseSigma(original, noise, this.#sigmas[index]!);
  }

  #index(timestep: number): number {
    checkPrepared(this.#timesteps.length > 0, this.#className);
    return (this.#stepIndex ??= initStepIndex(this.#timesteps, timestep));
  }

  get #className(): string {
    return this.config._class_name;
  }
}
