/**
 * The half of the contract the VP-type solvers (DPM-Solver multistep and singlestep, UniPC, DEIS) share word for
 * word: the frozen config, `alphas_cumprod`, a run's timesteps and sigmas, the history of converted model outputs,
 * the step index, identity input scaling and DDPM-style forward noising. Each subclass keeps its own schedule and
 * `step`, which is where the solvers differ.
 */
import type { TorchGenerator } from '../tensor/random.ts';
import { addNoiseCumprod, alphaSigma, alphasCumprodOf, type AlphaSigma } from './multistep-common.ts';
import type { ResolvedSchedulerConfig, Scheduler, StepOutput } from './scheduler.ts';
import { checkPrepared, checkStepLengths } from './tensor-ops.ts';
import { initStepIndex } from './timesteps.ts';

/** The config keys the base reads; the subclasses' configs are diffusers' full constructor keys. */
type SolverKeys = {
  readonly _class_name?: string;
  readonly solver_order: number;
};

/** A VP solver: everything but its schedule and `step`, over a config of type `C`. */
export abstract class VpSolverScheduler<C extends SolverKeys> implements Scheduler {
  readonly config: C & ResolvedSchedulerConfig;
  readonly order = 1;
  readonly initNoiseSigma = 1;
  /** The training `alphas_cumprod`, from the config's betas. */
  protected readonly alphasCumprod: Float32Array;
  /** The converted model outputs of the last `solver_order` steps, oldest first; null before a run has them. */
  protected outputs: (Float32Array | null)[] = [];
  /** The index into `sigmas` of the next `step`; found from the first timestep a run is called with. */
  protected stepIndex: number | null = null;
  #timesteps: number[] = [];
  #sigmas: number[] = [];

  /** Takes the resolved, checked and frozen config. */
  protected constructor(config: C & ResolvedSchedulerConfig) {
    this.config = config;
    this.alphasCumprod = alphasCumprodOf(config);
  }

  get timesteps(): readonly number[] {
    return this.#timesteps;
  }

  get sigmas(): readonly number[] {
    return this.#sigmas;
  }

  abstract setTimesteps(numInferenceSteps: number): void;

  /** The VP point (alpha, sigma, log-SNR) of the run's `k`-th sigma, which every update is written in. */
  protected pointAt(k: number): AlphaSigma {
    return alphaSigma(this.#sigmas[k]!);
  }

  /** Installs a run's timesteps and sigmas (n + 1), and empties the output history and the step index. */
  protected startRun(schedule: { timesteps: number[]; sigmas: number[] }): void {
    this.#timesteps = schedule.timesteps;
    this.#sigmas = schedule.sigmas;
    this.outputs = new Array<Float32Array | null>(this.config.solver_order).fill(null);
    this.stepIndex = null;
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  abstract step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): StepOutput;

  /**
   * The checks that open every `step`, then the step index (found from `timestep` on a run's first call). A
   * learned-variance output carries twice the channels, so its length is not checked against the sample.
   */
  protected beginStep(modelOutput: Float32Array, timestep: number, sample: Float32Array, learnedVariance = false): number {
    checkPrepared(this.#timesteps.length > 0, String(this.config._class_name));
    if (!learnedVariance) checkStepLengths(modelOutput, sample);
    return (this.stepIndex ??= initStepIndex(this.#timesteps, timestep));
  }

  /** Pushes this step's converted output onto the history, dropping the oldest. */
  protected remember(converted: Float32Array): void {
    this.outputs.shift();
    this.outputs.push(converted);
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    return addNoiseCumprod(this.alphasCumprod, original, noise, timestep);
  }
}
