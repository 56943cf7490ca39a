/**
 * A cheap look at the latents while denoising: each pixel's RGB is a fixed linear mix of its 4 latent channels
 * (the factors AUTOMATIC1111's "Approx cheap" preview uses for SD 1.x/2.x latents), so a preview costs a pass or
 * two over the latents and no VAE run. It shows the step's denoised estimate (x0), at latent resolution (an eighth
 * of the image's width and height).
 */
import { alphasCumprod, betasFor } from '../schedulers/betas.ts';

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

/** What a step preview reads from the scheduler. */
interface PreviewScheduler {
  readonly config: Readonly<Record<string, unknown>>;
  readonly initNoiseSigma: number;
  readonly sigmas: readonly number[];
}

/** One denoising step as the loop saw it. */
export interface StepState {
  /** The latents before the step (unscaled). */
  readonly sample: Float32Array;
  /** `scaleModelInput(sample, timestep)`, possibly followed by an inpainting U-Net's extra channels. */
  readonly input: Float32Array;
  /** The U-Net's output after guidance. */
  readonly modelOutput: Float32Array;
  readonly timestep: number;
  /** The latents after the step. */
  readonly after: Float32Array;
  /** The step's index (0-based). */
  readonly index: number;
}

const alphaTables = new WeakMap<object, Float32Array | null>();

/** alphas_cumprod of an alpha-based sampler's config, computed once per scheduler; null when it cannot be. */
function alphaTable(scheduler: PreviewScheduler): Float32Array | null {
  if (!alphaTables.has(scheduler)) {
    let table: Float32Array | null = null;
    try {
      table = alphasCumprod(betasFor(scheduler.config));
    } catch {
      // An unusual config: the preview falls back to the current sample.
    }
    alphaTables.set(scheduler, table);
  }
  return alphaTables.get(scheduler)!;
}

/**
 * The step's estimate of the clean latents (x0, "denoised"), which is what A1111's previews show. Every sampler
 * feeds the U-Net `sqrt(a) * x0 + sqrt(1 - a) * noise`, where `a` is alphas_cumprod at the timestep: sigma-based
 * samplers scale their sample by sqrt(a) = 1/sqrt(sigma^2 + 1) (measured here as input/sample, which also holds
 * for KDPM2's interpolated sigmas), alpha-based ones pass it as is. Undefined when `a` is unknown.
 */
export function denoisedEstimate(scheduler: PreviewScheduler, state: StepState, length: number): Float32Array | undefined {
  const { sample, input, modelOutput } = state;
  let a: number | undefined;
  if (scheduler.initNoiseSigma > 1) {
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < length; i += 1) {
      dot += input[i] * sample[i];
      norm += sample[i] * sample[i];
    }
    a = norm > 0 ? (dot / norm) ** 2 : undefined;
  } else {
    a = alphaTable(scheduler)?.[Math.round(state.timestep)];
  }
  if (a === undefined || !(a > 0) || a > 1) return undefined;
  const type = scheduler.config.prediction_type ?? 'epsilon';
  if (type === 'sample' || type === 'original_sample') return modelOutput.subarray(0, length);
  const [sqrtA, sqrtB] = [Math.sqrt(a), Math.sqrt(1 - a)];
  const x0 = new Float32Array(length);
  if (type === 'v_prediction') for (let i = 0; i < length; i += 1) x0[i] = sqrtA * input[i] - sqrtB * modelOutput[i];
  else for (let i = 0; i < length; i += 1) x0[i] = (input[i] - sqrtB * modelOutput[i]) / sqrtA;
  return x0;
}

/**
 * The preview of one step: its denoised estimate where it can be had, else the sample after the step (divided by
 * sqrt(sigma^2 + 1) for sigma-based samplers, whose samples carry sigma times unit noise, so early previews do not
 * saturate).
 */
export function stepPreview(scheduler: PreviewScheduler, state: StepState, shape: readonly [number, number, number]): ImageData {
  const [, height, width] = shape;
  const x0 = denoisedEstimate(scheduler, state, 4 * width * height);
  if (x0) return latentPreview(x0, width, height);
  const sigma = scheduler.initNoiseSigma > 1 ? scheduler.sigmas[state.index + 1] ?? 0 : 0;
  return latentPreview(state.after, width, height, Math.sqrt(sigma * sigma + 1));
}
