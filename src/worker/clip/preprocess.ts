/**
 * CLIPImageProcessor in TypeScript: resize the shortest side (Pillow's resampling, see resample.ts), centre-crop,
 * rescale by 1/255 and normalise with the processor's mean and std, giving planar CHW float32 `pixel_values`.
 * The settings come from `preprocessor_config.json`, in both forms transformers writes (`size: 224` or
 * `size: { shortest_edge: 224 }`, `crop_size: 224` or `{ height, width }`).
 */
import { DiffusionError } from '../protocol/errors.ts';
import { resizeRgb, type RgbImage } from './resample.ts';

/** The processor settings CLIP needs. */
export interface ClipImageSettings {
  readonly shortestEdge: number;
  readonly cropHeight: number;
  readonly cropWidth: number;
  readonly resample: number;
  readonly rescaleFactor: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  readonly doResize: boolean;
  readonly doCenterCrop: boolean;
  readonly doNormalize: boolean;
}

/** OpenAI CLIP's settings (every openai/clip-vit-* repository ships these). */
export const OPENAI_CLIP_SETTINGS: ClipImageSettings = {
  shortestEdge: 224, cropHeight: 224, cropWidth: 224, resample: 3, rescaleFactor: 1 / 255,
  mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711],
  doResize: true, doCenterCrop: true, doNormalize: true,
};

type Json = Record<string, unknown>;

function positive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new DiffusionError('invalid-model', `preprocessor_config.json: ${name} must be a positive integer.`, { details: { [name]: value } });
  }
  return value;
}

function triple(value: unknown, name: string, fallback: readonly [number, number, number]): readonly [number, number, number] {
  if (value === undefined) return fallback;
  const list = typeof value === 'number' ? [value, value, value] : value;
  if (!Array.isArray(list) || list.length !== 3 || !list.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new DiffusionError('invalid-model', `preprocessor_config.json: ${name} must be three numbers.`, { details: { [name]: value } });
  }
  return [list[0], list[1], list[2]];
}

const flag = (value: unknown, fallback: boolean) => (typeof value === 'boolean' ? value : fallback);

/** Reads `preprocessor_config.json` (already parsed); missing keys take OpenAI CLIP's values. */
export function parseImageSettings(config: Json | undefined): ClipImageSettings {
  if (!config) return OPENAI_CLIP_SETTINGS;
  const d = OPENAI_CLIP_SETTINGS;
  const size = config.size as Json | number | undefined;
  const crop = config.crop_size as Json | number | undefined;
  const shortest = typeof size === 'object' && size ? size.shortest_edge ?? size.height : size;
  const cropHeight = typeof crop === 'object' && crop ? crop.height : crop;
  const cropWidth = typeof crop === 'object' && crop ? crop.width : crop;
  return {
    shortestEdge: shortest === undefined ? d.shortestEdge : positive(shortest, 'size'),
    cropHeight: cropHeight === undefined ? d.cropHeight : positive(cropHeight, 'crop_size'),
    cropWidth: cropWidth === undefined ? d.cropWidth : positive(cropWidth, 'crop_size'),
    resample: typeof config.resample === 'number' ? config.resample : d.resample,
    rescaleFactor: typeof config.rescale_factor === 'number' ? config.rescale_factor : d.rescaleFactor,
    mean: triple(config.image_mean, 'image_mean', d.mean),
    std: triple(config.image_std, 'image_std', d.std),
    doResize: flag(config.do_resize, true),
    doCenterCrop: flag(config.do_center_crop, true),
    doNormalize: flag(config.do_normalize, true),
  };
}

/** RGBA (ImageData's layout) to RGB, dropping alpha as PIL's `convert('RGB')` does. */
export function rgbOf(image: { width: number; height: number; data: ArrayLike<number> }): RgbImage {
  const data = new Uint8Array(image.width * image.height * 3);
  for (let i = 0, j = 0; j < data.length; i += 4, j += 3) {
    data[j] = image.data[i];
    data[j + 1] = image.data[i + 1];
    data[j + 2] = image.data[i + 2];
  }
  return { width: image.width, height: image.height, data };
}

/** transformers' get_resize_output_image_size: shortest side to `edge`, the other truncated as Python's int(). */
export function resizedSize(width: number, height: number, edge: number): { width: number; height: number } {
  const long = Math.trunc((edge * Math.max(width, height)) / Math.min(width, height));
  return width <= height ? { width: edge, height: long } : { width: long, height: edge };
}

/** Resized and centre-cropped RGB bytes, before rescaling (what the golden test compares with PIL). */
export function resizeAndCrop(image: RgbImage, s: ClipImageSettings): RgbImage {
  const size = s.doResize ? resizedSize(image.width, image.height, s.shortestEdge) : image;
  const resized = s.doResize ? resizeRgb(image, size.width, size.height, s.resample) : image;
  if (!s.doCenterCrop) return resized;
  const { cropWidth: w, cropHeight: h } = s;
  // Where the image is smaller than the crop, transformers pads with zeros around it; so do we.
  const top = Math.floor((resized.height - h) / 2);
  const left = Math.floor((resized.width - w) / 2);
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y += 1) {
    const sy = y + top;
    if (sy < 0 || sy >= resized.height) continue;
    for (let x = 0; x < w; x += 1) {
      const sx = x + left;
      if (sx < 0 || sx >= resized.width) continue;
      data.set(resized.data.subarray((sy * resized.width + sx) * 3, (sy * resized.width + sx) * 3 + 3), (y * w + x) * 3);
    }
  }
  return { width: w, height: h, data };
}

/** `pixel_values` for one image: [3, height, width] float32, rescaled and normalised. */
export function pixelValues(image: { width: number; height: number; data: ArrayLike<number> }, s: ClipImageSettings): { data: Float32Array; width: number; height: number } {
  const rgb = resizeAndCrop(rgbOf(image), s);
  const plane = rgb.width * rgb.height;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c += 1) {
    const mean = s.doNormalize ? s.mean[c] : 0;
    const std = s.doNormalize ? s.std[c] : 1;
    for (let i = 0; i < plane; i += 1) out[c * plane + i] = (rgb.data[i * 3 + c] * s.rescaleFactor - mean) / std;
  }
  return { data: out, width: rgb.width, height: rgb.height };
}
