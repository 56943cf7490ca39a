/**
 * DPMSolverMultistepScheduler of diffusers 0.24.0: DPM-Solver / DPM-Solver++ and their SDE variants, orders 1-3.
 *
 * Also exports the small pure pieces its relatives (singlestep DPM-Solver, UniPC, DEIS) share: the VP
 * alpha/sigma/lambda of a sigma, the multistep timestep/sigma schedule, the DPM update coefficients,
 * and the step-index lookup. `thresholding` is not implemented (it only suits pixel-space models).
 */
import { DiffusionError } from '../../sdk/errors.ts';
import type { TorchGenerator } from '../tensor/random.ts';
import { alphasCumprod, betasFor } from './betas.ts';
import { resolveConfig } from './config.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';
import { karrasSigmas, logSigmas, sigmaToT, sigmasFromAlphasCumprod } from './sigmas.ts';
import { addNoiseAlpha, checkPrepared, checkStepInputs, checkSteps, randn } from './tensor-ops.ts';
import { initStepIndex, npArange, npLinspace, roundHalfEven } from './timesteps.ts';

const DEFAULTS = {
  num_train_timesteps: 1000,
  beta_start: 0.0001,
  beta_end: 0.02,
  beta_schedule: 'linear',
  trained_betas: null as number[] | null,
  solver_order: 2,
  prediction_type: 'epsilon',
  thresholding: false,
  dynamic_thresholding_ratio: 0.995,
  sample_max_value: 1.0,
  algorithm_type: 'dpmsolver++',
  solver_type: 'midpoint',
  lower_order_final: true,
  euler_at_final: false,
  use_karras_sigmas: false,
  use_lu_lambdas: false,
  lambda_min_clipped: -Infinity,
  variance_type: null as string | null,
  timestep_spacing: 'linspace',
  steps_offset: 0,
};

/** Diffusers 0.24.0's constructor defaults for DPMSolverMultistepScheduler. */
export const dpmSolverMultistepDefaults: Readonly<typeof DEFAULTS> = Object.freeze(DEFAULTS);

/** The VP-schedule pair of a sigma: `alpha = 1/sqrt(sigma^2+1)`, `sigma_t = sigma*alpha`, and `lambda = log(alpha/sigma_t)`. */
export interface AlphaSigma {
  readonly alpha: number;
  readonly sigma: number;
  readonly lambda: number;
}

/** Diffusers' `_sigma_to_alpha_sigma_t` plus the log-SNR `lambda` every DPM-style update needs. */
export function alphaSigma(sigma: number): AlphaSigma {
  const alpha = 1 / Math.sqrt(sigma * sigma + 1);
  const sigmaT = sigma * alpha;
  return { alpha, sigma: sigmaT, lambda: Math.log(alpha) - Math.log(sigmaT) };
}

/** Coefficients of the DPM-Solver update `x_t = sample*x + d0*D0 + d1*D1 + d2*D2 + noise*z` for one algorithm. */
export interface DpmCoefficients {
  readonly sample: number;
  readonly d0: number;
  /** The D1 weight of the midpoint solver. */
  readonly d1Midpoint: number;
  /** The D1 weight of the Heun solver (also the third-order D1 weight). */
  readonly d1Heun: number;
  /** The third-order D2 weight (NaN for the SDE variants, which have no third order). */
  readonly d2: number;
  readonly noise: number;
}

/** DPM-Solver(++) update weights from base point `s` to `t`, exactly as diffusers spells each algorithm. */
export function dpmCoefficients(algorithm: string, t: AlphaSigma, s: AlphaSigma, h: number): DpmCoefficients {
  const emh = Math.exp(-h) - 1;
  const eh = Math.exp(h) - 1;
  switch (algorithm) {
    case 'dpmsolver++':
      return { sample: t.sigma / s.sigma, d0: -(t.alpha * emh), d1Midpoint: -0.5 * (t.alpha * emh),
        d1Heun: t.alpha * (emh / h + 1), d2: -(t.alpha * ((emh + h) / (h * h) - 0.5)), noise: 0 };
    case 'dpmsolver':
      return { sample: t.alpha / s.alpha, d0: -(t.sigma * eh), d1Midpoint: -0.5 * (t.sigma * eh),
        d1Heun: -(t.sigma * (eh / h - 1)), d2: -(t.sigma * ((eh - h) / (h * h) - 0.5)), noise: 0 };
    case 'sde-dpmsolver++': {
      const one = 1 - Math.exp(-2 * h);
      return { sample: (t.sigma / s.sigma) * Math.exp(-h), d0: t.alpha * one, d1Midpoint: 0.5 * (t.alpha * one),
        d1Heun: t.alpha * (one / (-2 * h) + 1), d2: Number.NaN, noise: t.sigma * Math.sqrt(one) };
    }
    case 'sde-dpmsolver':
      return { sample: t.alpha / s.alpha, d0: -2 * (t.sigma * eh), d1Midpoint: -(t.sigma * eh),
        d1Heun: -2 * (t.sigma * (eh / h - 1)), d2: Number.NaN, noise: t.sigma * Math.sqrt(Math.exp(2 * h) - 1) };
    default:
      throw new DiffusionError('invalid-scheduler-config', `Unknown algorithm_type ${algorithm}.`);
  }
}

