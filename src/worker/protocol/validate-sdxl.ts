/**
 * SDXL's request options (diffusers' `prompt_2`, `negative_prompt_2`, `original_size`, `crops_coords_top_left`,
 * `target_size`), checked where a request enters like the rest of validate.ts, and refused for a model of the
 * other family: an SD 1.x/2.x U-Net has no micro-conditioning and one text encoder, so they would do nothing.
 */
import { checkText } from './check-text.ts';
import { DiffusionError } from './errors.ts';
import type { GenerateRequest, ModelFamily, PixelSize } from './types.ts';

/** Largest micro-conditioning size or crop offset, in pixels (SDXL trained on sizes up to about 4096). */
export const MICRO_CONDITIONING_MAX = 16384;

/** The SDXL-only fields of a request, checked. */
export interface SdxlOptions {
  readonly prompt2?: string;
  readonly negativePrompt2?: string;
  readonly originalSize?: PixelSize;
  readonly cropsCoordsTopLeft?: { readonly top: number; readonly left: number };
  readonly targetSize?: PixelSize;
}

const SDXL_FIELDS = ['prompt2', 'negativePrompt2', 'originalSize', 'cropsCoordsTopLeft', 'targetSize'] as const;

const whole = (n: unknown, min: number): n is number => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= MICRO_CONDITIONING_MAX;

function checkPixelSize(name: 'originalSize' | 'targetSize', value: unknown): PixelSize | undefined {
  if (value === undefined) return undefined;
  const size = value as PixelSize;
  if (typeof size !== 'object' || size === null || !whole(size.width, 1) || !whole(size.height, 1)) {
    throw new DiffusionError('invalid-size', `${name} must be { width, height } in whole pixels from 1 to ${MICRO_CONDITIONING_MAX}; got ${JSON.stringify(value)}.`, { details: { [name]: value } });
  }
  return { width: size.width, height: size.height };
}

function checkCrop(value: unknown): SdxlOptions['cropsCoordsTopLeft'] {
  if (value === undefined) return undefined;
  const crop = value as { top: number; left: number };
  if (typeof crop !== 'object' || crop === null || !whole(crop.top, 0) || !whole(crop.left, 0)) {
    throw new DiffusionError('invalid-argument', `cropsCoordsTopLeft must be { top, left } in whole pixels from 0 to ${MICRO_CONDITIONING_MAX}; got ${JSON.stringify(value)}.`, { details: { cropsCoordsTopLeft: value } });
  }
  return { top: crop.top, left: crop.left };
}

const optionalText = (name: 'prompt2' | 'negativePrompt2', value: unknown) => (value === undefined ? undefined : checkText(name, value));

/** Checks the SDXL fields; with `family: 'sd'` (an SD 1.x/2.x model) any of them is `invalid-argument`. */
export function checkSdxlOptions(request: GenerateRequest, family?: ModelFamily): SdxlOptions {
  if (family === 'sd') {
    const asked = SDXL_FIELDS.filter((field) => request[field] !== undefined);
    if (asked.length) {
      throw new DiffusionError('invalid-argument', `${asked.join(', ')} ${asked.length > 1 ? 'are' : 'is'} for SDXL models only; this model is SD 1.x/2.x (one text encoder, no micro-conditioning).`, { details: { fields: asked, family } });
    }
  }
  return {
    prompt2: optionalText('prompt2', request.prompt2),
    negativePrompt2: optionalText('negativePrompt2', request.negativePrompt2),
    originalSize: checkPixelSize('originalSize', request.originalSize),
    cropsCoordsTopLeft: checkCrop(request.cropsCoordsTopLeft),
    targetSize: checkPixelSize('targetSize', request.targetSize),
  };
}
