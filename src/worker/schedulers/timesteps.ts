/**
 * The shared pieces of diffusers' `timestep_spacing` ("linspace", "leading", "trailing"; arXiv 2305.08891 Table 2).
 * Each class combines them slightly differently (rounding, dtype, the offset), so the classes call these pieces
 * rather than one do-everything function. Results run from noisy to clean (descending).
 */
import { DiffusionError } from '../protocol/errors.ts';

/** `numpy.round`: halves go to the even neighbour (banker's rounding), unlike `Math.round`. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `numpy.linspace(start, stop, n)` in float64 (`i * step + start`, the last value exactly `stop`). */
export function npLinspace(start: number, stop: number, n: number): number[] {
  if (n === 1) return [start];
  const step = (stop - start) / (n - 1);
  const out = Array.from({ length: n }, (_, i) => i * step + start);
  out[n - 1] = stop;
  return out;
}

/** `numpy.arange(start, stop, step)` for float steps (`start + i * step`, `ceil((stop - start) / step)` values). */
export function npArange(start: number, stop: number, step: number): number[] {
  const n = Math.max(0, Math.ceil((stop - start) / step));
  return Array.from({ length: n }, (_, i) => start + i * step);
}

/** "linspace": `np.linspace(0, T - 1, n)[::-1]`, unrounded float64 (callers round or cast as their class does). */
export function linspaceSpacing(numTrainTimesteps: number, n: number): number[] {
  return npLinspace(0, numTrainTimesteps - 1, n).reverse();
}

/** "leading": `(np.arange(n) * (T // n)).round()[::-1] + steps_offset`, integers. */
export function leadingSpacing(numTrainTimesteps: number, n: number, stepsOffset: number): number[] {
  const ratio = Math.floor(numTrainTimesteps / n);
  return Array.from({ length: n }, (_, i) => roundHalfEven((n - 1 - i) * ratio) + stepsOffset);
}

/** "trailing": `np.round(np.arange(T, 0, -T / n)) - 1`, integers. */
export function trailingSpacing(numTrainTimesteps: number, n: number): number[] {
  return npArange(numTrainTimesteps, 0, -numTrainTimesteps / n).map((t) => roundHalfEven(t) - 1);
}

/** The spacing the config names, unrounded for "linspace"; an unknown name fails with `invalid-scheduler-config`. */
export function spacedTimesteps(
  spacing: unknown,
  numTrainTimesteps: number,
  n: number,
  stepsOffset: number,
): number[] {
  if (spacing === 'linspace') return linspaceSpacing(numTrainTimesteps, n);
  if (spacing === 'leading') return leadingSpacing(numTrainTimesteps, n, stepsOffset);
  if (spacing === 'trailing') return trailingSpacing(numTrainTimesteps, n);
  throw new DiffusionError(
    'invalid-scheduler-config',
    `timestep_spacing must be one of linspace, leading, trailing, got ${String(spacing)}.`,
    { details: { timestep_spacing: spacing } },
  );
}

/**
 * The step index diffusers' `_init_step_index` picks for the first `step` at `timestep`: the second match when the
 * timestep repeats (so a run started mid-schedule, as in image-to-image, skips no sigma), else the first, else the last.
 */
export function initStepIndex(timesteps: readonly number[], timestep: number): number {
  const first = timesteps.indexOf(timestep);
  if (first < 0) return timesteps.length - 1;
  const second = timesteps.indexOf(timestep, first + 1);
  return second < 0 ? first : second;
}
