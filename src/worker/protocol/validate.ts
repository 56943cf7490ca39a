/**
 * Checks a generate request where it enters (the SDK on the main thread, and again in the worker for
 * direct callers) and fills in defaults. Every problem is a DiffusionError with a specific code, raised
 * before any GPU work.
 */
import { DiffusionError, type ErrorCode } from './errors.ts';
import type { GenerateRequest, ModelFamily } from './types.ts';
import { checkText } from './check-text.ts';
import { checkSdxlOptions, type SdxlOptions } from './validate-sdxl.ts';

/** Size limits in pixels; sizes are multiples of 8 because the VAE downsamples 8x. */
export const SIZE_LIMITS = { min: 64, max: 2048, multiple: 8 } as const;
/** Step limits (diffusers' schedulers are trained on 1000 timesteps). */
export const STEP_LIMITS = { min: 1, max: 1000 } as const;

/** A request with every field checked and filled in (the SDXL ones stay undefined when not given). */
export interface ValidRequest extends SdxlOptions {
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly width: number;
  readonly height: number;
  readonly steps: number;
  readonly guidanceScale: number;
  readonly guidanceRescale: number;
  readonly seed: number;
  readonly scheduler: GenerateRequest['scheduler'];
  readonly image?: ImageData;
  readonly mask?: ImageData;
  readonly strength: number;
  readonly maskBlur?: number;
  readonly previews: boolean;
  readonly latents?: Float32Array;
}

/** Per-model defaults applied to fields the request leaves out. */
export type RequestDefaults = Partial<Pick<GenerateRequest, 'steps' | 'guidanceScale' | 'guidanceRescale' | 'width' | 'height' | 'scheduler'>>;

/** A rule for one value of a request: the test, and the words its message (and the elements' warnings) use. */
export interface ValueRule {
  readonly valid: (value: unknown) => boolean;
  readonly expected: string;
}

const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const { min: minSize, max: maxSize, multiple } = SIZE_LIMITS;

/** The rules for a request's numbers: one table for these checks and the elements' attribute checks. */
export const REQUEST_RULES = {
  size: { valid: (v) => isInteger(v) && v % multiple === 0 && v >= minSize && v <= maxSize, expected: `a multiple of ${multiple} from ${minSize} to ${maxSize}` },
  steps: { valid: (v) => isInteger(v) && v >= STEP_LIMITS.min && v <= STEP_LIMITS.max, expected: `an integer from ${STEP_LIMITS.min} to ${STEP_LIMITS.max}` },
  guidanceScale: { valid: (v) => isFiniteNumber(v) && v >= 0, expected: 'a finite number >= 0' },
  seed: { valid: (v) => isInteger(v) && v >= 0 && v <= 0xffffffff, expected: 'an integer from 0 to 4294967295' },
  strength: { valid: (v) => isFiniteNumber(v) && v >= 0 && v <= 1, expected: 'a number from 0 to 1' },
} satisfies Record<string, ValueRule>;

const MASK_BLUR: ValueRule = { valid: (v) => isFiniteNumber(v) && v >= 0 && v <= 256, expected: 'a number of pixels from 0 to 256' };
const PREVIEWS: ValueRule = { valid: (v) => typeof v === 'boolean', expected: 'true or false' };

/** `value` if it keeps `rule`, else a DiffusionError with `code` that names the field and the value. */
export function checkValue<T>(name: string, value: unknown, rule: ValueRule, code: ErrorCode, details: Record<string, unknown> = {}): T {
  if (!rule.valid(value)) {
    throw new DiffusionError(code, `${name} must be ${rule.expected}; got ${String(value)}.`, { details: { [name]: value, ...details } });
  }
  return value as T;
}

/** A random 32-bit seed, used when the request gives none (the result reports it). */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

function isImageData(value: unknown): value is ImageData {
  const image = value as ImageData;
  return typeof image === 'object' && image !== null && typeof image.width === 'number' && typeof image.height === 'number'
    && image.data instanceof Uint8ClampedArray && image.data.length === image.width * image.height * 4;
}

function checkImage(name: 'image' | 'mask', value: unknown): ImageData | undefined {
  if (value === undefined) return undefined;
  const code = name === 'mask' ? 'invalid-mask' : 'invalid-image';
  if (!isImageData(value)) throw new DiffusionError(code, `${name} must be ImageData (the SDK converts images, canvases, bitmaps and Blobs).`);
  if (value.width === 0 || value.height === 0) throw new DiffusionError(code, `${name} is empty (${value.width}x${value.height}).`);
  // No size limit here: inputs are scaled to the request's size, and SIZE_LIMITS apply to that output.
  return value;
}

const floor8 = (n: number) => Math.max(SIZE_LIMITS.min, n - (n % SIZE_LIMITS.multiple));

