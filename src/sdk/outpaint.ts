/**
 * Outpainting: grow the canvas, fill the new area so the VAE sees plausible colours (the nearest edge pixel
 * plus a little noise), and return the mask of the new area for the inpainting pipeline.
 */
import { DiffusionError } from '../worker/protocol/errors.ts';

/** How many pixels to add on each side. */
export interface OutpaintMargins {
  readonly left?: number;
  readonly right?: number;
  readonly top?: number;
  readonly bottom?: number;
}

/** The enlarged image, and a mask that is white exactly on the added area. */
export interface OutpaintCanvas {
  readonly image: ImageData;
  readonly mask: ImageData;
}

/** A wrong image or margins object is a DiffusionError here, not a TypeError further in. */
function checkOutpaintArguments(image: unknown, margins: unknown): void {
  const { width, height, data } = (image ?? {}) as Partial<ImageData>;
  if (!Number.isInteger(width) || !Number.isInteger(height) || Object.prototype.toString.call(data) !== '[object Uint8ClampedArray]' || data!.length !== width! * height! * 4) {
    throw new DiffusionError('invalid-image', `outpaint() takes an ImageData; got ${image === null ? 'null' : typeof image}.`);
  }
  if (typeof margins !== 'object' || margins === null) throw new DiffusionError('invalid-argument', 'outpaint() takes margins: { left, right, top, bottom }.');
}

function margin(value: number | undefined, side: string): number {
  const n = value ?? 0;
  if (!Number.isInteger(n) || n < 0 || n > 2048) throw new DiffusionError('invalid-argument', `outpaint ${side} must be an integer from 0 to 2048; got ${String(value)}.`);
  return n;
}

/** Builds the grown image and mask; `seed` makes the fill noise repeatable. */
export function outpaint(image: ImageData, margins: OutpaintMargins, seed = 0): OutpaintCanvas {
  checkOutpaintArguments(image, margins);
  const [left, right, top, bottom] = (['left', 'right', 'top', 'bottom'] as const).map((side) => margin(margins[side], side));
  const width = image.width + left + right;
  const height = image.height + top + bottom;
  const pixels = new Uint8ClampedArray(width * height * 4);
  const mask = new Uint8ClampedArray(width * height * 4);
  let state = (seed >>> 0) || 0x9e3779b9;
  const noise = () => {
    state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
    return ((state >>> 0) % 33) - 16;
  };
  for (let y = 0; y < height; y += 1) {
    const sy = Math.min(image.height - 1, Math.max(0, y - top));
    for (let x = 0; x < width; x += 1) {
      const sx = Math.min(image.width - 1, Math.max(0, x - left));
      const inside = x - left === sx && y - top === sy;
      const from = (sy * image.width + sx) * 4;
      const to = (y * width + x) * 4;
      for (let c = 0; c < 3; c += 1) pixels[to + c] = image.data[from + c] + (inside ? 0 : noise());
      pixels[to + 3] = 255;
      const value = inside ? 0 : 255;
      mask[to] = mask[to + 1] = mask[to + 2] = value;
      mask[to + 3] = 255;
    }
  }
  return { image: new ImageData(pixels, width, height), mask: new ImageData(mask, width, height) };
}
