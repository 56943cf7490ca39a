/**
 * The half of the contract the k-diffusion style samplers (Euler, Euler ancestral, Heun, LMS) share word for word:
 * the training sigmas, a run's timesteps and sigmas, `initNoiseSigma`, input scaling, the step index and forward
 * noising. Each subclass keeps its own `step`, which is where the algorithms differ.
 */
import type { TorchGenerator } from '../tensor/random.ts';
import type { ResolvedConfig } from './config.ts';
import type { Scheduler, StepOutput } from './scheduler.ts';
import {
  scaleBySigma, sigmaInitNoise, sigmaSchedule, trainingSigmas, type SigmaSchedule, type TrainingSigmas,
} from './sigma-schedule.ts';
import { addNoiseSigma, checkPrepared, checkStepLengths, checkSteps, unknownTimestep } from './tensor-ops.ts';
import { initStepIndex } from './timesteps.ts';

/** A discrete sigma sampler: everything but `step`, on the schedule of {@link sigmaSchedule}. */
export abstract class SigmaScheduler implements Scheduler {
  readonly config: ResolvedConfig;
  abstract readonly order: number;
  /** The config's `prediction_type`, checked by the subclass against what its `step` supports. */
  protected readonly predictionType: string;
  /** The index into `sigmas` of the next `step`; found from the first timestep a run is called with. */
  protected stepIndex: number | null = null;
  readonly #table: TrainingSigmas;
  #timesteps: readonly number[] = [];
  #sigmas: readonly number[] = [];

  /** Takes the resolved and checked config; the training sigmas are built here, after the subclass's checks. */
  protected constructor(config: ResolvedConfig, predictionType: string) {
    this.config = config;
    this.predictionType = predictionType;
    this.#table = trainingSigmas(config);
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
    checkSteps(numInferenceSteps, this.config.num_train_timesteps as number, this.#className);
    const { timesteps, sigmas } = this.runSchedule(sigmaSchedule(this.config, this.#table, numInferenceSteps));
    this.#timesteps = Object.freeze(timesteps);
    this.#sigmas = Object.freeze(sigmas);
    this.stepIndex = null;
  }

  /** A run's `timesteps` and `sigmas` from the base schedule: here one call per sigma and a trailing zero sigma. */
  protected runSchedule({ timesteps, sigmas }: SigmaSchedule): SigmaSchedule {
    return { timesteps, sigmas: [...sigmas, 0] };
  }

  scaleModelInput(sample: Float32Array, timestep: number): Float32Array {
    this.stepIndex ??= initStepIndex(this.#timesteps, timestep);
    return scaleBySigma(sample, this.#sigmas[this.stepIndex]!);
  }

  abstract step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): StepOutput;

  /** The checks that open every `step`, then the step index (found from `timestep` on a run's first call). */
  protected beginStep(modelOutput: Float32Array, timestep: number, sample: Float32Array): number {
    checkPrepared(this.#timesteps.length > 0, this.#className);
    checkStepLengths(modelOutput, sample);
    return (this.stepIndex ??= initStepIndex(this.#timesteps, timestep));
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    const index = this.#timesteps.indexOf(timestep);
    if (index < 0) throw unknownTimestep(this.#className, timestep);
    return addNoiseSigma(original, noise, this.#sigmas[index]!);
  }

  get #className(): string {
    return String(this.config._class_name);
  }
}
