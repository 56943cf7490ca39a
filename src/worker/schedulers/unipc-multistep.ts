/**
 * UniPCMultistepScheduler of diffusers 0.24.0: the UniP predictor with the UniC corrector, B(h) variants bh1/bh2.
 *
 * Not implemented: `thresholding` (pixel-space only) and `solver_p` (a nested scheduler object that a
 * `scheduler_config.json` cannot carry).
 */
import { DiffusionError } from '../protocol/errors.ts';
import {
  VP_SOLVER_DEFAULTS, combine, convertModelOutput, dataEstimate, requireSupported, solverConfig, type AlphaSigma,
} from './multistep-common.ts';
import { multistepOptions, multistepSchedule } from './multistep-schedule.ts';
import type { SchedulerConfig, StepOutput } from './scheduler.ts';
import { checkSteps } from './tensor-ops.ts';
import { VpSolverScheduler } from './vp-solver-scheduler.ts';

const DEFAULTS = {
  ...VP_SOLVER_DEFAULTS,
  predict_x0: true,
  solver_type: 'bh2',
  lower_order_final: true,
  disable_corrector: [] as number[],
  solver_p: null as unknown,
  use_karras_sigmas: false,
  timestep_spacing: 'linspace',
  steps_offset: 0,
};

/** Diffusers 0.24.0's constructor defaults for UniPCMultistepScheduler. */
export const uniPCMultistepDefaults: Readonly<typeof DEFAULTS> = Object.freeze(DEFAULTS);

/** Solves the small dense system `a x = b` (at most 3x3) by Gaussian elimination with partial pivoting. */
export function solveSmall(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, r) => [...row.slice(0, n), b[r]!]);
  for (let col = 0; col < n; col += 1) {
    let pivot = col;
    for (let r = col + 1; r < n; r += 1) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = col + 1; r < n; r += 1) {
      const f = m[r]![col]! / m[col]![col]!;
      for (let k = col; k <= n; k += 1) m[r]![k]! -= f * m[col]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r -= 1) {
    let acc = m[r]![n]!;
    for (let k = r + 1; k < n; k += 1) acc -= m[r]![k]! * x[k]!;
    x[r] = acc / m[r]![r]!;
  }
  return x;
}

/** The B(h) system of UniPC: R (powers of the rks) and b, plus h*phi_1 and B(h), for `order` terms. */
export function uniPcSystem(rks: number[], hh: number, order: number, solverType: string): { r: number[][]; b: number[]; hPhi1: number; bH: number } {
  const hPhi1 = Math.expm1(hh);
  const bH = solverType === 'bh1' ? hh : hPhi1;
  let hPhiK = hPhi1 / hh - 1;
  let factorial = 1;
  const r: number[][] = [];
  const b: number[] = [];
  for (let k = 1; k <= order; k += 1) {
    r.push(rks.map((rk) => rk ** (k - 1)));
    b.push((hPhiK * factorial) / bH);
    factorial *= k + 1;
    hPhiK = hPhiK / hh - 1 / factorial;
  }
  return { r, b, hPhi1, bH };
}

/** UniPC multistep sampler (diffusers' UniPCMultistepScheduler, 0.24.0). */
export class UniPCMultistepScheduler extends VpSolverScheduler<typeof uniPCMultistepDefaults> {
  #lowerOrderNums = 0;
  #lastSample: Float32Array | null = null;
  #thisOrder = 1;

  constructor(given: SchedulerConfig = {}) {
    const c = solverConfig('UniPCMultistepScheduler', uniPCMultistepDefaults, given);
    // Diffusers maps other solvers' names onto bh2 so their saved configs load here.
    const solverType = ['midpoint', 'heun', 'logrho'].includes(c.solver_type) ? 'bh2' : c.solver_type;
    requireSupported('solver_type', solverType, ['bh1', 'bh2']);
    if (!Number.isInteger(c.solver_order) || c.solver_order < 1) throw new DiffusionError('invalid-scheduler-config', 'solver_order must be a positive integer.', { details: { key: 'solver_order' } });
    if (c.thresholding) throw new DiffusionError('invalid-scheduler-config', 'thresholding is not supported.', { details: { key: 'thresholding' } });
    if (c.solver_p !== null) throw new DiffusionError('invalid-scheduler-config', 'solver_p is not supported.', { details: { key: 'solver_p' } });
    if (!Array.isArray(c.disable_corrector)) throw new DiffusionError('invalid-scheduler-config', 'disable_corrector must be a list of step indices.', { details: { key: 'disable_corrector' } });
    super(Object.freeze({ ...c, solver_type: solverType, disable_corrector: [...c.disable_corrector] }));
  }

