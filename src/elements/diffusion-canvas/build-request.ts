/**
 * Which pipeline a `<diffusion-canvas>` run uses, and the request it sends: a painted mask means inpainting of
 * the current image; an image the page or the user supplied, without a mask, means image-to-image; otherwise
 * text-to-image. `width`/`height` apply to text-to-image only, so an input image keeps its own size.
 */
import type { GenerateInput } from '../../sdk/index.ts';

/** The element's settings (attributes), any of them unset. */
export interface CanvasSettings {
  readonly prompt?: string;
  readonly negativePrompt?: string;
  readonly width?: number;
  readonly height?: number;
  readonly steps?: number;
  readonly guidanceScale?: number;
  readonly scheduler?: string;
  readonly seed?: number;
  readonly strength?: number;
}

/** The element's settings, with the last caller's prompts where the element has none. */
export function settingsOf(element: CanvasSettings, last: Pick<CanvasSettings, 'prompt' | 'negativePrompt'>): CanvasSettings {
  const { prompt, negativePrompt, width, height, steps, guidanceScale, scheduler, seed, strength } = element;
  return { prompt: prompt ?? last.prompt, negativePrompt: negativePrompt ?? last.negativePrompt, width, height, steps, guidanceScale, scheduler, seed, strength };
}

/** What is on the canvas. */
export interface CanvasContent {
  readonly image?: ImageData;
  /** True when the image came from the page or the user rather than from the last generation. */
  readonly imageIsInput: boolean;
  /** The painted mask, or undefined when nothing is painted. */
  readonly mask?: () => ImageData;
}

/** Merges settings, canvas content and the caller's overrides (which win) into one request. */
export function buildRequest(settings: CanvasSettings, content: CanvasContent, request: Partial<GenerateInput>): GenerateInput {
  const { width, height, ...rest } = settings;
  const base: Record<string, unknown> = { ...rest, prompt: settings.prompt ?? '' };
  const callerChoseImage = 'image' in request;
  if (!callerChoseImage && content.image && content.mask) {
    Object.assign(base, { image: content.image, mask: content.mask() });
  } else if (!callerChoseImage && content.image && content.imageIsInput) {
    base.image = content.image;
  } else if (!request.image) {
    // Only text-to-image takes the element's size: an input image brings its own.
    Object.assign(base, { width, height });
  }
  const merged: Record<string, unknown> = { ...base, ...request };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return merged as unknown as GenerateInput;
}
