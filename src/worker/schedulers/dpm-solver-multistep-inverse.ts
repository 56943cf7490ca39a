/**
 * DPMSolverMultistepInverseScheduler of diffusers 0.24.0: DPM-Solver(++) run backwards, image -> noise, for editing
 * by inversion. Its `step` is DPMSolverMultistepScheduler's word for word (diffusers copies it); only the schedule
 * differs: timesteps ascend from 0 and the sigmas end at the noisiest timestep's sigma instead of the cleanest.
 */
import { DiffusionError } from '../protocol/errors.ts';
import { checkTimestepRange } from './alpha-schedule.ts';
import { DpmMultistepSolver, dpmMultistepConfig, dpmSolverMultistepDefaults } from './dpm-solver-multistep.ts';
import { clippedIndex, uniqueInOrder } from './multistep-schedule.ts';
import type { SchedulerConfig } from './scheduler.ts';
import { karrasSigmas, logSigmas, sigmaToT, sigmasFromAlphasCumprod } from './sigmas.ts';
import { checkSteps } from './tensor-ops.ts';
import { npArange, npLinspace, roundHalfEven } from './timesteps.ts';

const { use_lu_lambdas: _luLambdas, ...DEFAULTS } = dpmSolverMultistepDefaults;

/** Diffusers 0.24.0's constructor defaults for DPMSolverMultistepInverseScheduler (the forward ones less `use_lu_lambdas`). */
export const dpmSolverMultistepInverseDefaults: Readonly<typeof DEFAULTS> = Object.freeze(DEFAULTS);

const CLASS_NAME = 'DPMSolverMultistepInverseScheduler';

/** DPM-Solver multistep inversion (diffusers' DPMSolverMultistepInverseScheduler, 0.24.0): sigma rises each step. */
export class DPMSolverMultistepInverseScheduler extends DpmMultistepSolver<typeof dpmSolverMultistepInverseDefaults> {
  /** Builds from a diffusers config (unknown keys ignored, defaults filled). */
  constructor(given: SchedulerConfig = {}) {
    const c = dpmMultistepConfig(CLASS_NAME, dpmSolverMultistepInverseDefaults, given);
    if (c.algorithm_type.startsWith('sde-')) {
      // Run backwards the log-SNR step h is negative, so the SDE noise scale is the root of a negative number:
      // diffusers 0.24 returns NaN from the first step. Refuse it where the config enters instead.
      throw new DiffusionError('invalid-scheduler-config', `${CLASS_NAME}: algorithm_type ${c.algorithm_type} cannot run backwards (its noise scale is NaN); use dpmsolver++ or dpmsolver.`,
        { details: { key: 'algorithm_type', value: c.algorithm_type } });
    }
    super(c);
  }

  setTimesteps(numInferenceSteps: number): void {
    const c = this.config;
    checkSteps(numInferenceSteps, c.num_train_timesteps, CLASS_NAME);
    // Lambda clipping (for the cosine schedule) caps the noisiest timestep the run reaches.
    const noisiest = c.num_train_timesteps - 1 - clippedIndex(this.alphasCumprod, c.lambda_min_clipped);
    const spaced = ascendingTimesteps(c.timestep_spacing, numInferenceSteps, noisiest, c.num_train_timesteps, c.steps_offset);
    checkTimestepRange(spaced, c.num_train_timesteps, CLASS_NAME);
    const train = sigmasFromAlphasCumprod(this.alphasCumprod);
    if (c.use_karras_sigmas) {
      // Diffusers passes the ascending training sigmas to its Karras ramp, so the ramp ascends too.
      const sigmas = karrasSigmas(train[train.length - 1]!, train[0]!, numInferenceSteps);
      const logs = logSigmas(train);
      const timesteps = sigmas.map((sigma) => roundHalfEven(sigmaToT(sigma, logs)));
      this.startRun({ timesteps, sigmas: [...sigmas, sigmas[sigmas.length - 1]!].map(Math.fround) });
      return;
    }
    // Repeats (only near num_train_timesteps steps) are dropped with their sigmas, as the forward class does,
    // so no log-SNR step is 0; diffusers drops only the timesteps. Without repeats the two agree.
    const timesteps = uniqueInOrder(spaced);
    this.startRun({ timesteps, sigmas: [...timesteps.map((t) => train[t]!), train[noisiest]!] });
  }
}

/** The inverse's spacings, ascending: diffusers' "linspace", "leading" and "trailing" up to `noisiest`. */
function ascendingTimesteps(spacing: string, n: number, noisiest: number, numTrain: number, offset: number): number[] {
  if (spacing === 'linspace') return npLinspace(0, noisiest, n + 1).map(roundHalfEven).slice(0, n);
  if (spacing === 'leading') {
    const ratio = Math.floor((noisiest + 1) / (n + 1));
    return Array.from({ length: n }, (_, k) => k * ratio + offset);
  }
  if (spacing === 'trailing') return npArange(noisiest + 1, 0, -numTrain / n).map((t) => roundHalfEven(t) - 1).reverse();
  throw new DiffusionError('invalid-scheduler-config', `${CLASS_NAME}: timestep_spacing ${spacing} is not one of linspace, leading, trailing.`,
    { details: { key: 'timestep_spacing', value: spacing } });
}
