/**
 * PIL's `Image.resize` for 8-bit RGB, ported from Pillow's `libImaging/Resample.c` so that CLIP sees the pixels
 * CLIPImageProcessor gives it in Python: a separable convolution whose kernel widens by the scale when
 * downscaling (antialiasing), coefficients rounded to 22-bit fixed point, and each pass rounded and clamped
 * to 0..255. The browser's canvas `drawImage` resampling differs from this by several levels per pixel.
 */
import { DiffusionError } from '../protocol/errors.ts';

/** An RGB image, 3 bytes per pixel, row-major. */
export interface RgbImage { readonly width: number; readonly height: number; readonly data: Uint8Array }

/** A resampling filter: its support at scale 1 and its kernel. */
interface Filter { readonly support: number; readonly kernel: (x: number) => number }

const bicubic: Filter = {
  support: 2,
  kernel: (t) => {
    // Keys' cubic with a = -0.5, as Pillow uses (not -0.75 as OpenCV does).
    const a = -0.5;
    const x = Math.abs(t);
    if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
    if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
    return 0;
  },
};
const bilinear: Filter = { support: 1, kernel: (t) => Math.max(0, 1 - Math.abs(t)) };
const sinc = (x: number) => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));
const lanczos: Filter = { support: 3, kernel: (x) => (Math.abs(x) < 3 ? sinc(x) * sinc(x / 3) : 0) };

/** Pillow's filters by the numbers `preprocessor_config.json` stores in `resample`. */
const FILTERS: Record<number, Filter> = { 1: lanczos, 2: bilinear, 3: bicubic };

const PRECISION_BITS = 32 - 8 - 2;

/** Per output index: the first input index and the fixed-point weights (Pillow's precompute_coeffs). */
function coefficients(inSize: number, outSize: number, filter: Filter): { start: Int32Array; weights: Int32Array[] } {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const start = new Int32Array(outSize);
  const weights: Int32Array[] = [];
  for (let xx = 0; xx < outSize; xx += 1) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    const k = new Float64Array(xmax);
    let sum = 0;
    for (let x = 0; x < xmax; x += 1) sum += k[x] = filter.kernel((x + xmin - center + 0.5) / filterScale);
    const fixed = new Int32Array(xmax);
    for (let x = 0; x < xmax; x += 1) {
      const w = sum === 0 ? k[x] : k[x] / sum;
      fixed[x] = Math.trunc(w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
    }
    start[xx] = xmin;
    weights.push(fixed);
  }
  return { start, weights };
}

const clip8 = (sum: number) => Math.min(255, Math.max(0, Math.floor(sum / (1 << PRECISION_BITS))));

/** One pass along x (`horizontal`) or y; sums stay exact in doubles (below 2^53). */
function pass(image: RgbImage, outSize: number, horizontal: boolean, filter: Filter): RgbImage {
  const inSize = horizontal ? image.width : image.height;
  const { start, weights } = coefficients(inSize, outSize, filter);
  const width = horizontal ? outSize : image.width;
  const height = horizontal ? image.height : outSize;
  const out = new Uint8Array(width * height * 3);
  const stride = horizontal ? 3 : image.width * 3;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const o = horizontal ? x : y;
      const base = horizontal ? (y * image.width + start[o]) * 3 : (start[o] * image.width + x) * 3;
      const k = weights[o];
      for (let c = 0; c < 3; c += 1) {
        let sum = 1 << (PRECISION_BITS - 1);
        for (let i = 0; i < k.length; i += 1) sum += image.data[base + i * stride + c] * k[i];
        out[(y * width + x) * 3 + c] = clip8(sum);
      }
    }
  }
  return { width, height, data: out };
}

/** Resizes as Pillow's `image.resize((width, height), resample)` does: horizontal pass first, each only when needed. */
export function resizeRgb(image: RgbImage, width: number, height: number, resample = 3): RgbImage {
  const filter = FILTERS[resample];
  if (!filter) {
    throw new DiffusionError('invalid-model', `preprocessor_config.json asks for resample ${String(resample)}; supported: 1 (lanczos), 2 (bilinear), 3 (bicubic).`, { details: { resample } });
  }
  const wide = width === image.width ? image : pass(image, width, true, filter);
  return height === image.height ? wide : pass(wide, height, false, filter);
}
