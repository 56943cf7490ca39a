/**
 * The pure pieces KDPM2DiscreteScheduler and KDPM2AncestralDiscreteScheduler share: their defaults, the base
 * schedule and its interleaving, the float32 midpoint and `sigma_to_t`, the fused Euler move of each call, and
 * diffusers' per-timestep counter for `addNoise`. Arithmetic follows torch's float32.
 */
import { DiffusionError } from '../protocol/errors.ts';
import { interp, karrasSigmas, logSigmas, sigmaToT, sigmasFromAlphasCumprod } from './sigmas.ts';
import { addScaled, throwIfNaN, unknownTimestep } from './tensor-ops.ts';
import { leadingSpacing, linspaceSpacing, roundHalfEven, trailingSpacing } from './timesteps.ts';

const f32 = Math.fround;

const DEFAULTS = {
  num_train_timesteps: 1000,
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'linear',
  trained_betas: null as number[] | null,
  use_karras_sigmas: false,
  prediction_type: 'epsilon',
  timestep_spacing: 'linspace',
  steps_offset: 0,
};

/** Diffusers 0.24.0's constructor defaults for KDPM2DiscreteScheduler (and KDPM2AncestralDiscreteScheduler). */
export const kdpm2Defaults: Readonly<typeof DEFAULTS> = Object.freeze(DEFAULTS);

/** The config keys both KDPM2 classes read. */
export type Kdpm2Config = typeof DEFAULTS;

/** One run's base schedule: float32 timesteps (n), sigmas (n + 1, ending in 0) and the training log-sigmas. */
export interface Kdpm2Schedule {
  readonly timesteps: number[];
  readonly sigmas: number[];
  readonly logSigmas: Float32Array;
}

/** The first half of both KDPM2 `set_timesteps`: spacing, interpolated (or Karras) sigmas, a trailing zero. */
export function kdpm2Schedule(c: Kdpm2Config, acp: Float32Array, n: number): Kdpm2Schedule {
  const T = c.num_train_timesteps;
  let timesteps: number[];
  if (c.timestep_spacing === 'linspace') timesteps = linspaceSpacing(T, n).map(f32);
  else if (c.timestep_spacing === 'leading') timesteps = leadingSpacing(T, n, c.steps_offset);
  else if (c.timestep_spacing === 'trailing') timesteps = trailingSpacing(T, n);
  else throw new DiffusionError('invalid-scheduler-config', `timestep_spacing ${c.timestep_spacing} is not one of linspace, leading, trailing.`, { details: { key: 'timestep_spacing' } });
  const train = sigmasFromAlphasCumprod(acp);
  const logs = logSigmas(train);
  const steps = Array.from(train, (_, k) => k);
  let sigmas = timesteps.map((t) => interp(t, steps, train));
  if (c.use_karras_sigmas) {
    sigmas = karrasSigmas(sigmas[sigmas.length - 1]!, sigmas[0]!, n);
    timesteps = sigmas.map((s) => roundHalfEven(sigmaToT(s, logs)));
  }
  return { timesteps, sigmas: [...sigmas, 0].map(f32), logSigmas: logs };
}

/** `torch.cat([x[:1], x[1:].repeat_interleave(2), x[-1:]])`: the sigma layout of the two-evaluation steps. */
export function interleave(x: readonly number[]): number[] {
  return [x[0]!, ...x.slice(1).flatMap((v) => [v, v]), x[x.length - 1]!];
}

/** `exp(lerp(log a, log b, 0.5))` in float32 with torch's lerp formula (weight 0.5 takes the `end` branch). */
export function geometricMidpoint(a: number, b: number): number {
  const la = f32(Math.log(a));
  const lb = f32(Math.log(b));
  return f32(Math.exp(f32(lb - f32(f32(lb - la) * 0.5))));
}

