/**
 * DPMSolverMultistepScheduler of diffusers 0.24.0: DPM-Solver / DPM-Solver++ and their SDE variants, orders 1-3.
 * `thresholding` is not implemented (it only suits pixel-space models). The pieces its relatives share live in
 * multistep-common.ts, multistep-schedule.ts and vp-solver-scheduler.ts.
 */
import { DiffusionError } from '../protocol/errors.ts';
import type { TorchGenerator } from '../tensor/random.ts';
import {
  VP_SOLVER_DEFAULTS, combine, convertModelOutput, dataEstimate, dpmCoefficients, dpmSolverNames, solverConfig,
} from './multistep-common.ts';
import { clippedIndex, multistepOptions, multistepSchedule } from './multistep-schedule.ts';
import type { ResolvedSchedulerConfig, SchedulerConfig, StepOutput } from './scheduler.ts';
import { checkSteps, randn } from './tensor-ops.ts';
import { VpSolverScheduler } from './vp-solver-scheduler.ts';

const DEFAULTS = {
  ...VP_SOLVER_DEFAULTS,
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

const ALGORITHMS = ['dpmsolver', 'dpmsolver++', 'sde-dpmsolver', 'sde-dpmsolver++'];

/** The keys the multistep update reads: every DPMSolverMultistepScheduler key (the inverse has no `use_lu_lambdas`). */
export type DpmMultistepConfig = Omit<typeof DEFAULTS, 'use_lu_lambdas'> & { readonly use_lu_lambdas?: boolean };

/**
 * Resolves and checks a DPM-Solver multistep config for `className` (this class or its inverse, which shares every
 * key but `use_lu_lambdas`), frozen.
 */
export function dpmMultistepConfig<T extends DpmMultistepConfig>(className: string, defaults: T, given: SchedulerConfig): T & ResolvedSchedulerConfig {
  // Diffusers rewrites foreign algorithm names (DEIS, UniPC configs) to its own defaults.
  const c = dpmSolverNames(solverConfig(className, defaults, given), ALGORITHMS);
  if (![1, 2, 3].includes(c.solver_order)) throw new DiffusionError('invalid-scheduler-config', 'solver_order must be 1, 2 or 3.', { details: { key: 'solver_order' } });
  if (c.solver_order === 3 && c.algorithm_type.startsWith('sde-')) {
    // Diffusers has no third-order SDE update and fails mid-run; refuse up front instead.
    throw new DiffusionError('invalid-scheduler-config', `${c.algorithm_type} supports solver_order 1 or 2 only.`, { details: { key: 'solver_order' } });
  }
  if (c.thresholding) throw new DiffusionError('invalid-scheduler-config', 'thresholding is not supported.', { details: { key: 'thresholding' } });
  return Object.freeze(c);
}

/**
 * The DPM-Solver multistep update (diffusers' `step`, which its inverse copies unchanged) over any schedule: the
 * subclass's `setTimesteps` decides whether the run goes down (sampling) or up (inversion) in sigma.
 */
export abstract class DpmMultistepSolver<C extends DpmMultistepConfig> extends VpSolverScheduler<C> {
  #lowerOrderNums = 0;

  /** Installs a run and resets the warm-up counter of the lower-order first steps. */
  protected override startRun(schedule: { timesteps: number[]; sigmas: number[] }): void {
    super.startRun(schedule);
    this.#lowerOrderNums = 0;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): StepOutput {
    const c = this.config;
    const learnedVariance = ['learned', 'learned_range'].includes(c.variance_type ?? '');
    const i = this.beginStep(modelOutput, timestep, sample, learnedVariance);
    const n = this.timesteps.length;
    const lowerFinal = i === n - 1 && (c.euler_at_final || (c.lower_order_final && n < 15));
    const lowerSecond = i === n - 2 && c.lower_order_final && n < 15;
    const converted = convertModelOutput({ predictionType: c.prediction_type, toX0: c.algorithm_type.endsWith('++'),
      learnedVariance }, modelOutput, sample, this.sigmas[i]!);
    this.remember(converted);
    const noise = c.algorithm_type.startsWith('sde-') ? randn(converted.length, generator) : null;
    let prev: Float32Array;
    if (c.solver_order === 1 || this.#lowerOrderNums < 1 || lowerFinal) prev = this.#update(1, sample, noise);
    else if (c.solver_order === 2 || this.#lowerOrderNums < 2 || lowerSecond) prev = this.#update(2, sample, noise);
    else prev = this.#update(3, sample, noise);
    if (this.#lowerOrderNums < c.solver_order) this.#lowerOrderNums += 1;
    this.stepIndex = i + 1;
    return { prevSample: prev, predOriginalSample: dataEstimate(converted, c.algorithm_type.endsWith('++'), sample, this.sigmas[i]!) };
  }

  /** The first-, second- or third-order multistep update from the current point to the next sigma. */
  #update(order: 1 | 2 | 3, sample: Float32Array, noise: Float32Array | null): Float32Array {
    const i = this.stepIndex!;
    const t = this.pointAt(i + 1);
    const s0 = this.pointAt(i);
    const h = t.lambda - s0.lambda;
    const k = dpmCoefficients(this.config.algorithm_type, t, s0, h);
    const m = this.outputs;
    const m0 = m[m.length - 1]!;
    const noiseTerm: [number, Float32Array][] = noise ? [[k.noise, noise]] : [];
    if (order === 1) return combine([[k.sample, sample], [k.d0, m0], ...noiseTerm]);
    const m1 = m[m.length - 2]!;
    const r0 = (s0.lambda - this.pointAt(i - 1).lambda) / h;
    const d1First = combine([[1 / r0, m0], [-1 / r0, m1]]);
    if (order === 2) {
      const d1Weight = this.config.solver_type === 'heun' ? k.d1Heun : k.d1Midpoint;
      return combine([[k.sample, sample], [k.d0, m0], [d1Weight, d1First], ...noiseTerm]);
    }
    const r1 = (this.pointAt(i - 1).lambda - this.pointAt(i - 2).lambda) / h;
    const d1Second = combine([[1 / r1, m1], [-1 / r1, m[m.length - 3]!]]);
    const diff = combine([[1, d1First], [-1, d1Second]]);
    const d1 = combine([[1, d1First], [r0 / (r0 + r1), diff]]);
    return combine([[k.sample, sample], [k.d0, m0], [k.d1Heun, d1], [k.d2 / (r0 + r1), diff]]);
  }
}

/**
 * DPM-Solver multistep sampler (diffusers' DPMSolverMultistepScheduler, 0.24.0).
 *
 * Hazard kept for fidelity: Karras/Lu sigmas repeat the last sigma, so with 15+ steps the final heun or third-order
 * update divides 0 by 0 (NaN) exactly as diffusers 0.24 does; `euler_at_final: true` avoids it.
 */
export class DPMSolverMultistepScheduler extends DpmMultistepSolver<typeof dpmSolverMultistepDefaults> {
  constructor(given: SchedulerConfig = {}) {
    super(dpmMultistepConfig('DPMSolverMultistepScheduler', dpmSolverMultistepDefaults, given));
  }

  setTimesteps(numInferenceSteps: number): void {
    const c = this.config;
    checkSteps(numInferenceSteps, c.num_train_timesteps, 'DPMSolverMultistepScheduler');
    this.startRun(multistepSchedule(this.alphasCumprod, numInferenceSteps, {
      ...multistepOptions(c), useLuLambdas: c.use_lu_lambdas,
      lastTimestep: c.num_train_timesteps - clippedIndex(this.alphasCumprod, c.lambda_min_clipped),
    }));
  }
}
