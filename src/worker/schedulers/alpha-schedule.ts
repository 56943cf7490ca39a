/**
 * Pieces shared by the samplers that work on `alphas_cumprod` directly (DDPM, DDIM, PNDM, LCM): the denoised
 * estimate for each prediction type, in float32 as diffusers' torch scalars compute it, and the unsupported options.
 */
import { DiffusionError } from '../../sdk/errors.ts';
import type { ResolvedConfig } from './config.ts';

const f32 = Math.fround;

/**
 * The predicted original sample (x0) into `out`: epsilon `(sample - sqrt(1-a) * out) / sqrt(a)`, v-prediction
 * `sqrt(a) * sample - sqrt(1-a) * out`, or the model output itself for "sample".
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
  if (predictionType === 'epsilon') {
    for (let i = 0; i < out.length; i += 1) out[i] = f32(sample[i]! - f32(sqrtB * modelOutput[i]!)) / sqrtA;
  } else if (predictionType === 'v_prediction') {
    for (let i = 0; i < out.length; i += 1) out[i] = f32(sqrtA * sample[i]!) - f32(sqrtB * modelOutput[i]!);
  } else {
    out.set(modelOutput);
  }
  return out;
}

/** Fails with `invalid-scheduler-config` for dynamic thresholding (Imagen's), which this port leaves out. */
export function rejectThresholding(config: ResolvedConfig): void {
  if (config.thresholding !== true) return;
  throw new DiffusionError(
    'invalid-scheduler-config',
    `${String(config._class_name)}: thresholding is not supported (it is meant for pixel-space models, not latents).`,
    { details: { thresholding: true } },
  );
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
