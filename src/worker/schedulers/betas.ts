/**
 * Noise schedules, in float32 exactly as diffusers 0.24 builds them with torch 1.13 on the CPU: the betas, their
 * zero-terminal-SNR rescaling, and the cumulative product of the alphas.
 */
import { DiffusionError } from '../protocol/errors.ts';
import type { ResolvedConfig } from './config.ts';

const f32 = Math.fround;
/** Elements per AVX2 float vector: torch's linspace kernel writes in chunks of this many. */
const VEC = 8;

/**
 * `torch.linspace(start, end, steps, dtype=torch.float32)` bit for bit: the CPU kernel steps in float32 from `start`
 * for the first half and back from `end` for the second, eight elements per AVX2 vector from a per-chunk base. GCC
 * builds torch with `-ffp-contract=fast`, so each `a + b * c` is one fused multiply-add: the product is exact in
 * double here (24-bit operands), and only the sum rounds.
 */
export function torchLinspaceF32(start: number, end: number, steps: number): Float32Array {
  const out = new Float32Array(steps);
  if (steps === 1) {
    out[0] = start;
    return out;
  }
  const s = f32(start);
  const e = f32(end);
  const step = f32(f32(e - s) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  const base = (idx: number): number => (idx < halfway ? f32(s + step * idx) : f32(e - step * (steps - idx - 1)));
  const whole = steps - (steps % VEC);
  for (let at = 0; at < whole; at += VEC) {
    const b = base(at);
    for (let i = 0; i < VEC; i += 1) out[at + i] = f32(b + i * step);
  }
  for (let idx = whole; idx < steps; idx += 1) out[idx] = base(idx);
  return out;
}

/** The betas of a config's `beta_schedule` (or its `trained_betas`), as diffusers' constructors make them. */
export function betasFor(config: ResolvedConfig): Float32Array {
  const n = config.num_train_timesteps as number;
  const trained = config.trained_betas;
  let betas: Float32Array;
  if (Array.isArray(trained) || ArrayBuffer.isView(trained)) {
    betas = Float32Array.from(trained as ArrayLike<number>);
  } else {
    betas = scheduleBetas(config, n);
  }
  if (config.rescale_betas_zero_snr === true) betas = rescaleZeroTerminalSnr(betas);
  return betas;
}

function scheduleBetas(config: ResolvedConfig, n: number): Float32Array {
  const start = config.beta_start as number;
  const end = config.beta_end as number;
  switch (config.beta_schedule) {
    case 'linear':
      return torchLinspaceF32(start, end, n);
    case 'scaled_linear':
      // diffusers: linspace(beta_start**0.5, beta_end**0.5) ** 2, the schedule of the latent diffusion models.
      return torchLinspaceF32(Math.sqrt(start), Math.sqrt(end), n).map((b) => f32(b * b));
    case 'squaredcos_cap_v2':
      return Float32Array.from(betasForAlphaBar(n));
    default:
      throw new DiffusionError(
        'invalid-scheduler-config',
        `${String(config._class_name)}: beta_schedule ${String(config.beta_schedule)} is not implemented.`,
        { details: { beta_schedule: config.beta_schedule } },
      );
  }
}

/** diffusers' `betas_for_alpha_bar` with the cosine `alpha_bar` (Improved DDPM), in float64 like Python. */
export function betasForAlphaBar(n: number, maxBeta = 0.999): number[] {
  const alphaBar = (t: number): number => Math.cos(((t + 0.008) / 1.008) * Math.PI / 2) ** 2;
  const betas: number[] = [];
  for (let i = 0; i < n; i += 1) {
    betas.push(Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), maxBeta));
  }
  return betas;
}

/** diffusers' `rescale_zero_terminal_snr` (arXiv 2305.08891, Algorithm 1), in float32. */
export function rescaleZeroTerminalSnr(betas: Float32Array): Float32Array {
  const sqrtAcp = alphasCumprod(betas).map((a) => f32(Math.sqrt(a)));
  const first = sqrtAcp[0]!;
  const last = sqrtAcp[sqrtAcp.length - 1]!;
  // Shift so the last is zero, then scale so the first is back to its old value (one float32 factor, as torch).
  const factor = f32(first / f32(first - last));
  const scaled = sqrtAcp.map((v) => f32(f32(v - last) * factor));
  const acp = scaled.map((v) => f32(v * v));
  const out = new Float32Array(betas.length);
  out[0] = f32(1 - acp[0]!);
  for (let i = 1; i < acp.length; i += 1) out[i] = f32(1 - f32(acp[i]! / acp[i - 1]!));
  return out;
}

/**
 * `torch.cumprod(1 - betas, dim=0)` on float32: the alphas are float32, but torch's CPU kernel accumulates the
 * product in double (`acc_type<float>`), rounding each output to float32.
 */
export function alphasCumprod(betas: Float32Array): Float32Array {
  const out = new Float32Array(betas.length);
  let product = 1;
  for (let i = 0; i < betas.length; i += 1) {
    product *= f32(1 - betas[i]!);
    out[i] = product;
  }
  return out;
}
