/**
 * DPMSolverSDEScheduler of diffusers 0.24.0 (k-diffusion's `sample_dpmpp_sde`, AUTOMATIC1111's "DPM++ SDE"): a
 * second-order stochastic solver whose two model calls per step evaluate at a sigma and at the log-midpoint to the
 * next one, each move adding Brownian noise of size `sigma_up`.
 *
 * The noise is not drawn from the request's generator: diffusers' `step` takes none and samples a torchsde Brownian
 * tree over [min sigma, max sigma] seeded with `noise_sampler_seed` (see brownian-tree.ts). With that key set, the
 * numbers are diffusers'. Without it diffusers seeds the tree from torch's global generator, which no request
 * controls; here the seed of the generator passed to `step` (the request's seed) is the entropy instead, as in
 * AUTOMATIC1111, so a seed still fixes the image. The generator's stream itself is left untouched, as in diffusers.
 *
 * Scalars are 0-d float32 tensors in diffusers, so every scalar operation here is rounded to float32.
 */
import { DiffusionError } from '../protocol/errors.ts';
import type { TorchGenerator } from '../tensor/random.ts';
import { BrownianTree } from './brownian-tree.ts';
import { oneOf } from './config.ts';
import { indexWithCounter } from './kdpm2-common.ts';
import { solverConfig } from './multistep-common.ts';
import type { ResolvedSchedulerConfig, Scheduler, SchedulerConfig, StepOutput } from './scheduler.ts';
import { scaleBySigma, sigmaInitNoise, trainingSigmas, type TrainingSigmas } from './sigma-schedule.ts';
import { interp, karrasSigmas, sigmaToT } from './sigmas.ts';
import { expF32, expm1F32, logF32 } from './sleef-f32.ts';
import { checkModelOutput, checkPrepared, checkStepLengths, checkSteps, addNoiseSigma } from './tensor-ops.ts';
import { initStepIndex, spacedTimesteps } from './timesteps.ts';

const f32 = Math.fround;
/**
 * `sigma_fn(t) = exp(-t)` and `t_fn(sigma) = -log(sigma)` with torch's own float32 exp and log: the tree rounds
 * these sigmas to 6 decimals, so one ulp of difference would move a query (see sleef-f32.ts).
 */
const sigmaFn = (t: number): number => expF32(-t);
const tFn = (sigma: number): number => -logF32(sigma);

/** diffusers 0.24.0's constructor defaults. */
export const DPM_SOLVER_SDE_DEFAULTS = Object.freeze({
  num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'linear',
  trained_betas: null as number[] | null, prediction_type: 'epsilon', use_karras_sigmas: false,
  noise_sampler_seed: null as number | null, timestep_spacing: 'linspace', steps_offset: 0,
});

type DpmSdeConfig = typeof DPM_SOLVER_SDE_DEFAULTS;

/**
 * `_second_order_timesteps`: the training timestep of each log-midpoint between neighbouring sigmas (float64, as
 * numpy computes it), where the second model call of each step evaluates.
 */
function secondOrderTimesteps(sigmas: readonly number[], logSigmas: Float32Array): number[] {
  const t = sigmas.map((s) => -Math.log(s));
  return t.slice(0, -1).map((ti, k) => sigmaToT(Math.exp(-(ti + (t[k + 1]! - ti) * 0.5)), logSigmas));
}

/** DPM-Solver++ (stochastic, second order) with torchsde's Brownian-tree noise, as diffusers 0.24.0. */
export class DPMSolverSDEScheduler implements Scheduler {
  readonly config: Readonly<DpmSdeConfig> & ResolvedSchedulerConfig;
  readonly order = 2;
  readonly #predictionType: 'epsilon' | 'v_prediction';
  readonly #table: TrainingSigmas;
  #timesteps: readonly number[] = [];
  #sigmas: readonly number[] = [];
  /** The first call's sample and the midpoint sigma its second call evaluates at; null in first-order state. */
  #sample: Float32Array | null = null;
  #midPointSigma: number | null = null;
  #stepIndex: number | null = null;
  #counter = new Map<number, number>();
  #tree: BrownianTree | null = null;

