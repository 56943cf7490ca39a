/**
 * `Diffusion.invert()`'s main-thread half: the request's image from any {@link ImageSource}, checked where it
 * enters with the worker's own rules (protocol/validate-invert.ts). The inversion itself runs in the worker.
 */
import { checkInvertRequestShape } from '../worker/protocol/validate-invert.ts';
import type { InvertRequest } from '../worker/protocol/invert-types.ts';
import { toImageData, type ImageSource } from './image-input.ts';

/** An invert request whose `image` may be any {@link ImageSource}. */
export type InvertInput = Omit<InvertRequest, 'image'> & { readonly image: ImageSource };

/** Converts the image to ImageData (a copy, so the caller's buffer is never transferred away). */
export async function prepareInvertRequest(request: InvertInput): Promise<InvertRequest> {
  checkInvertRequestShape(request);
  return { ...request, image: await toImageData(request.image, 'image') };
}
