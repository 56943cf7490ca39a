/**
 * DPMSolverSinglestepScheduler of diffusers 0.24.0: singlestep DPM-Solver / DPM-Solver++, orders 1-3, following
 * diffusers' per-step order list (e.g. 1, 2, 1, 2, ... for order 2).
 *
 * `thresholding` is not implemented (it only suits pixel-space models).
 */
import { DiffusionError } from '../protocol/errors.ts';
import {
  VP_SOLVER_DEFAULTS, combine, convertModelOutput, dataEstimate, dpmCoefficients, dpmSolverNames, solverConfig,
} from './multistep-common.ts';
import { clippedIndex } from './multistep-schedule.ts';
import type { SchedulerConfig, StepOutput } from './scheduler.ts';
import { karrasSigmas, logSigmas, sigmaToT, sigmasFromAlphasCumprod } from './sigmas.ts';
import { checkSteps } from './tensor-ops.ts';
import { npLinspace, roundHalfEven } from './timesteps.ts';
import { VpSolverScheduler } from './vp-solver-scheduler.ts';

const DEFAULTS = {
  ...VP_SOLVER_DEFAULTS,
  algorithm_type: 'dpmsolver++',
  solver_type: 'midpoint',
  lower_order_final: true,
  use_karras_sigmas: false,
  lambda_min_clipped: -Infinity,
  variance_type: null as string | null,
};

/** Diffusers 0.24.0's constructor defaults for DPMSolverSinglestepScheduler. */
export const dpmSolverSinglestepDefaults: Readonly<typeof DEFAULTS> = Object.freeze(DEFAULTS);

/**
 * Diffusers 0.24's `get_order_list`: the solver order of each of `steps` steps. Whole cycles of 1..order, then a
 * shorter tail; diffusers 0.24 reads `lower_order_final` nowhere else, so neither does this class.
 */
export function singlestepOrderList(steps: number, order: number): number[] {
  const repeat = (pattern: number[], times: number) => Array.from({ length: Math.max(times, 0) }, () => pattern).flat();
  if (order === 1) return new Array<number>(steps).fill(1);
  if (order === 2) return steps % 2 === 0 ? repeat([1, 2], steps / 2) : [...repeat([1, 2], Math.floor(steps / 2)), 1];
  const k = Math.floor(steps / 3);
  if (steps % 3 === 0) return [...repeat([1, 2, 3], k - 1), 1, 2, 1];
  return steps % 3 === 1 ? [...repeat([1, 2, 3], k), 1] : [...repeat([1, 2, 3], k), 1, 2];
}

/** Singlestep DPM-Solver sampler (diffusers' DPMSolverSinglestepScheduler, 0.24.0). */
export class DPMSolverSinglestepScheduler extends VpSolverScheduler<typeof dpmSolverSinglestepDefaults> {
  #orders: number[] = [];
  #sample: Float32Array | null = null;

  constructor(given: SchedulerConfig = {}) {
    const resolved = solverConfig('DPMSolverSinglestepScheduler', dpmSolverSinglestepDefaults, given);
    // Diffusers 0.24's singlestep solver has no SDE variants.
    const c = dpmSolverNames(resolved, ['dpmsolver', 'dpmsolver++']);
    if (![1, 2, 3].includes(c.solver_order)) throw new DiffusionError('invalid-scheduler-config', 'solver_order must be 1, 2 or 3.', { details: { key: 'solver_order' } });
    if (c.thresholding) throw new DiffusionError('invalid-scheduler-config', 'thresholding is not supported.', { details: { key: 'thresholding' } });
    super(Object.freeze(c));
  }

  setTimesteps(numInferenceSteps: number): void {
    const c = this.config;
    const n = numInferenceSteps;
    checkSteps(n, c.num_train_timesteps, 'DPMSolverSinglestepScheduler');
    const acp = this.alphasCumprod;
    const train = sigmasFromAlphasCumprod(acp);
    let timesteps = npLinspace(0, c.num_train_timesteps - 1 - clippedIndex(acp, c.lambda_min_clipped), n + 1).map(roundHalfEven).reverse().slice(0, n);
    let sigmas: number[];
    if (c.use_karras_sigmas) {
      const logs = logSigmas(train);
      sigmas = karrasSigmas(train[0]!, train[train.length - 1]!, n);
      timesteps = sigmas.map((sigma) => roundHalfEven(sigmaToT(sigma, logs)));
    } else {
      sigmas = timesteps.map((t) => train[t]!);
    }
    sigmas.push(Math.sqrt((1 - acp[0]!) / acp[0]!));
    this.startRun({ timesteps, sigmas: sigmas.map((sigma) => Math.fround(sigma)) });
    this.#sample = null;
    this.#orders = singlestepOrderList(n, c.solver_order);
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array): StepOutput {
    const c = this.config;
    const learned = ['learned', 'learned_range'].includes(c.variance_type ?? '');
    const i = this.beginStep(modelOutput, timestep, sample, learned);
    const converted = convertModelOutput({ predictionType: c.prediction_type, toX0: c.algorithm_type === 'dpmsolver++',
      learnedVariance: learned }, modelOutput, sample, this.sigmas[i]!);
    this.remember(converted);
    // A run started mid-schedule (image-to-image) may lack the history a higher order needs.
    let order = this.#orders[i] ?? 1;
    while (order > 1 && this.outputs[this.outputs.length - order] === null) order -= 1;
    if (order === 1) this.#sample = sample;
    const prev = this.#update(order, this.#sample!);
    this.stepIndex = i + 1;
    return { prevSample: prev, predOriginalSample: dataEstimate(converted, c.algorithm_type === 'dpmsolver++', sample, this.sigmas[i]!) };
  }

  /** The singlestep update of `order` from the sample stored `order - 1` steps ago to the next sigma. */
  #update(order: number, sample: Float32Array): Float32Array {
    const i = this.stepIndex!;
    const t = this.pointAt(i + 1);
    const base = this.pointAt(i + 1 - order);
    const h = t.lambda - base.lambda;
    const k = dpmCoefficients(this.config.algorithm_type, t, base, h);
    const m = this.outputs;
    const m0 = m[m.length - 1]!;
    if (order === 1) return combine([[k.sample, sample], [k.d0, m0]]);
    const m1 = m[m.length - 2]!;
    const heun = this.config.solver_type === 'heun';
    if (order === 2) {
      const r0 = (this.pointAt(i).lambda - base.lambda) / h;
      const d1 = combine([[1 / r0, m0], [-1 / r0, m1]]);
      return combine([[k.sample, sample], [k.d0, m1], [heun ? k.d1Heun : k.d1Midpoint, d1]]);
    }
    const m2 = m[m.length - 3]!;
    const r0 = (this.pointAt(i).lambda - base.lambda) / h;
    const r1 = (this.pointAt(i - 1).lambda - base.lambda) / h;
    const d10 = combine([[1 / r1, m1], [-1 / r1, m2]]);
    const d11 = combine([[1 / r0, m0], [-1 / r0, m2]]);
    if (!heun) return combine([[k.sample, sample], [k.d0, m2], [k.d1Heun, d11]]);
    const d1 = combine([[r0 / (r0 - r1), d10], [-r1 / (r0 - r1), d11]]);
    const d2 = combine([[2 / (r0 - r1), d11], [-2 / (r0 - r1), d10]]);
    return combine([[k.sample, sample], [k.d0, m2], [k.d1Heun, d1], [k.d2, d2]]);
  }
}
