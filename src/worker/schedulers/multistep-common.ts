/**
 * Pure pieces the VP-type solvers share (multistep and singlestep DPM-Solver, UniPC, DEIS, KDPM2): the
 * alpha/sigma/lambda of a sigma, DPM-Solver's update coefficients, model-output conversion, config helpers (the
 * shared default keys, checks and renaming), forward noising, and the weighted element-wise sum their updates are
 * made of.
 */
import { DiffusionError } from '../protocol/errors.ts';
import { alphasCumprod, betasFor } from './betas.ts';
import { resolveConfig } from './config.ts';
import type { ResolvedSchedulerConfig, SchedulerConfig } from './scheduler.ts';
import { addNoiseAlpha, checkModelOutput, throwIfNaN } from './tensor-ops.ts';

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
      throw new DiffusionError('invalid-scheduler-config', `Unknown algorithm_type ${algorithm}.`, { details: { key: 'algorithm_type' } });
  }
}

/** DDPM-style `add_noise` (diffusers 0.24's multistep solvers): sqrt(abar_t)*x + sqrt(1-abar_t)*noise, t a training index. */
export function addNoiseCumprod(alphasCumprod: Float32Array, original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
  const abar = alphasCumprod[Math.round(timestep)];
  if (abar === undefined) throw new DiffusionError('invalid-argument', `Timestep ${timestep} is outside the training schedule.`);
  return addNoiseAlpha(original, noise, abar);
}

const SOLVER_DEFAULTS = {
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
};

/** The constructor keys, with diffusers 0.24.0's defaults, that every VP solver class's config begins with. */
export const VP_SOLVER_DEFAULTS: Readonly<typeof SOLVER_DEFAULTS> = Object.freeze(SOLVER_DEFAULTS);

/** Throws `invalid-scheduler-config` ("`key` `value` is not supported.") unless `value` is one of `allowed`. */
export function requireSupported(key: string, value: string, allowed: readonly string[]): void {
  if (allowed.includes(value)) return;
  throw new DiffusionError('invalid-scheduler-config', `${key} ${value} is not supported (${allowed.join(', ')}).`, { details: { key, value } });
}

/**
 * A DPM-Solver config after diffusers' renaming of DEIS and UniPC names (so configs saved by those classes load):
 * `deis` becomes `dpmsolver++`, `logrho`, `bh1` and `bh2` become `midpoint`; then checked against `algorithms`.
 */
export function dpmSolverNames<T extends { algorithm_type: string; solver_type: string }>(c: T, algorithms: readonly string[]): T {
  const algorithm = c.algorithm_type === 'deis' ? 'dpmsolver++' : c.algorithm_type;
  const solverType = ['logrho', 'bh1', 'bh2'].includes(c.solver_type) ? 'midpoint' : c.solver_type;
  requireSupported('algorithm_type', algorithm, algorithms);
  requireSupported('solver_type', solverType, ['midpoint', 'heun']);
  return { ...c, algorithm_type: algorithm, solver_type: solverType };
}

/** `resolveConfig` typed as the class's defaults; the constructors check the values they branch on. */
export function solverConfig<T extends Record<string, unknown>>(className: string, defaults: T, given: SchedulerConfig): T & ResolvedSchedulerConfig {
  const c = resolveConfig(className, defaults, given);
  for (const key of ['num_train_timesteps', 'solver_order', 'steps_offset']) {
    if (key in defaults && !Number.isInteger(c[key])) {
      throw new DiffusionError('invalid-scheduler-config', `${className}: ${key} must be an integer.`, { details: { key, value: c[key] } });
    }
  }
  return c as unknown as T & ResolvedSchedulerConfig;
}

/**
 * The step's clean estimate (x0) from a converted output: a copy when it already is the data prediction (the
 * history keeps the original), else the x0 its noise prediction implies, `(sample - sigma_t * eps) / alpha_t`.
 */
export function dataEstimate(converted: Float32Array, isX0: boolean, sample: Float32Array, sigma: number): Float32Array {
  if (isX0) return converted.slice();
  const { alpha, sigma: sigmaT } = alphaSigma(sigma);
  return combine([[1 / alpha, sample], [-sigmaT / alpha, converted]]);
}

