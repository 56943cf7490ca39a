/**
 * A cheap look at the latents while denoising: each pixel's RGB is a fixed linear mix of its 4 latent channels
 * (the factors AUTOMATIC1111's "Approx cheap" preview uses for SD 1.x/2.x latents), so a preview costs a pass or
 * two over the latents and no VAE run. It shows the step's denoised estimate (x0) as the scheduler computed it, at
 * latent resolution (an eighth of the image's width and height).
 */

/** Latent channel -> [r, g, b] weights for SD's 4-channel VAE latents (A1111 `cheap_approximation`). */
export const LATENT_RGB_FACTORS = [
  [0.298, 0.207, 0.208],
  [0.187, 0.286, 0.173],
  [-0.158, 0.189, 0.264],
  [-0.184, -0.271, -0.473],
] as const;

/**
 * RGBA bytes for `latents` of shape [4, height, width] (batch 1, row-major), each channel divided by `scale`
 * first. A mix of -1..1 maps to 0..255 as A1111 does: `(mix + 1) / 2`, clamped, times 255 (rounded here).
 */
export function latentToRgba(latents: Float32Array, width: number, height: number, scale = 1): Uint8ClampedArray<ArrayBuffer> {
  const plane = width * height;
  if (latents.length < 4 * plane) throw new RangeError(`latentToRgba: ${latents.length} values cannot hold 4 x ${height} x ${width}.`);
  const rgba = new Uint8ClampedArray(plane * 4);
  const f = LATENT_RGB_FACTORS;
  for (let i = 0; i < plane; i += 1) {
    const c0 = latents[i] / scale;
    const c1 = latents[plane + i] / scale;
    const c2 = latents[2 * plane + i] / scale;
    const c3 = latents[3 * plane + i] / scale;
    for (let k = 0; k < 3; k += 1) {
      const mix = c0 * f[0][k] + c1 * f[1][k] + c2 * f[2][k] + c3 * f[3][k];
      // Uint8ClampedArray clamps to 0..255 and rounds half to even; a NaN becomes 0.
      rgba[i * 4 + k] = ((mix + 1) / 2) * 255;
    }
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

/** The preview as ImageData (workers and pages have ImageData; Node does not, hence `latentToRgba`). */
export function latentPreview(latents: Float32Array, width: number, height: number, scale = 1): ImageData {
  return new ImageData(latentToRgba(latents, width, height, scale), width, height);
}

/**
 * The preview of one step: the scheduler's own estimate of the clean latents (its `predOriginalSample`, x0,
 * "denoised"), which is what A1111's previews show. Every scheduler computes it, so nothing is re-derived here.
 */
export function stepPreview(denoised: Float32Array, shape: readonly [number, number, number]): ImageData {
  const [, height, width] = shape;
  return latentPreview(denoised, width, height);
}