/** Options of {@link multistepSchedule}, named after diffusers' config keys. */
export interface MultistepScheduleOptions {
  readonly numTrainTimesteps: number;
  readonly timestepSpacing: string;
  readonly stepsOffset: number;
  readonly useKarrasSigmas: boolean;
  readonly useLuLambdas?: boolean;
  /** `num_train_timesteps - clipped_idx` (DPM-Solver's lambda clipping); the train count elsewhere. */
  readonly lastTimestep?: number;
}

/** `set_timesteps` of diffusers' multistep solvers (DPM-Solver++, UniPC, DEIS): integer timesteps and float32 sigmas (n + 1). */
export function multistepSchedule(acp: Float32Array, n: number, o: MultistepScheduleOptions): { timesteps: number[]; sigmas: number[] } {
  const last = o.lastTimestep ?? o.numTrainTimesteps;
  const train = sigmasFromAlphasCumprod(acp);
  const logs = logSigmas(train);
  let timesteps = spacedTimesteps(o.timestepSpacing, n, last, o.numTrainTimesteps, o.stepsOffset);
  let sigmas: number[];
  if (o.useKarrasSigmas || o.useLuLambdas) {
    sigmas = o.useKarrasSigmas
      ? karrasSigmas(train[0]!, train[train.length - 1]!, n)
      : npLinspace(logs[logs.length - 1]!, logs[0]!, n).map((lambda) => Math.exp(lambda));
    timesteps = sigmas.map((sigma) => roundHalfEven(sigmaToT(sigma, logs)));
    sigmas.push(sigmas[sigmas.length - 1]!);
  } else {
    sigmas = timesteps.map((t) => train[t]!);
    // diffusers 0.24 ends on the smallest training sigma, not zero.
    sigmas.push(Math.sqrt((1 - acp[0]!) / acp[0]!));
  }
  return { timesteps, sigmas: sigmas.map((sigma) => Math.fround(sigma)) };
}

/** The multistep solvers' own spacing: n + 1 points with the last dropped, and "leading" ratio `last // (n + 1)`. */
function spacedTimesteps(spacing: string, n: number, last: number, numTrain: number, offset: number): number[] {
  if (spacing === 'linspace') return npLinspace(0, last - 1, n + 1).map(roundHalfEven).reverse().slice(0, n);
  if (spacing === 'leading') {
    const ratio = Math.floor(last / (n + 1));
    return Array.from({ length: n }, (_, k) => (n - k) * ratio + offset);
  }
  if (spacing === 'trailing') return npArange(last, 0, -numTrain / n).map((t) => roundHalfEven(t) - 1);
  throw new DiffusionError('invalid-scheduler-config', `timestep_spacing ${spacing} is not one of linspace, leading, trailing.`);
}

/** DDPM-style `add_noise` (diffusers 0.24's multistep solvers): sqrt(abar_t)*x + sqrt(1-abar_t)*noise, t a training index. */
export function addNoiseCumprod(alphasCumprod: Float32Array, original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
  const abar = alphasCumprod[Math.round(timestep)];
  if (abar === undefined) throw new DiffusionError('invalid-argument', `Timestep ${timestep} is outside the training schedule.`);
  return addNoiseAlpha(original, noise, abar);
}

/** `searchsorted(flip(lambda_t), lambda_min_clipped)`: how many log-SNRs (float32, as torch) fall below the clip. */
export function clippedIndex(acp: Float32Array, lambdaMinClipped: number): number {
  const f = Math.fround;
  let count = 0;
  for (const abar of acp) {
    const lambda = f(f(Math.log(f(Math.sqrt(abar)))) - f(Math.log(f(Math.sqrt(f(1 - abar))))));
    if (lambda < lambdaMinClipped) count += 1;
  }
  return count;
}

/** `resolveConfig` typed as the class's defaults; the constructors check the values they branch on. */
export function solverConfig<T extends Record<string, unknown>>(className: string, defaults: T, given: SchedulerConfig): T {
  const c = resolveConfig(className, defaults, given);
  for (const key of ['num_train_timesteps', 'solver_order', 'steps_offset']) {
    if (key in defaults && !Number.isInteger(c[key])) throw new DiffusionError('invalid-scheduler-config', `${className}: ${key} must be an integer.`);
  }
  return c as unknown as T;
}

