/**
 * SDXL's micro-conditioning `time_ids`, as diffusers' `StableDiffusionXLPipeline._get_add_time_ids` builds them:
 * `list(original_size + crops_coords_top_left + target_size)`, with sizes as (height, width) and the crop as
 * (top, left). Original and target size default to the generated size and the crop to (0, 0), as in diffusers'
 * `__call__`; the negative branch under guidance gets the same six numbers (diffusers' default when no
 * `negative_original_size` is given).
 */
import type { PixelSize } from '../protocol/types.ts';

/** What `time_ids` are made of: the generated size and the request's micro-conditioning options. */
export interface TimeIdsInput extends PixelSize {
  readonly originalSize?: PixelSize;
  readonly cropsCoordsTopLeft?: { readonly top: number; readonly left: number };
  readonly targetSize?: PixelSize;
}

/** The six `time_ids` of one image: [original h, original w, crop top, crop left, target h, target w]. */
export function sdxlTimeIds(input: TimeIdsInput): Float32Array {
  const original = input.originalSize ?? input;
  const crop = input.cropsCoordsTopLeft ?? { top: 0, left: 0 };
  const target = input.targetSize ?? input;
  return Float32Array.of(original.height, original.width, crop.top, crop.left, target.height, target.width);
}