/**
 * The output size an input image implies when the request names none: its own size, shrunk as a whole (aspect
 * kept) to fit SIZE_LIMITS.max, each side rounded down to a multiple of 8. A 4032x3024 phone photo gives 2048x1536.
 */
export function sizeForImage(image: { width: number; height: number }): { width: number; height: number } {
  const scale = Math.min(1, SIZE_LIMITS.max / Math.max(image.width, image.height));
  return { width: floor8(Math.floor(image.width * scale)), height: floor8(Math.floor(image.height * scale)) };
}

/** `request` if it is an object, else `invalid-argument` naming the call (`generate()`, `invert()`). */
export function checkRequestObject<T>(call: string, request: T): T {
  if (typeof request !== 'object' || request === null) throw new DiffusionError('invalid-argument', `${call} takes a request object.`);
  return request;
}

/**
 * Validates `request` and fills defaults (the model's, then SD's usual 512x512, 20 steps, guidance 7.5). With the
 * model's `family`, SDXL-only fields sent to an SD model are refused.
 */
export function validateRequest(request: GenerateRequest, defaults: RequestDefaults = {}, family?: ModelFamily): ValidRequest {
  checkRequestObject('generate()', request);
  const scheduler = request.scheduler ?? defaults.scheduler;
  if (scheduler !== undefined && typeof scheduler !== 'string' && (typeof scheduler !== 'object' || scheduler === null)) {
    throw new DiffusionError('unknown-scheduler', `scheduler must be a sampler name or a config; got ${typeof scheduler}.`);
  }
  if (request.mask !== undefined && request.image === undefined) {
    throw new DiffusionError('invalid-mask', 'A mask needs an image to inpaint; pass `image` too.');
  }
  const image = checkImage('image', request.image);
  const mask = checkImage('mask', request.mask);
  const maskBlur = request.maskBlur === undefined ? undefined : checkValue<number>('maskBlur', request.maskBlur, MASK_BLUR, 'invalid-mask');
  const size = (name: 'width' | 'height', value: unknown) => checkValue<number>(name, value, REQUEST_RULES.size, 'invalid-size', SIZE_LIMITS);
  const width = size('width', request.width ?? (image ? sizeForImage(image).width : defaults.width ?? 512));
  const height = size('height', request.height ?? (image ? sizeForImage(image).height : defaults.height ?? 512));
  return {
    prompt: checkText('prompt', request.prompt),
    negativePrompt: request.negativePrompt === undefined ? '' : checkText('negativePrompt', request.negativePrompt),
    width,
    height,
    steps: checkValue<number>('steps', request.steps ?? defaults.steps ?? 20, REQUEST_RULES.steps, 'invalid-steps'),
    guidanceScale: checkValue<number>('guidanceScale', request.guidanceScale ?? defaults.guidanceScale ?? 7.5, REQUEST_RULES.guidanceScale, 'invalid-guidance-scale'),
    guidanceRescale: checkValue<number>('guidanceRescale', request.guidanceRescale ?? defaults.guidanceRescale ?? 0, REQUEST_RULES.strength, 'invalid-guidance-scale'),
    seed: request.seed === undefined ? randomSeed() : checkValue<number>('seed', request.seed, REQUEST_RULES.seed, 'invalid-seed'),
    scheduler,
    image,
    mask,
    // diffusers' defaults: inpainting repaints the masked area from pure noise, image-to-image noises 80% of the way.
    strength: request.strength === undefined ? (mask ? 1 : 0.8) : checkValue<number>('strength', request.strength, REQUEST_RULES.strength, 'invalid-strength'),
    maskBlur,
    previews: request.previews === undefined ? false : checkValue<boolean>('previews', request.previews, PREVIEWS, 'invalid-argument'),
    latents: checkLatents(request.latents, width, height, image),
    ...checkSdxlOptions(request, family),
  };
}

/** Given latents: a Float32Array of the latent size, finite, and for text-to-image only (an image brings its own). */
function checkLatents(value: unknown, width: number, height: number, image: ImageData | undefined): Float32Array | undefined {
  if (value === undefined) return undefined;
  const expected = 4 * (width / 8) * (height / 8);
  if (!(value instanceof Float32Array)) throw new DiffusionError('invalid-argument', `latents must be a Float32Array of ${expected} values (4 x ${height / 8} x ${width / 8}).`, { details: { key: 'latents' } });
  if (value.length !== expected) {
    throw new DiffusionError('length-mismatch', `latents hold ${value.length} values; ${width}x${height} needs ${expected} (4 x ${height / 8} x ${width / 8}); pass their width and height.`, { details: { key: 'latents', expected, actual: value.length } });
  }
  if (image) throw new DiffusionError('invalid-argument', 'latents replace the noise of text-to-image; leave out `image`.', { details: { key: 'latents' } });
  if (!value.every(Number.isFinite)) throw new DiffusionError('invalid-argument', 'latents hold NaN or infinite values.', { details: { key: 'latents' } });
  return value;
}
