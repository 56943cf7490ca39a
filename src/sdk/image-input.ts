/**
 * Turns whatever image the caller has into ImageData on the main thread, so it crosses to the worker as one
 * transferred buffer (never a structured-clone copy). ImageData the caller passed is copied first, so their
 * object stays usable.
 */
import { DiffusionError } from '../worker/protocol/errors.ts';

/** Everything `image` and `mask` accept. */
export type ImageSource = ImageData | ImageBitmap | Blob | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas;

const has = (name: string) => typeof (globalThis as Record<string, unknown>)[name] === 'function';

function isSource(value: unknown): value is ImageSource {
  return (has('ImageData') && value instanceof ImageData) || (has('ImageBitmap') && value instanceof ImageBitmap)
    || (has('Blob') && value instanceof Blob) || (has('HTMLImageElement') && value instanceof HTMLImageElement)
    || (has('HTMLCanvasElement') && value instanceof HTMLCanvasElement) || (has('OffscreenCanvas') && value instanceof OffscreenCanvas);
}

function pixelsOf(bitmap: ImageBitmap): ImageData {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, bitmap.width, bitmap.height);
}

/** Decodes or copies `source` into a fresh ImageData whose buffer may be transferred. */
export async function toImageData(source: unknown, name: 'image' | 'mask'): Promise<ImageData> {
  const code = name === 'mask' ? 'invalid-mask' : 'invalid-image';
  if (!isSource(source)) {
    throw new DiffusionError(code, `${name} must be ImageData, ImageBitmap, Blob, HTMLImageElement, HTMLCanvasElement or OffscreenCanvas.`);
  }
  if (source instanceof ImageData) {
    if (source.width === 0 || source.height === 0) throw new DiffusionError(code, `${name} is empty.`);
    return new ImageData(new Uint8ClampedArray(source.data), source.width, source.height);
  }
  if (has('HTMLImageElement') && source instanceof HTMLImageElement) {
    await source.decode().catch(() => undefined);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(source);
  } catch (cause) {
    throw new DiffusionError(code, `The ${name} could not be decoded (${(cause as Error)?.message ?? cause}); is it an empty canvas or a broken file?`, { cause });
  }
  try {
    if (bitmap.width === 0 || bitmap.height === 0) throw new DiffusionError(code, `${name} is empty.`);
    return pixelsOf(bitmap);
  } finally {
    bitmap.close();
  }
}