/** `alphas_cumprod` of a resolved config (betas, optional zero-SNR rescale, float32 cumulative product). */
export function alphasCumprodOf(config: Readonly<Record<string, unknown>>): Float32Array {
  return alphasCumprod(betasFor(config));
}

/**
 * Diffusers' `convert_model_output` for DPM-style solvers: the data prediction x0 (`toX0`) or the noise
 * prediction epsilon. A learned-variance output (twice the channels, batch 1) keeps its first half.
 */
export function convertModelOutput(o: { predictionType: string; toX0: boolean; learnedVariance: boolean }, modelOutput: Float32Array, sample: Float32Array, sigma: number): Float32Array {
  const out = o.learnedVariance ? modelOutput.subarray(0, sample.length) : modelOutput;
  const { alpha, sigma: sigmaT } = alphaSigma(sigma);
  if (!['epsilon', 'sample', 'v_prediction'].includes(o.predictionType)) {
    throw new DiffusionError('invalid-scheduler-config', `prediction_type ${o.predictionType} must be epsilon, sample or v_prediction.`);
  }
  if (o.toX0) {
    if (o.predictionType === 'epsilon') return combine([[1 / alpha, sample], [-sigmaT / alpha, out]]);
    if (o.predictionType === 'sample') return Float32Array.from(out);
    return combine([[alpha, sample], [-sigmaT, out]]);
  }
  if (o.predictionType === 'epsilon') return Float32Array.from(out);
  if (o.predictionType === 'sample') return combine([[1 / sigmaT, sample], [-alpha / sigmaT, out]]);
  return combine([[alpha, out], [sigmaT, sample]]);
}

const ALGORITHMS = ['dpmsolver', 'dpmsolver++', 'sde-dpmsolver', 'sde-dpmsolver++'];

/**
 * DPM-Solver multistep sampler (diffusers' DPMSolverMultistepScheduler, 0.24.0).
 *
 * Hazard kept for fidelity: Karras/Lu sigmas repeat the last sigma, so with 15+ steps the final heun or third-order
 * update divides 0 by 0 (NaN) exactly as diffusers 0.24 does; `euler_at_final: true` avoids it.
 */
export class DPMSolverMultistepScheduler implements Scheduler {
  readonly config: Readonly<Record<string, unknown>>;
  readonly order = 1;
  readonly initNoiseSigma = 1;
  #c: typeof dpmSolverMultistepDefaults;
  #alphasCumprod: Float32Array;
  #timesteps: number[] = [];
  #sigmas: number[] = [];
  #outputs: (Float32Array | null)[] = [];
  #lowerOrderNums = 0;
  #stepIndex: number | null = null;

  constructor(given: SchedulerConfig = {}) {
    const c = solverConfig('DPMSolverMultistepScheduler', dpmSolverMultistepDefaults, given);
    // Diffusers rewrites foreign algorithm names (DEIS, UniPC configs) to its own defaults.
    const algorithm = c.algorithm_type === 'deis' ? 'dpmsolver++' : c.algorithm_type;
    const solverType = ['logrho', 'bh1', 'bh2'].includes(c.solver_type) ? 'midpoint' : c.solver_type;
    if (!ALGORITHMS.includes(algorithm)) throw new DiffusionError('invalid-scheduler-config', `algorithm_type ${algorithm} is not supported.`);
    if (!['midpoint', 'heun'].includes(solverType)) throw new DiffusionError('invalid-scheduler-config', `solver_type ${solverType} is not supported.`);
    if (![1, 2, 3].includes(c.solver_order)) throw new DiffusionError('invalid-scheduler-config', 'solver_order must be 1, 2 or 3.');
    if (c.solver_order === 3 && algorithm.startsWith('sde-')) {
      // Diffusers has no third-order SDE update and fails mid-run; refuse up front instead.
      throw new DiffusionError('invalid-scheduler-config', `${algorithm} supports solver_order 1 or 2 only.`);
    }
    if (c.thresholding) throw new DiffusionError('invalid-scheduler-config', 'thresholding is not supported.');
    this.#c = Object.freeze({ ...c, algorithm_type: algorithm, solver_type: solverType });
    this.config = this.#c;
    this.#alphasCumprod = alphasCumprodOf(this.#c);
  }

  get timesteps(): readonly number[] {
    return this.#timesteps;
  }

  get sigmas(): readonly number[] {
    return this.#sigmas;
  }

