/**
 * Conversions between RGBA `ImageData` and the planar NCHW float tensors the VAE uses.
 * Pixels in: x / 127.5 - 1. Pixels out: clamp(x / 2 + 0.5, 0, 1) * 255, rounded.
 */

/** A planar [3, height, width] tensor in [-1, 1] to RGBA pixels (alpha 255). */
export function planarToRgba(planar: Float32Array, width: number, height: number): Uint8ClampedArray<ArrayBuffer> {
  const plane = width * height;
  const rgba = new Uint8ClampedArray(plane * 4);
  for (let i = 0; i < plane; i += 1) {
    for (let c = 0; c < 3; c += 1) {
      const value = Math.min(Math.max(planar[c * plane + i] / 2 + 0.5, 0), 1);
      rgba[i * 4 + c] = Math.round(value * 255);
    }
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

/** RGBA pixels to a planar [3, height, width] tensor in [-1, 1] (alpha ignored). */
export function rgbaToPlanar(rgba: Uint8ClampedArray, width: number, height: number): Float32Array {
  const plane = width * height;
  const planar = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i += 1) {
    for (let c = 0; c < 3; c += 1) planar[c * plane + i] = rgba[i * 4 + c] / 127.5 - 1;
  }
  return planar;
}
