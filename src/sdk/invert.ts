/**
 * `Diffusion.invert()`'s main-thread half: the request's image from any {@link ImageSource}, checked where it
 * enters with the worker's own rules (protocol/validate-invert.ts). The inversion itself runs in the worker.
 */
import { DiffusionError } from '../worker/protocol/errors.ts';
import type { InvertRequest } from '../worker/protocol/invert-types.ts';
import { toImageData, type ImageSource } from './image-input.ts';

/** An invert request whose `image` may be any {@link ImageSource}. */
export type InvertInput = Omit<InvertRequest, 'image'> & { readonly image: ImageSource };

/** Converts the image to ImageData (a copy, so the caller's buffer is never transferred away). */
export async function prepareInvertRequest(request: InvertInput): Promise<InvertRequest> {
  if (typeof request !== 'object' || request === null) throw new DiffusionError('invalid-argument', 'invert() takes a request object.');
  if (request.image === undefined) throw new DiffusionError('invalid-image', 'invert() needs the `image` to invert.');
  return { ...request, image: await toImageData(request.image, 'image') };
}