  setTimesteps(numInferenceSteps: number): void {
    const c = this.#c;
    checkSteps(numInferenceSteps, c.num_train_timesteps, 'DPMSolverMultistepScheduler');
    const schedule = multistepSchedule(this.#alphasCumprod, numInferenceSteps, {
      numTrainTimesteps: c.num_train_timesteps, timestepSpacing: c.timestep_spacing, stepsOffset: c.steps_offset,
      useKarrasSigmas: c.use_karras_sigmas, useLuLambdas: c.use_lu_lambdas, lastTimestep: c.num_train_timesteps - clippedIndex(this.#alphasCumprod, c.lambda_min_clipped),
    });
    this.#timesteps = schedule.timesteps;
    this.#sigmas = schedule.sigmas;
    this.#outputs = new Array<Float32Array | null>(c.solver_order).fill(null);
    this.#lowerOrderNums = 0;
    this.#stepIndex = null;
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): Float32Array {
    const c = this.#c;
    const n = this.#timesteps.length;
    checkPrepared(n > 0, 'DPMSolverMultistepScheduler');
    if (!['learned', 'learned_range'].includes(c.variance_type ?? '')) checkStepInputs(modelOutput, sample);
    const i = (this.#stepIndex ??= initStepIndex(this.#timesteps, timestep));
    const lowerFinal = i === n - 1 && (c.euler_at_final || (c.lower_order_final && n < 15));
    const lowerSecond = i === n - 2 && c.lower_order_final && n < 15;
    const converted = convertModelOutput({ predictionType: c.prediction_type, toX0: c.algorithm_type.endsWith('++'),
      learnedVariance: ['learned', 'learned_range'].includes(c.variance_type ?? '') }, modelOutput, sample, this.#sigmas[i]!);
    this.#outputs.shift();
    this.#outputs.push(converted);
    const noise = c.algorithm_type.startsWith('sde-') ? randn(converted.length, generator) : null;
    let prev: Float32Array;
    if (c.solver_order === 1 || this.#lowerOrderNums < 1 || lowerFinal) prev = this.#update(1, sample, noise);
    else if (c.solver_order === 2 || this.#lowerOrderNums < 2 || lowerSecond) prev = this.#update(2, sample, noise);
    else prev = this.#update(3, sample, noise);
    if (this.#lowerOrderNums < c.solver_order) this.#lowerOrderNums += 1;
    this.#stepIndex = i + 1;
    return prev;
  }

  /** The first-, second- or third-order multistep update from the current point to the next sigma. */
  #update(order: 1 | 2 | 3, sample: Float32Array, noise: Float32Array | null): Float32Array {
    const i = this.#stepIndex!;
    const at = (k: number) => alphaSigma(this.#sigmas[k]!);
    const t = at(i + 1);
    const s0 = at(i);
    const h = t.lambda - s0.lambda;
    const k = dpmCoefficients(this.#c.algorithm_type, t, s0, h);
    const m = this.#outputs;
    const m0 = m[m.length - 1]!;
    const noiseTerm: [number, Float32Array][] = noise ? [[k.noise, noise]] : [];
    if (order === 1) return combine([[k.sample, sample], [k.d0, m0], ...noiseTerm]);
    const m1 = m[m.length - 2]!;
    const r0 = (s0.lambda - at(i - 1).lambda) / h;
    const d1First = combine([[1 / r0, m0], [-1 / r0, m1]]);
    if (order === 2) {
      const d1Weight = this.#c.solver_type === 'heun' ? k.d1Heun : k.d1Midpoint;
      return combine([[k.sample, sample], [k.d0, m0], [d1Weight, d1First], ...noiseTerm]);
    }
    const r1 = (at(i - 1).lambda - at(i - 2).lambda) / h;
    const d1Second = combine([[1 / r1, m1], [-1 / r1, m[m.length - 3]!]]);
    const diff = combine([[1, d1First], [-1, d1Second]]);
    const d1 = combine([[1, d1First], [r0 / (r0 + r1), diff]]);
    return combine([[k.sample, sample], [k.d0, m0], [k.d1Heun, d1], [k.d2 / (r0 + r1), diff]]);
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    return addNoiseCumprod(this.#alphasCumprod, original, noise, timestep);
  }
}

/** Element-wise `sum_k c_k * x_k`, accumulated in float64 and rounded once to float32. */
export function combine(terms: ReadonlyArray<readonly [number, Float32Array]>): Float32Array {
  const out = new Float32Array(terms[0]![1].length);
  for (let e = 0; e < out.length; e += 1) {
    let acc = 0;
    for (const [c, x] of terms) acc += c * x[e]!;
    out[e] = acc;
  }
  return out;
}