  /** Builds from a diffusers config (unknown keys ignored, defaults filled, values checked). */
  constructor(given: SchedulerConfig = {}) {
    this.config = solverConfig('DPMSolverSDEScheduler', DPM_SOLVER_SDE_DEFAULTS, given);
    // diffusers 0.24 raises NotImplementedError for "sample" at the first step; refused here where it enters.
    this.#predictionType = oneOf(this.config, 'prediction_type', ['epsilon', 'v_prediction']);
    this.#table = trainingSigmas(this.config);
    // diffusers' constructor prepares a full-length schedule, so `initNoiseSigma` is defined before setTimesteps.
    this.setTimesteps(this.config.num_train_timesteps);
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

  setTimesteps(numInferenceSteps: number): void {
    const c = this.config;
    checkSteps(numInferenceSteps, c.num_train_timesteps, c._class_name);
    const { positions, sigmas: train, logSigmas } = this.#table;
    let timesteps = spacedTimesteps(c.timestep_spacing, c.num_train_timesteps, numInferenceSteps, c.steps_offset);
    let sigmas = timesteps.map((t) => interp(t, positions, train));
    if (c.use_karras_sigmas) {
      sigmas = karrasSigmas(sigmas[sigmas.length - 1]!, sigmas[0]!, numInferenceSteps);
      // Unlike KDPM2, diffusers 0.24 keeps these fractional.
      timesteps = sigmas.map((s) => sigmaToT(s, logSigmas));
    }
    const midpoints = secondOrderTimesteps(sigmas, logSigmas);
    const run = [...sigmas, 0].map(f32);
    // [s0, s1, s1, ..., s(n-1), s(n-1), 0] and [t0, m0, t1, m1, ..., t(n-1)]: each step's two calls.
    this.#sigmas = Object.freeze([run[0]!, ...run.slice(1, -1).flatMap((s) => [s, s]), 0]);
    this.#timesteps = Object.freeze(timesteps.flatMap((t, k) => (k < midpoints.length ? [t, midpoints[k]!] : [t])));
    this.#sample = null;
    this.#midPointSigma = null;
    this.#stepIndex = null;
    this.#counter = new Map();
    this.#tree = null;
  }

  scaleModelInput(sample: Float32Array, timestep: number): Float32Array {
    checkPrepared(this.#timesteps.length > 0, this.config._class_name);
    const i = (this.#stepIndex ??= initStepIndex(this.#timesteps, timestep));
    return scaleBySigma(sample, this.#midPointSigma ?? this.#sigmas[i]!);
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): StepOutput {
    checkPrepared(this.#timesteps.length > 0, this.config._class_name);
    checkStepLengths(modelOutput, sample);
    checkModelOutput(modelOutput);
    const i = (this.#stepIndex ??= initStepIndex(this.#timesteps, timestep));
    this.#counter.set(timestep, (this.#counter.get(timestep) ?? 0) + 1);
    this.#tree ??= this.#brownianTree(sample.length, generator);
    checkNoiseSize(this.#tree, sample.length);
    const first = this.#sample === null;
    const sigma = this.#sigmas[first ? i : i - 1]!;
    const sigmaNext = this.#sigmas[first ? i + 1 : i]!;
    const t = tFn(sigma);
    const tProposed = f32(t + f32(f32(tFn(sigmaNext) - t) * 0.5));
    const x0 = this.#predictOriginal(modelOutput, sample, first ? sigma : sigmaFn(tProposed));
    let prevSample: Float32Array;
    if (sigmaNext === 0) {
      prevSample = eulerToZero(sample, x0, sigma);
    } else {
      const tNext = first ? tProposed : tFn(sigmaNext);
      prevSample = this.#ancestralMove(first ? sample : this.#sample!, x0, t, tNext);
      this.#sample = first ? sample : null;
      this.#midPointSigma = first ? sigmaFn(tNext) : null;
    }
    this.#stepIndex = i + 1;
    return { prevSample, predOriginalSample: x0 };
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    const index = indexWithCounter(this.#timesteps, timestep, this.#counter, this.config._class_name);
    return addNoiseSigma(original, noise, this.#sigmas[index]!);
  }

  /** The tree over the run's sigma range; entropy from the config, else from the request's seed (see the header). */
  #brownianTree(size: number, generator?: TorchGenerator): BrownianTree {
    const positive = this.#sigmas.filter((s) => s > 0);
    const entropy = this.config.noise_sampler_seed ?? generator?.initialSeed ?? Math.floor(Math.random() * 2 ** 32);
    return new BrownianTree(Math.min(...positive), Math.max(...this.#sigmas), size, entropy);
  }

  /** `sample - sigma * eps` or the v-prediction form, in float32. */
  #predictOriginal(modelOutput: Float32Array, sample: Float32Array, sigmaInput: number): Float32Array {
    const out = new Float32Array(sample.length);
    if (this.#predictionType === 'epsilon') {
      for (let k = 0; k < out.length; k += 1) out[k] = sample[k]! - f32(sigmaInput * modelOutput[k]!);
      return out;
    }
    const denominator = f32(f32(sigmaInput * sigmaInput) + 1);
    const outputScale = f32(-sigmaInput / f32(Math.sqrt(denominator)));
    for (let k = 0; k < out.length; k += 1) out[k] = f32(modelOutput[k]! * outputScale) + f32(sample[k]! / denominator);
    return out;
  }

  /** From `base` at time t to t_next: deterministic move to `sigma_down`, then the tree's noise of size `sigma_up`. */
  #ancestralMove(base: Float32Array, x0: Float32Array, t: number, tNext: number): Float32Array {
    const sigmaFrom = sigmaFn(t);
    const sigmaTo = sigmaFn(tNext);
    const from2 = f32(sigmaFrom * sigmaFrom);
    const to2 = f32(sigmaTo * sigmaTo);
    const sigmaUp = Math.min(sigmaTo, f32(Math.sqrt(f32(f32(to2 * f32(from2 - to2)) / from2))));
    const ancestralT = tFn(f32(Math.sqrt(f32(to2 - f32(sigmaUp * sigmaUp)))));
    const ratio = f32(sigmaFn(ancestralT) / sigmaFrom);
    const x0Scale = expm1F32(f32(t - ancestralT));
    const noise = this.#noise(sigmaFrom, sigmaTo);
    const out = new Float32Array(base.length);
    for (let k = 0; k < out.length; k += 1) {
      out[k] = f32(f32(ratio * base[k]!) - f32(x0Scale * x0[k]!)) + f32(noise[k]! * sigmaUp);
    }
    return out;
  }

  /** `BrownianTreeNoiseSampler(sigma, sigma_next)`: the increment between them over sqrt of their distance. */
  #noise(sigma: number, sigmaNext: number): Float32Array {
    // BatchedBrownianTree sorts the times and flips the sign of a backward query.
    const backward = !(sigma < sigmaNext);
    const w = backward ? this.#tree!.increment(sigmaNext, sigma) : this.#tree!.increment(sigma, sigmaNext);
    const scale = f32(Math.sqrt(Math.abs(f32(sigmaNext - sigma))));
    for (let k = 0; k < w.length; k += 1) w[k] = f32((backward ? -w[k]! : w[k]!) / scale);
    return w;
  }
}

/** The last step (sigma_next 0): one Euler step to zero noise, `sample + ((sample - x0) / sigma) * -sigma`. */
function eulerToZero(sample: Float32Array, x0: Float32Array, sigma: number): Float32Array {
  const out = new Float32Array(sample.length);
  const dt = -sigma;
  for (let k = 0; k < out.length; k += 1) out[k] = sample[k]! + f32(f32(f32(sample[k]! - x0[k]!) / sigma) * dt);
  return out;
}

/** Refuses a sample of another size than the run's tree (a batch that changed mid-run). */
function checkNoiseSize(tree: BrownianTree, size: number): void {
  if (tree.size === size) return;
  throw new DiffusionError('length-mismatch', `DPMSolverSDEScheduler: the sample changed size mid-run (${tree.size} to ${size}).`, {
    details: { a: tree.size, b: size },
  });
}
