/** Decoding whatever image the page or the user hands over into ImageData, and encoding it back, with the SDK's own helpers. */
import { DiffusionError, type ImageSource } from '../../sdk/index.ts';
import { toImageData } from '../../sdk/image-input.ts';

export { imageToBlob as encodeImage } from '../../sdk/result.ts';

/** What `loadImage` accepts: any SDK image source, or a URL to fetch. */
export type LoadableImage = ImageSource | string | URL;

/** Decodes `source` into a fresh ImageData at its natural size; failures are `invalid-image` DiffusionErrors. */
export async function decodeImage(source: LoadableImage): Promise<ImageData> {
  if (typeof source !== 'string' && !(source instanceof URL)) return toImageData(source, 'image');
  let response: Response;
  try {
    response = await fetch(source);
  } catch (cause) {
    throw new DiffusionError('invalid-image', `Could not fetch the image ${String(source)}.`, { cause, details: { url: String(source) } });
  }
  if (!response.ok) {
    throw new DiffusionError('invalid-image', `Could not fetch the image (${response.status} ${response.statusText}).`,
      { details: { url: String(source), status: response.status } });
  }
  return toImageData(await response.blob(), 'image');
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
