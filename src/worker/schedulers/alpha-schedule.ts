/**
 * Pieces shared by the samplers that work on `alphas_cumprod` directly (DDPM, DDIM, PNDM, LCM): the denoised
 * estimate for each prediction type, in float32 as diffusers' torch scalars compute it, the unsupported options,
 * and their integer timesteps.
 */
import { DiffusionError } from '../protocol/errors.ts';
import { oneOf, resolveConfig, type ResolvedConfig } from './config.ts';
import type { SchedulerConfig } from './scheduler.ts';
import { checkModelOutput, throwIfNaN } from './tensor-ops.ts';
import { linspaceSpacing, roundHalfEven, spacedTimesteps } from './timesteps.ts';

const f32 = Math.fround;

/**
 * The predicted original sample (x0) into `out`: epsilon `(sample - sqrt(1-a) * out) / sqrt(a)`, v-prediction
 * `sqrt(a) * sample - sqrt(1-a) * out`, or the model output itself for "sample". It is the step's first read of
 * the model output, so it also throws `nan-output` for a NaN there.
 */
export function predictX0(
  predictionType: string,
  modelOutput: Float32Array,
  sample: Float32Array,
  alphaProd: number,
  out: Float32Array,
): Float32Array {
  const sqrtA = f32(Math.sqrt(alphaProd));
  const sqrtB = f32(Math.sqrt(f32(1 - alphaProd)));
  let bad = 0;
  if (predictionType === 'epsilon') {
    bad = x0Epsilon(modelOutput, sample, sqrtA, sqrtB, out);
  } else if (predictionType === 'v_prediction') {
    bad = x0V(modelOutput, sample, sqrtA, sqrtB, out);
  } else {
    checkModelOutput(modelOutput);
    out.set(modelOutput);
  }
  if (bad !== 0) throwIfNaN(modelOutput);
  return out;
}

// Loop-only kernels (V8 optimises small loop functions whole). Each returns sum(modelOutput * 0): 0 unless the
// output holds NaN or ±Infinity, so the NaN check costs no pass of its own.

function x0Epsilon(modelOutput: Float32Array, sample: Float32Array, sqrtA: number, sqrtB: number, out: Float32Array): number {
  let bad = 0;
  for (let i = 0; i < out.length; i += 1) {
    const m = modelOutput[i]!;
    bad += m * 0;
    out[i] = f32(sample[i]! - f32(sqrtB * m)) / sqrtA;
  }
  return bad;
}

function x0V(modelOutput: Float32Array, sample: Float32Array, sqrtA: number, sqrtB: number, out: Float32Array): number {
  let bad = 0;
  for (let i = 0; i < out.length; i += 1) {
    const m = modelOutput[i]!;
    bad += m * 0;
    out[i] = f32(sqrtA * sample[i]!) - f32(sqrtB * m);
  }
  return bad;
}

/** The resolved config of DDPM, DDIM or LCM and its checked `prediction_type`. */
export function alphaConfig(
  className: string,
  defaults: Readonly<Record<string, unknown>>,
  given: SchedulerConfig,
): { config: ResolvedConfig; predictionType: string } {
  const config = resolveConfig(className, defaults, given);
  return { config, predictionType: oneOf(config, 'prediction_type', ['epsilon', 'v_prediction', 'sample']) };
}

/** `alphas_cumprod[t]` for an integer training timestep; anything else fails with `invalid-argument`. */
export function alphaAt(alphasCumprod: Float32Array, t: number, className: string): number {
  if (Number.isInteger(t) && t >= 0 && t < alphasCumprod.length) return alphasCumprod[t]!;
  throw new DiffusionError(
    'invalid-argument',
    `${className}: timestep ${t} is not an integer training timestep in [0, ${alphasCumprod.length - 1}].`,
    { details: { timestep: t } },
  );
}

/** The integer training timesteps of `n` steps in the config's spacing, "linspace" rounded half to even (descending). */
export function integerTimesteps(config: ResolvedConfig, n: number): number[] {
  const numTrain = config.num_train_timesteps as number;
  const spacing = config.timestep_spacing;
  if (spacing === 'linspace') return linspaceSpacing(numTrain, n).map(roundHalfEven);
  return spacedTimesteps(spacing, numTrain, n, config.steps_offset as number);
}

/**
 * Throws `invalid-steps` when a schedule reaches past the last training timestep, as "leading" spacing with
 * `steps_offset` does at `num_train_timesteps` steps (diffusers fails later, indexing `alphas_cumprod`).
 */
export function checkTimestepRange(timesteps: readonly number[], numTrain: number, className: string): void {
  const bad = timesteps.find((t) => t < 0 || t >= numTrain);
  if (bad === undefined) return;
  throw new DiffusionError(
    'invalid-steps',
    `${className}: ${timesteps.length} steps reach timestep ${bad}, past the last training timestep ${numTrain - 1}; use fewer steps or steps_offset 0.`,
    { details: { steps: timesteps.length, timestep: bad } },
  );
}
