/**
 * Inpainting masks: white (>= 0.5) means repaint. Binarised and nearest-resized to latent size as diffusers
 * does, and feathered for the final composite so the seam is soft but pixels beyond it stay untouched.
 */

/** The mask's luminance as 0/1 per pixel (1 = repaint), from RGBA (red channel, as diffusers' "L" conversion of white/black masks). */
export function binaryMask(mask: ImageData): Uint8Array {
  const out = new Uint8Array(mask.width * mask.height);
  for (let i = 0; i < out.length; i += 1) {
    const d = mask.data;
    const luminance = (0.299 * d[i * 4] + 0.587 * d[i * 4 + 1] + 0.114 * d[i * 4 + 2]) / 255;
    out[i] = luminance >= 0.5 ? 1 : 0;
  }
  return out;
}

/** Nearest-neighbour downscale of a 0/1 mask to the latent grid (torch `interpolate(mode='nearest')`). */
export function latentMask(mask: Uint8Array, width: number, height: number, latentWidth: number, latentHeight: number): Float32Array {
  const out = new Float32Array(latentWidth * latentHeight);
  for (let y = 0; y < latentHeight; y += 1) {
    const sy = Math.floor((y * height) / latentHeight);
    for (let x = 0; x < latentWidth; x += 1) out[y * latentWidth + x] = mask[sy * width + Math.floor((x * width) / latentWidth)];
  }
  return out;
}

/** A box-blurred copy of the 0/1 mask (radius `blur` px, separable, two passes ~ Gaussian); 0 outside the feather. */
export function featherMask(mask: Uint8Array, width: number, height: number, blur: number): Float32Array {
  let values: Float32Array = Float32Array.from(mask);
  const radius = Math.max(0, Math.round(blur / 2));
  if (radius === 0) return values;
  for (let pass = 0; pass < 2; pass += 1) values = boxBlur(boxBlur(values, width, height, radius, true), width, height, radius, false);
  return values;
}

function boxBlur(input: Float32Array, width: number, height: number, radius: number, horizontal: boolean): Float32Array {
  const out = new Float32Array(input.length);
  const [outer, inner] = horizontal ? [height, width] : [width, height];
  const index = horizontal ? (o: number, i: number) => o * width + i : (o: number, i: number) => i * width + o;
  for (let o = 0; o < outer; o += 1) {
    for (let i = 0; i < inner; i += 1) {
      let sum = 0;
      for (let k = -radius; k <= radius; k += 1) sum += input[index(o, Math.min(inner - 1, Math.max(0, i + k)))];
      out[index(o, i)] = sum / (2 * radius + 1);
    }
  }
  return out;
}

/** original x (1 - m) + generated x m per pixel; where m is 0 the original comes back byte for byte. */
export function composite(original: ImageData, generated: ImageData, weights: Float32Array): ImageData {
  const out = new Uint8ClampedArray(original.data);
  for (let i = 0; i < weights.length; i += 1) {
    const m = weights[i];
    if (m === 0) continue;
    for (let c = 0; c < 3; c += 1) out[i * 4 + c] = Math.round(original.data[i * 4 + c] * (1 - m) + generated.data[i * 4 + c] * m);
  }
  return new ImageData(out, original.width, original.height);
}
