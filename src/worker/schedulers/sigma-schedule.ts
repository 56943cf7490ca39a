/**
 * The schedule shared by the k-diffusion style samplers (Euler, Euler ancestral, Heun, LMS): float32 timesteps
 * spaced as the config says, sigmas interpolated from the training sigmas (optionally Karras), and their scalings.
 */
import { DiffusionError } from '../protocol/errors.ts';
import { alphasCumprod, betasFor } from './betas.ts';
import type { ResolvedConfig } from './config.ts';
import { interp, karrasSigmas, logSigmas, sigmaToT, sigmasFromAlphasCumprod } from './sigmas.ts';
import { checkModelOutput, throwIfNaN } from './tensor-ops.ts';
import { spacedTimesteps } from './timesteps.ts';

const f32 = Math.fround;

/** A run's schedule: one timestep per model call and one sigma per timestep (no trailing zero yet). */
export interface SigmaSchedule {
  readonly timesteps: number[];
  readonly sigmas: number[];
}

/** The training-time tables a sigma sampler needs, built once per scheduler. */
export interface TrainingSigmas {
  readonly alphasCumprod: Float32Array;
  /** Indexed by training timestep, ascending. */
  readonly sigmas: Float32Array;
  readonly logSigmas: Float32Array;
  readonly positions: Float64Array;
}

/** The training sigmas of a config's betas. */
export function trainingSigmas(config: ResolvedConfig): TrainingSigmas {
  const acp = alphasCumprod(betasFor(config));
  const sigmas = sigmasFromAlphasCumprod(acp);
  const positions = Float64Array.from(sigmas, (_, i) => i);
  return { alphasCumprod: acp, sigmas, logSigmas: logSigmas(sigmas), positions };
}

/**
 * diffusers' `set_timesteps` of the discrete sigma samplers: float32 timesteps in the config's spacing, sigmas
 * by `np.interp` over the training sigmas, then (with `use_karras_sigmas`) a Karras ramp mapped back to timesteps.
 */
export function sigmaSchedule(config: ResolvedConfig, table: TrainingSigmas, n: number): SigmaSchedule {
  const numTrain = config.num_train_timesteps as number;
  let timesteps = spacedTimesteps(config.timestep_spacing, numTrain, n, config.steps_offset as number).map(f32);
  let sigmas = timesteps.map((t) => interp(t, table.positions, table.sigmas));
  if (config.use_karras_sigmas === true) {
    const sigmaMin = typeof config.sigma_min === 'number' ? config.sigma_min : sigmas[sigmas.length - 1]!;
    const sigmaMax = typeof config.sigma_max === 'number' ? config.sigma_max : sigmas[0]!;
    sigmas = karrasSigmas(sigmaMin, sigmaMax, n);
    timesteps = sigmas.map((s) => f32(sigmaToT(s, table.logSigmas)));
  }
  return { timesteps, sigmas: sigmas.map(f32) };
}

/** Fails with `invalid-scheduler-config` unless the config's `interpolation_type` is "linear" (the only one here). */
export function checkLinearInterpolation(config: ResolvedConfig): void {
  const type = config.interpolation_type;
  if (type === undefined || type === 'linear') return;
  throw new DiffusionError(
    'invalid-scheduler-config',
    `${String(config._class_name)}: interpolation_type ${String(type)} is not supported (only "linear").`,
    { details: { interpolation_type: type } },
  );
}

/** `init_noise_sigma` of the sigma samplers: the largest sigma, or sqrt(max^2 + 1) for "leading" spacing. */
export function sigmaInitNoise(sigmas: readonly number[], spacing: unknown): number {
  const max = sigmas.reduce((a, b) => Math.max(a, b), 0);
  if (spacing === 'linspace' || spacing === 'trailing') return max;
  return f32(Math.sqrt(f32(f32(max * max) + 1)));
}

/** `sample / sqrt(sigma^2 + 1)` in float32: the input scaling of every sigma sampler. */
export function scaleBySigma(sample: Float32Array, sigma: number): Float32Array {
  const d = f32(Math.sqrt(f32(f32(sigma * sigma) + 1)));
  const out = new Float32Array(sample.length);
  for (let i = 0; i < sample.length; i += 1) out[i] = sample[i]! / d;
  return out;
}

/**
 * The denoised estimate (x0) of a sigma sampler, written into `out`: epsilon `sample - sigma * out`, v-prediction
 * `out * (-sigma / sqrt(sigma^2 + 1)) + sample / (sigma^2 + 1)`, or the output itself for "sample". It is the
 * step's first read of the model output, so it also throws `nan-output` for a NaN there.
 */
export function predictOriginal(
  predictionType: string,
  modelOutput: Float32Array,
  sample: Float32Array,
  sigma: number,
  out: Float32Array,
): Float32Array {
  const s = f32(sigma);
  let bad = 0;
  if (predictionType === 'epsilon') {
    bad = x0Epsilon(modelOutput, sample, s, out);
  } else if (predictionType === 'v_prediction') {
    const s2p1 = f32(f32(s * s) + 1);
    bad = x0V(modelOutput, sample, f32(-s / f32(Math.sqrt(s2p1))), s2p1, out);
  } else {
    checkModelOutput(modelOutput);
    out.set(modelOutput);
  }
  if (bad !== 0) throwIfNaN(modelOutput);
  return out;
}

// Loop-only kernels (V8 optimises small loop functions whole). Each returns sum(modelOutput * 0): 0 unless the
// output holds NaN or ±Infinity, so the NaN check costs no pass of its own.

function x0Epsilon(modelOutput: Float32Array, sample: Float32Array, s: number, out: Float32Array): number {
  let bad = 0;
  for (let i = 0; i < out.length; i += 1) {
    const m = modelOutput[i]!;
    bad += m * 0;
    out[i] = sample[i]! - f32(s * m);
  }
  return bad;
}

function x0V(modelOutput: Float32Array, sample: Float32Array, cOut: number, s2p1: number, out: Float32Array): number {
  let bad = 0;
  for (let i = 0; i < out.length; i += 1) {
    const m = modelOutput[i]!;
    bad += m * 0;
    out[i] = f32(m * cOut) + f32(sample[i]! / s2p1);
  }
  return bad;
}
