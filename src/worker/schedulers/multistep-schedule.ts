/**
 * `set_timesteps` of diffusers 0.24.0's multistep VP solvers (DPM-Solver++, UniPC, DEIS): their own timestep spacing,
 * the sigmas at those timesteps (or Karras / Lu sigmas), and DPM-Solver's lambda clipping.
 */
import { DiffusionError } from '../protocol/errors.ts';
import { karrasSigmas, logSigmas, sigmaToT, sigmasFromAlphasCumprod } from './sigmas.ts';
import { npArange, npLinspace, roundHalfEven } from './timesteps.ts';

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

/** The options of {@link multistepSchedule} that every multistep solver's config spells out in its own keys. */
export function multistepOptions(c: {
  readonly num_train_timesteps: number;
  readonly timestep_spacing: string;
  readonly steps_offset: number;
  readonly use_karras_sigmas: boolean;
}): MultistepScheduleOptions {
  return {
    numTrainTimesteps: c.num_train_timesteps, timestepSpacing: c.timestep_spacing, stepsOffset: c.steps_offset,
    useKarrasSigmas: c.use_karras_sigmas,
  };
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
    timesteps = uniqueInOrder(timesteps);
    sigmas = timesteps.map((t) => train[t]!);
    // diffusers 0.24 ends on the smallest training sigma, not zero.
    sigmas.push(Math.sqrt((1 - acp[0]!) / acp[0]!));
  }
  return { timesteps, sigmas: sigmas.map((sigma) => Math.fround(sigma)) };
}

/**
 * Drops repeated timesteps, keeping the first of each (`np.unique(..., return_index=True)` in index order).
 *
 * A deliberate departure from diffusers 0.24.0, which keeps them: near `num_train_timesteps` steps the rounded
 * linspace repeats a timestep (e.g. 500 twice at 1000 steps), two equal sigmas give a log-SNR step h = 0, and the
 * next higher-order update divides by it, so 0.24 ends in NaN/Infinity. diffusers up to 0.21 de-duplicated exactly
 * like this (the check went with 0.22's step-index rewrite; the 0.26-era source still lacks it). Schedules without
 * repeats, every oracle-covered config among them, are unchanged; a run with repeats gets fewer steps than asked.
 */
export function uniqueInOrder(timesteps: number[]): number[] {
  const seen = new Set<number>();
  return timesteps.filter((t) => !seen.has(t) && seen.add(t) !== undefined);
}

/** The multistep solvers' own spacing: n + 1 points with the last dropped, and "leading" ratio `last // (n + 1)`. */
function spacedTimesteps(spacing: string, n: number, last: number, numTrain: number, offset: number): number[] {
  if (spacing === 'linspace') return npLinspace(0, last - 1, n + 1).map(roundHalfEven).reverse().slice(0, n);
  if (spacing === 'leading') {
    const ratio = Math.floor(last / (n + 1));
    return Array.from({ length: n }, (_, k) => (n - k) * ratio + offset);
  }
  if (spacing === 'trailing') return npArange(last, 0, -numTrain / n).map((t) => roundHalfEven(t) - 1);
  throw new DiffusionError('invalid-scheduler-config', `timestep_spacing ${spacing} is not one of linspace, leading, trailing.`, { details: { key: 'timestep_spacing' } });
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
