/**
 * DEISMultistepScheduler of diffusers 0.24.0: the log-rho multistep DEIS solver, orders 1-3.
 *
 * `thresholding` is not implemented (it only suits pixel-space models).
 */
import { DiffusionError } from '../protocol/errors.ts';
import {
  VP_SOLVER_DEFAULTS, alphaSigma, combine, convertModelOutput, requireSupported, solverConfig, type AlphaSigma,
} from './multistep-common.ts';
import { multistepOptions, multistepSchedule } from './multistep-schedule.ts';
import type { SchedulerConfig, StepOutput } from './scheduler.ts';
import { checkSteps } from './tensor-ops.ts';
import { VpSolverScheduler } from './vp-solver-scheduler.ts';

const DEFAULTS = {
  ...VP_SOLVER_DEFAULTS,
  algorithm_type: 'deis',
  solver_type: 'logrho',
  lower_order_final: true,
  use_karras_sigmas: false,
  timestep_spacing: 'linspace',
  steps_offset: 0,
};

/** Diffusers 0.24.0's constructor defaults for DEISMultistepScheduler. */
export const deisMultistepDefaults: Readonly<typeof DEFAULTS> = Object.freeze(DEFAULTS);

/** rho = sigma_t / alpha_t, the variable DEIS integrates over. */
function rho(p: AlphaSigma): number {
  return p.sigma / p.alpha;
}

/** Integral of the degree-1 Lagrange basis in log(rho): `Integrate[(log t - log c)/(log b - log c), t]`. */
function ind2(t: number, b: number, c: number): number {
  return (t * (-Math.log(c) + Math.log(t) - 1)) / (Math.log(b) - Math.log(c));
}

/** Integral of the degree-2 Lagrange basis in log(rho), as diffusers writes it. */
function ind3(t: number, b: number, c: number, d: number): number {
  const [lt, lc, ld, lb] = [Math.log(t), Math.log(c), Math.log(d), Math.log(b)];
  const numerator = t * (lc * (ld - lt + 1) - ld * lt + ld + lt * lt - 2 * lt + 2);
  return numerator / ((lb - lc) * (lb - ld));
}

/** DEIS multistep sampler (diffusers' DEISMultistepScheduler, 0.24.0). */
export class DEISMultistepScheduler extends VpSolverScheduler<typeof deisMultistepDefaults> {
  #lowerOrderNums = 0;

  constructor(given: SchedulerConfig = {}) {
    const c = solverConfig('DEISMultistepScheduler', deisMultistepDefaults, given);
    // Diffusers maps DPM-Solver / UniPC names onto DEIS's own, so configs saved by those classes load.
    const algorithm = ['dpmsolver', 'dpmsolver++'].includes(c.algorithm_type) ? 'deis' : c.algorithm_type;
    const solverType = ['midpoint', 'heun', 'bh1', 'bh2'].includes(c.solver_type) ? 'logrho' : c.solver_type;
    requireSupported('algorithm_type', algorithm, ['deis']);
    requireSupported('solver_type', solverType, ['logrho']);
    if (![1, 2, 3].includes(c.solver_order)) throw new DiffusionError('invalid-scheduler-config', 'solver_order must be 1, 2 or 3.', { details: { key: 'solver_order' } });
    if (c.thresholding) throw new DiffusionError('invalid-scheduler-config', 'thresholding is not supported.', { details: { key: 'thresholding' } });
    super(Object.freeze({ ...c, algorithm_type: algorithm, solver_type: solverType }));
  }

  setTimesteps(numInferenceSteps: number): void {
    checkSteps(numInferenceSteps, this.config.num_train_timesteps, 'DEISMultistepScheduler');
    this.startRun(multistepSchedule(this.alphasCumprod, numInferenceSteps, multistepOptions(this.config)));
    this.#lowerOrderNums = 0;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array): StepOutput {
    const c = this.config;
    const i = this.beginStep(modelOutput, timestep, sample);
    const n = this.timesteps.length;
    const lowerFinal = i === n - 1 && c.lower_order_final && n < 15;
    const lowerSecond = i === n - 2 && c.lower_order_final && n < 15;
    // DEIS integrates the noise prediction, derived from the data prediction as diffusers does.
    const sigma = this.sigmas[i]!;
    const x0 = convertModelOutput({ predictionType: c.prediction_type, toX0: true, learnedVariance: false }, modelOutput, sample, sigma);
    const { alpha, sigma: sigmaT } = alphaSigma(sigma);
    this.remember(combine([[1 / sigmaT, sample], [-alpha / sigmaT, x0]]));
    let order = 3;
    if (c.solver_order === 1 || this.#lowerOrderNums < 1 || lowerFinal) order = 1;
    else if (c.solver_order === 2 || this.#lowerOrderNums < 2 || lowerSecond) order = 2;
    const prev = this.#update(order, sample);
    if (this.#lowerOrderNums < c.solver_order) this.#lowerOrderNums += 1;
    this.stepIndex = i + 1;
    return { prevSample: prev, predOriginalSample: x0 };
  }

  #update(order: number, sample: Float32Array): Float32Array {
    const i = this.stepIndex!;
    const t = this.pointAt(i + 1);
    const s0 = this.pointAt(i);
    const m = this.outputs;
    const m0 = m[m.length - 1]!;
    if (order === 1) {
      const h = t.lambda - s0.lambda;
      return combine([[t.alpha / s0.alpha, sample], [-(t.sigma * (Math.exp(h) - 1)), m0]]);
    }
    const [rt, r0, r1] = [rho(t), rho(s0), rho(this.pointAt(i - 1))];
    const m1 = m[m.length - 2]!;
    if (order === 2) {
      const coef1 = ind2(rt, r0, r1) - ind2(r0, r0, r1);
      const coef2 = ind2(rt, r1, r0) - ind2(r0, r1, r0);
      return combine([[t.alpha / s0.alpha, sample], [t.alpha * coef1, m0], [t.alpha * coef2, m1]]);
    }
    const r2 = rho(this.pointAt(i - 2));
    const coef1 = ind3(rt, r0, r1, r2) - ind3(r0, r0, r1, r2);
    const coef2 = ind3(rt, r1, r2, r0) - ind3(r0, r1, r2, r0);
    const coef3 = ind3(rt, r2, r0, r1) - ind3(r0, r2, r0, r1);
    return combine([[t.alpha / s0.alpha, sample], [t.alpha * coef1, m0], [t.alpha * coef2, m1], [t.alpha * coef3, m[m.length - 3]!]]);
  }
}
