/** Decoding whatever image the page or the user hands over into ImageData, and encoding it back. */
import type { ImageSource } from '../../sdk/index.ts';

/** What `loadImage` accepts: any SDK image source, or a URL to fetch. */
export type LoadableImage = ImageSource | string | URL;

/** Decodes `source` into a fresh ImageData at its natural size. */
export async function decodeImage(source: LoadableImage): Promise<ImageData> {
  if (source instanceof ImageData) return new ImageData(new Uint8ClampedArray(source.data), source.width, source.height);
  let input: ImageBitmapSource = source as ImageBitmapSource;
  if (typeof source === 'string' || source instanceof URL) {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`Could not fetch the image (${response.status} ${response.statusText}).`);
    input = await response.blob();
  } else if (source instanceof HTMLImageElement) {
    await source.decode();
  }
  const bitmap = await createImageBitmap(input);
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.drawImage(bitmap, 0, 0);
    return context.getImageData(0, 0, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

/** Encodes ImageData (PNG unless `type` says otherwise). */
export async function encodeImage(image: ImageData, type = 'image/png', quality?: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(image.width, image.height);
  canvas.getContext('2d')!.putImageData(image, 0, 0);
  return canvas.convertToBlob({ type, quality });
}

/** True when some pixel is less than half opaque. */
export function hasTransparency(image: ImageData): boolean {
  for (let i = 3; i < image.data.length; i += 4) if (image.data[i] < 128) return true;
  return false;
}

/** The image with its transparent pixels made opaque (their colour kept), as the VAE expects. */
export function opaque(image: ImageData): ImageData {
  const data = new Uint8ClampedArray(image.data);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return new ImageData(data, image.width, image.height);
}
