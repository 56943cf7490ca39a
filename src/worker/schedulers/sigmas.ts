/**
 * Sigma schedules as tiny pure functions (k-diffusion style). Precision follows diffusers: sigmas from the float32
 * `alphas_cumprod` in float32, then numpy float64 for interpolation and the Karras ramp.
 */

const f32 = Math.fround;

/** `((1 - alphas_cumprod) / alphas_cumprod) ** 0.5` in float32, indexed by training timestep (ascending). */
export function sigmasFromAlphasCumprod(alphasCumprod: Float32Array): Float32Array {
  return alphasCumprod.map((a) => f32(Math.sqrt(f32(f32(1 - a) / a))));
}

/** `numpy.interp(x, xp, fp)` for one `x`: linear interpolation on increasing `xp`, clamped at both ends. */
export function interp(x: number, xp: ArrayLike<number>, fp: ArrayLike<number>): number {
  const n = xp.length;
  if (x <= xp[0]!) return fp[0]!;
  if (x >= xp[n - 1]!) return fp[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xp[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const slope = (fp[lo + 1]! - fp[lo]!) / (xp[lo + 1]! - xp[lo]!);
  return slope * (x - xp[lo]!) + fp[lo]!;
}

/** Karras et al. (2022) sigmas: `n` values from `sigmaMax` down to `sigmaMin`, evenly spaced in `sigma ** (1/rho)`. */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, n: number, rho = 7): number[] {
  const minInvRho = sigmaMin ** (1 / rho);
  const maxInvRho = sigmaMax ** (1 / rho);
  const ramp = n === 1 ? [0] : Array.from({ length: n }, (_, i) => (i === n - 1 ? 1 : i * (1 / (n - 1))));
  return ramp.map((r) => (maxInvRho + r * (minInvRho - maxInvRho)) ** rho);
}

/** `np.log` of float32 sigmas, kept float32 as numpy does. */
export function logSigmas(sigmas: Float32Array): Float32Array {
  return sigmas.map((s) => f32(Math.log(s)));
}

/**
 * diffusers' `_sigma_to_t`: the fractional training timestep of `sigma`, interpolating linearly in log-sigma
 * between the two neighbouring entries of `logSigmas` (float32, ascending by timestep).
 */
export function sigmaToT(sigma: number, logSigmas: Float32Array): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  // The last index whose log-sigma is <= logSigma (0 when none is), kept one short of the end.
  let low = 0;
  for (let i = 0; i < logSigmas.length; i += 1) if (logSigma - logSigmas[i]! >= 0) low = i;
  low = Math.min(low, logSigmas.length - 2);
  const lo = logSigmas[low]!;
  const hi = logSigmas[low + 1]!;
  const w = Math.min(Math.max((lo - logSigma) / f32(lo - hi), 0), 1);
  return (1 - w) * low + w * (low + 1);
}
