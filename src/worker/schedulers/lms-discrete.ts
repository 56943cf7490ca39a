/**
 * LMSDiscreteScheduler (diffusers 0.24): k-diffusion's linear multistep sampler. The coefficients integrate the
 * Lagrange basis polynomials over each sigma interval; diffusers uses scipy's `quad`, here the same 21-point
 * Gauss–Kronrod rule (exact for these cubics), with the integrand in float32 as diffusers' torch scalars compute it.
 */
import type { TorchGenerator } from '../tensor/random.ts';
import { oneOf, resolveConfig } from './config.ts';
import { integrate } from './quadrature.ts';
import type { SchedulerConfig, StepOutput } from './scheduler.ts';
import { predictOriginal } from './sigma-schedule.ts';
import { SigmaScheduler } from './sigma-scheduler.ts';

const f32 = Math.fround;
/** diffusers' default `order` step kwarg: how many past derivatives the multistep formula uses. */
const LMS_ORDER = 4;

/** diffusers 0.24 constructor defaults. */
export const LMS_DEFAULTS = Object.freeze({
  num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
  use_karras_sigmas: false, prediction_type: 'epsilon', timestep_spacing: 'linspace', steps_offset: 0,
});

/** Linear multistep (up to 4th order) on the probability-flow ODE in sigma. */
export class LMSDiscreteScheduler extends SigmaScheduler {
  readonly order = 1;
  /** The latest derivatives, oldest first; reused buffers once full. */
  #derivatives: Float32Array[] = [];
  #coefficients: number[][] = [];

  /** Builds from a diffusers config (unknown keys ignored, defaults filled). */
  constructor(given: SchedulerConfig = {}) {
    const config = resolveConfig('LMSDiscreteScheduler', LMS_DEFAULTS, given);
    super(config, oneOf(config, 'prediction_type', ['epsilon', 'v_prediction', 'sample']));
  }

  override setTimesteps(numInferenceSteps: number): void {
    super.setTimesteps(numInferenceSteps);
    this.#derivatives = [];
    this.#coefficients = [];
  }

  /** diffusers' `get_lms_coefficient`: the integral of the `current`-th Lagrange basis over [sigma_t, sigma_t+1]. */
  lmsCoefficient(order: number, t: number, current: number): number {
    const s = this.sigmas;
    const basis = (tau: number): number => {
      let prod = 1;
      const ft = f32(tau);
      for (let k = 0; k < order; k += 1) {
        if (k === current) continue;
        prod = f32(prod * f32(f32(ft - s[t - k]!) / f32(s[t - current]! - s[t - k]!)));
      }
      return prod;
    };
    return integrate(basis, s[t]!, s[t + 1]!, 1e-4);
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, _generator?: TorchGenerator): StepOutput {
    const index = this.beginStep(modelOutput, timestep, sample);
    const sigma = this.sigmas[index]!;
    // The oldest derivative's buffer is recycled, but only dropped once the model output has passed the NaN check.
    const recycle = this.#derivatives.length >= LMS_ORDER;
    const derivative = recycle ? this.#derivatives[0]! : new Float32Array(sample.length);
    predictOriginal(this.predictionType, modelOutput, sample, sigma, derivative);
    if (recycle) this.#derivatives.shift();
    const predOriginalSample = derivative.slice();
    toDerivative(sample, derivative, sigma);
    this.#derivatives.push(derivative);
    const order = Math.min(index + 1, LMS_ORDER);
    const newestFirst = [...this.#derivatives].reverse();
    // The coefficients depend only on the schedule, so each step's set is integrated once per run.
    const coeffs = (this.#coefficients[index] ??= Array.from(
      { length: Math.min(order, newestFirst.length) }, (_, k) => f32(this.lmsCoefficient(order, index, k))));
    const prev = lmsSum(sample, coeffs, newestFirst);
    this.stepIndex = index + 1;
    return { prevSample: prev, predOriginalSample };
  }
}

/** `sample + sum_k c_k * d_k` as Python's sum() over torch tensors: from 0, each product and partial sum in float32. */
function lmsSum(sample: Float32Array, c: readonly number[], d: readonly Float32Array[]): Float32Array {
  const n = sample.length;
  const prev = new Float32Array(n);
  const [c0 = 0, c1 = 0, c2 = 0, c3 = 0] = c;
  const [d0, d1, d2, d3] = d;
  // One loop per term count (LMS uses up to 4): no per-element loop over the terms.
  if (c.length === 1) {
    for (let i = 0; i < n; i += 1) prev[i] = sample[i]! + f32(0 + f32(c0 * d0![i]!));
  } else if (c.length === 2) {
    for (let i = 0; i < n; i += 1) prev[i] = sample[i]! + f32(f32(0 + f32(c0 * d0![i]!)) + f32(c1 * d1![i]!));
  } else if (c.length === 3) {
    for (let i = 0; i < n; i += 1) {
      prev[i] = sample[i]! + f32(f32(f32(0 + f32(c0 * d0![i]!)) + f32(c1 * d1![i]!)) + f32(c2 * d2![i]!));
    }
  } else {
    for (let i = 0; i < n; i += 1) {
      const acc = f32(f32(f32(0 + f32(c0 * d0![i]!)) + f32(c1 * d1![i]!)) + f32(c2 * d2![i]!));
      prev[i] = sample[i]! + f32(acc + f32(c3 * d3![i]!));
    }
  }
  return prev;
}

/** `(sample - denoised) / sigma` in float32, over `denoised`. */
function toDerivative(sample: Float32Array, denoised: Float32Array, sigma: number): void {
  for (let i = 0; i < sample.length; i += 1) denoised[i] = f32(sample[i]! - denoised[i]!) / sigma;
}