/** Diffusers' `sigma_to_t` in float32 (log-sigma interpolation on the training table), NaN-free for sigma 0. */
export function sigmaToTF32(sigma: number, logs: Float32Array): number {
  const logSigma = f32(Math.log(sigma));
  let low = 0;
  for (let k = 0; k < logs.length; k += 1) if (f32(logSigma - logs[k]!) >= 0) low = k;
  low = Math.min(low, logs.length - 2);
  const w = Math.min(Math.max(f32(f32(logs[low]! - logSigma) / f32(logs[low]! - logs[low + 1]!)), 0), 1);
  return f32(f32(f32(1 - w) * low) + f32(w * (low + 1)));
}

/** What {@link kdpm2Move} computes: an Euler move of `base` along the derivative at `sample`, plus optional noise. */
export interface Kdpm2Move {
  readonly predictionType: string;
  /** The sigma x0 is predicted at, and the sigma the derivative divides by (equal in both KDPM2 classes). */
  readonly sigma: number;
  readonly base: Float32Array;
  readonly dt: number;
  /** KDPM2 ancestral's second half: `noise * up` added to the moved sample. */
  readonly noise?: Float32Array;
  readonly up?: number;
}

/**
 * `base + ((sample - x0) / sigma) * dt` (+ `noise * up`), x0 predicted from epsilon or v; one fused loop with the
 * float32 rounding of torch's separate kernels (derivative, move, noise) kept at each former boundary.
 */
export function kdpm2Move(m: Kdpm2Move, modelOutput: Float32Array, sample: Float32Array): Float32Array {
  const fdt = f32(m.dt);
  const out = new Float32Array(sample.length);
  let bad: number;
  if (m.predictionType === 'epsilon') bad = moveEpsilon(modelOutput, sample, m.sigma, m.base, fdt, out);
  else if (m.predictionType === 'v_prediction') bad = moveV(modelOutput, sample, m.sigma, m.base, fdt, out);
  else throw new DiffusionError('invalid-scheduler-config', `prediction_type ${m.predictionType} is not supported (epsilon or v_prediction).`, { details: { key: 'prediction_type' } });
  if (bad !== 0) throwIfNaN(modelOutput);
  return m.noise === undefined ? out : addScaled(out, m.noise, m.up!, out);
}

// The element loops live in small functions of their own: V8 then optimises them whole, instead of on-stack
// replacing a loop inside a larger function and deoptimising at the code after it on every call. Each returns
// sum(modelOutput * 0), non-zero only for NaN or ±Infinity: the step's NaN check without a pass of its own.

function moveEpsilon(modelOutput: Float32Array, sample: Float32Array, sigma: number, base: Float32Array, fdt: number, out: Float32Array): number {
  let bad = 0;
  for (let i = 0; i < out.length; i += 1) {
    const s = sample[i]!;
    const m = modelOutput[i]!;
    bad += m * 0;
    out[i] = base[i]! + f32(f32(f32(s - f32(s - f32(sigma * m))) / sigma) * fdt);
  }
  return bad;
}

function moveV(modelOutput: Float32Array, sample: Float32Array, sigma: number, base: Float32Array, fdt: number, out: Float32Array): number {
  const sq = f32(f32(sigma * sigma) + 1);
  const c = f32(-sigma / f32(Math.sqrt(sq)));
  let bad = 0;
  for (let i = 0; i < out.length; i += 1) {
    const s = sample[i]!;
    const m = modelOutput[i]!;
    bad += m * 0;
    out[i] = base[i]! + f32(f32(f32(s - f32(f32(m * c) + f32(s / sq))) / sigma) * fdt);
  }
  return bad;
}

/** `index_for_timestep` with diffusers' per-timestep counter: which repeat of `t` `addNoise` means. */
export function indexWithCounter(timesteps: readonly number[], t: number, counter: ReadonlyMap<number, number>, className: string): number {
  const hits = timesteps.flatMap((v, k) => (v === t ? [k] : []));
  const pos = counter.size === 0 ? (hits.length > 1 ? 1 : 0) : counter.get(t) ?? 0;
  const index = hits[pos];
  if (index === undefined) throw unknownTimestep(className, t);
  return index;
}
