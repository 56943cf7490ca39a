/**
 * Checks an invert request where it enters (the SDK, and again in the worker), with generate's own rules for the
 * fields they share, so a bad size or step count fails with the same code and message in both.
 */
import { DiffusionError } from './errors.ts';
import type { InvertRequest } from './invert-types.ts';
import { checkRequestObject, validateRequest, type RequestDefaults } from './validate.ts';

/** An invert request with every field checked and filled in. */
export interface ValidInvertRequest {
  readonly image: ImageData;
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly width: number;
  readonly height: number;
  readonly steps: number;
  readonly guidanceScale: number;
  readonly seed: number;
  readonly scheduler: InvertRequest['scheduler'];
}

/** An object with an `image`: all the SDK can check before converting that image (the rest needs ImageData). */
export function checkInvertRequestShape<T extends { readonly image?: unknown }>(request: T): T {
  checkRequestObject('invert()', request);
  if (request.image === undefined) throw new DiffusionError('invalid-image', 'invert() needs the `image` to invert.');
  return request;
}

/** Validates `request` and fills defaults: the model's steps and size, guidance 1, DDIM inversion. */
export function validateInvertRequest(request: InvertRequest, defaults: RequestDefaults = {}): ValidInvertRequest {
  checkInvertRequestShape(request);
  const valid = validateRequest({
    image: request.image, prompt: request.prompt ?? '', negativePrompt: request.negativePrompt, width: request.width,
    height: request.height, steps: request.steps, guidanceScale: request.guidanceScale ?? 1, seed: request.seed,
    scheduler: request.scheduler ?? 'DDIMInverseScheduler',
  }, { steps: defaults.steps, width: defaults.width, height: defaults.height });
  const { prompt, negativePrompt, width, height, steps, guidanceScale, seed, scheduler } = valid;
  return { image: valid.image!, prompt, negativePrompt, width, height, steps, guidanceScale, seed, scheduler };
}