  setTimesteps(numInferenceSteps: number): void {
    checkSteps(numInferenceSteps, this.config.num_train_timesteps, 'UniPCMultistepScheduler');
    this.startRun(multistepSchedule(this.alphasCumprod, numInferenceSteps, multistepOptions(this.config)));
    this.#lowerOrderNums = 0;
    this.#lastSample = null;
    this.#thisOrder = 1;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array): StepOutput {
    const c = this.config;
    const i = this.beginStep(modelOutput, timestep, sample);
    const n = this.timesteps.length;
    const useCorrector = i > 0 && !c.disable_corrector.includes(i - 1) && this.#lastSample !== null;
    const converted = convertModelOutput({ predictionType: c.prediction_type, toX0: c.predict_x0, learnedVariance: false },
      modelOutput, sample, this.sigmas[i]!);
    const corrected = useCorrector ? this.#correct(converted, this.#lastSample!, this.#thisOrder) : sample;
    this.remember(converted);
    const wanted = c.lower_order_final ? Math.min(c.solver_order, n - i) : c.solver_order;
    this.#thisOrder = Math.min(wanted, this.#lowerOrderNums + 1);
    this.#lastSample = corrected;
    const prev = this.#predict(corrected, this.#thisOrder);
    if (this.#lowerOrderNums < c.solver_order) this.#lowerOrderNums += 1;
    this.stepIndex = i + 1;
    return { prevSample: prev, predOriginalSample: dataEstimate(converted, c.predict_x0, sample, this.sigmas[i]!) };
  }

  /** Differences of older outputs to `m0`, divided by their log-SNR offsets rk (diffusers' D1s and rks). */
  #differences(order: number, s0Index: number, firstOlder: number, m0: Float32Array, h: number): { rks: number[]; d1s: Float32Array[] } {
    const lambdaS0 = this.pointAt(s0Index).lambda;
    const rks: number[] = [];
    const d1s: Float32Array[] = [];
    for (let k = 1; k < order; k += 1) {
      const rk = (this.pointAt(firstOlder - k).lambda - lambdaS0) / h;
      rks.push(rk);
      d1s.push(combine([[1 / rk, this.outputs[this.outputs.length - 1 - k]!], [-1 / rk, m0]]));
    }
    rks.push(1);
    return { rks, d1s };
  }

  /** The base update `x_t_` shared by predictor and corrector, as weights on the sample and `m0`. */
  #base(t: AlphaSigma, s0: AlphaSigma, hPhi1: number): [number, number, number] {
    // [sample weight, m0 weight, weight of the B(h)-scaled residual]
    return this.config.predict_x0 ? [t.sigma / s0.sigma, -t.alpha * hPhi1, -t.alpha] : [t.alpha / s0.alpha, -t.sigma * hPhi1, -t.sigma];
  }

  /** UniP-B(h): the predictor from the current sample to the next sigma. */
  #predict(sample: Float32Array, order: number): Float32Array {
    const i = this.stepIndex!;
    const t = this.pointAt(i + 1);
    const s0 = this.pointAt(i);
    const h = t.lambda - s0.lambda;
    const m0 = this.outputs[this.outputs.length - 1]!;
    const { rks, d1s } = this.#differences(order, i, i, m0, h);
    const { r, b, hPhi1, bH } = uniPcSystem(rks, this.config.predict_x0 ? -h : h, order, this.config.solver_type);
    const [cx, cm, cres] = this.#base(t, s0, hPhi1);
    if (d1s.length === 0) return combine([[cx, sample], [cm, m0]]);
    const rhos = order === 2 ? [0.5] : solveSmall(r.slice(0, -1).map((row) => row.slice(0, -1)), b.slice(0, -1));
    return combine([[cx, sample], [cm, m0], ...d1s.map((d, k): [number, Float32Array] => [cres * bH * rhos[k]!, d])]);
  }

  /** UniC-B(h): corrects the sample the last predictor made, using the model output at it. */
  #correct(modelT: Float32Array, lastSample: Float32Array, order: number): Float32Array {
    const i = this.stepIndex!;
    const t = this.pointAt(i);
    const s0 = this.pointAt(i - 1);
    const h = t.lambda - s0.lambda;
    const m0 = this.outputs[this.outputs.length - 1]!;
    const { rks, d1s } = this.#differences(order, i - 1, i - 1, m0, h);
    const { r, b, hPhi1, bH } = uniPcSystem(rks, this.config.predict_x0 ? -h : h, order, this.config.solver_type);
    const rhos = order === 1 ? [0.5] : solveSmall(r, b);
    const [cx, cm, cres] = this.#base(t, s0, hPhi1);
    const d1t = combine([[1, modelT], [-1, m0]]);
    const terms = d1s.map((d, k): [number, Float32Array] => [cres * bH * rhos[k]!, d]);
    return combine([[cx, lastSample], [cm, m0], ...terms, [cres * bH * rhos[rhos.length - 1]!, d1t]]);
  }
}