/** `alphas_cumprod` of a resolved config (betas, optional zero-SNR rescale, float32 cumulative product). */
export function alphasCumprodOf(config: ResolvedSchedulerConfig): Float32Array {
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
    throw new DiffusionError('invalid-scheduler-config', `prediction_type ${o.predictionType} must be epsilon, sample or v_prediction.`, { details: { key: 'prediction_type' } });
  }
  // This is the step's first read of the model output, so the NaN check rides along (see checkedSum2).
  if (o.predictionType === (o.toX0 ? 'sample' : 'epsilon')) {
    checkModelOutput(out);
    return Float32Array.from(out);
  }
  let converted: Float32Array;
  if (o.toX0) {
    converted = o.predictionType === 'epsilon'
      ? checkedSum2(1 / alpha, sample, -sigmaT / alpha, out, out)
      : checkedSum2(alpha, sample, -sigmaT, out, out);
  } else {
    converted = o.predictionType === 'sample'
      ? checkedSum2(1 / sigmaT, sample, -alpha / sigmaT, out, out)
      : checkedSum2(alpha, out, sigmaT, sample, out);
  }
  return converted;
}

/** `combine([[c0, x0], [c1, x1]])` that also throws `nan-output` for a NaN in `checked` (one of x0, x1). */
function checkedSum2(c0: number, x0: Float32Array, c1: number, x1: Float32Array, checked: Float32Array): Float32Array {
  const out = new Float32Array(x0.length);
  if (sum2Checked(out, c0, x0, c1, x1, checked) !== 0) throwIfNaN(checked);
  return out;
}

/** The kernel of {@link checkedSum2}: returns sum(checked * 0), non-zero only for NaN or ±Infinity there. */
function sum2Checked(out: Float32Array, c0: number, x0: Float32Array, c1: number, x1: Float32Array, checked: Float32Array): number {
  let bad = 0;
  for (let e = 0; e < out.length; e += 1) {
    bad += checked[e]! * 0;
    out[e] = 0 + c0 * x0[e]! + c1 * x1[e]!;
  }
  return bad;
}

/**
 * Element-wise `sum_k c_k * x_k`, accumulated in float64 from 0 in term order and rounded once to float32. Up to
 * four terms go to straight-line kernels of their own (V8 optimises small loop functions whole; one function with
 * a loop per term count ran several times slower); more fall back to a loop over the terms.
 */
export function combine(terms: ReadonlyArray<readonly [number, Float32Array]>): Float32Array {
  const out = new Float32Array(terms[0]![1].length);
  const [c0, x0] = terms[0]!;
  switch (terms.length) {
    case 2: return sum2(out, c0, x0, terms[1]![0], terms[1]![1]);
    case 3: return sum3(out, c0, x0, terms[1]!, terms[2]!);
    case 4: return sum4(out, c0, x0, terms[1]!, terms[2]!, terms[3]!);
    default: return sumN(out, terms);
  }
}

type Term = readonly [number, Float32Array];

function sum2(out: Float32Array, c0: number, x0: Float32Array, c1: number, x1: Float32Array): Float32Array {
  for (let e = 0; e < out.length; e += 1) out[e] = 0 + c0 * x0[e]! + c1 * x1[e]!;
  return out;
}

function sum3(out: Float32Array, c0: number, x0: Float32Array, [c1, x1]: Term, [c2, x2]: Term): Float32Array {
  for (let e = 0; e < out.length; e += 1) out[e] = 0 + c0 * x0[e]! + c1 * x1[e]! + c2 * x2[e]!;
  return out;
}

function sum4(out: Float32Array, c0: number, x0: Float32Array, [c1, x1]: Term, [c2, x2]: Term, [c3, x3]: Term): Float32Array {
  for (let e = 0; e < out.length; e += 1) out[e] = 0 + c0 * x0[e]! + c1 * x1[e]! + c2 * x2[e]! + c3 * x3[e]!;
  return out;
}

function sumN(out: Float32Array, terms: ReadonlyArray<Term>): Float32Array {
  for (let e = 0; e < out.length; e += 1) {
    let acc = 0;
    for (let k = 0; k < terms.length; k += 1) acc += terms[k]![0] * terms[k]![1][e]!;
    out[e] = acc;
  }
  return out;
}
