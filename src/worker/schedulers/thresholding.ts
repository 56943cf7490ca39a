/**
 * Dynamic thresholding (Imagen, arXiv 2205.11487), diffusers' `_threshold_sample`: the clean estimate is clamped to
 * `[-s, s]` and divided by `s`, where `s` is the `dynamic_thresholding_ratio` quantile of |x0|, clamped to
 * `[1, sample_max_value]`. Meant for pixel-space models; offered where diffusers offers it. The contract's flat
 * arrays carry no batch axis, so the quantile is over the whole array (diffusers' per-sample quantile at batch 1).
 */
import { num, type ResolvedConfig } from './config.ts';

const f32 = Math.fround;

/** torch.quantile's "linear" interpolation in float32 over the sorted values. */
function quantile(sorted: Float32Array, q: number): number {
  const rank = f32(f32(q) * (sorted.length - 1));
  const below = Math.floor(rank);
  const above = Math.min(below + 1, sorted.length - 1);
  const [a, b, w] = [sorted[below]!, sorted[above]!, f32(rank - below)];
  // torch.lerp's two forms, chosen by the weight, as its CPU kernel does.
  return w < 0.5 ? f32(a + f32(w * f32(b - a))) : f32(b - f32(f32(b - a) * f32(1 - w)));
}

/** Thresholds `x0` in place when the config asks for it (`thresholding`); returns whether it did. */
export function thresholdInPlace(config: ResolvedConfig, x0: Float32Array): boolean {
  if (config.thresholding !== true) return false;
  const magnitudes = Float32Array.from(x0, Math.abs).sort();
  const s = f32(Math.min(Math.max(quantile(magnitudes, num(config, 'dynamic_thresholding_ratio')), 1), num(config, 'sample_max_value')));
  for (let i = 0; i < x0.length; i += 1) x0[i] = f32(Math.min(Math.max(x0[i]!, -s), s) / s);
  return true;
}
