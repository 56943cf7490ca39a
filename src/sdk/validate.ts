/**
 * Checks a generate request where it enters (the SDK on the main thread, and again in the worker for
 * direct callers) and fills in defaults. Every problem is a DiffusionError with a specific code, raised
 * before any GPU work.
 */
import { DiffusionError } from './errors.ts';
import type { GenerateRequest } from '../worker/protocol.ts';

/** Size limits in pixels; sizes are multiples of 8 because the VAE downsamples 8x. */
export const SIZE_LIMITS = { min: 64, max: 2048, multiple: 8 } as const;
/** Step limits (diffusers' schedulers are trained on 1000 timesteps). */
export const STEP_LIMITS = { min: 1, max: 1000 } as const;

/** A request with every field checked and filled in. */
export interface ValidRequest {
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly width: number;
  readonly height: number;
  readonly steps: number;
  readonly guidanceScale: number;
  readonly seed: number;
  readonly scheduler: GenerateRequest['scheduler'];
  readonly image?: ImageData;
  readonly mask?: ImageData;
  readonly strength: number;
}

/** Per-model defaults applied to fields the request leaves out. */
export type RequestDefaults = Partial<Pick<GenerateRequest, 'steps' | 'guidanceScale' | 'width' | 'height' | 'scheduler'>>;

function checkSize(name: 'width' | 'height', value: unknown): number {
  const { min, max, multiple } = SIZE_LIMITS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value % multiple !== 0 || value < min || value > max) {
    throw new DiffusionError('invalid-size', `${name} must be a multiple of ${multiple} from ${min} to ${max}; got ${String(value)}.`, { details: { [name]: value, ...SIZE_LIMITS } });
  }
  return value;
}

function checkSteps(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < STEP_LIMITS.min || value > STEP_LIMITS.max) {
    throw new DiffusionError('invalid-steps', `steps must be an integer from ${STEP_LIMITS.min} to ${STEP_LIMITS.max}; got ${String(value)}.`, { details: { steps: value } });
  }
  return value;
}

function checkGuidance(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new DiffusionError('invalid-guidance-scale', `guidanceScale must be a finite number >= 0; got ${String(value)}.`, { details: { guidanceScale: value } });
  }
  return value;
}

/** A random 32-bit seed, used when the request gives none (the result reports it). */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

function checkSeed(value: unknown): number {
  if (value === undefined) return randomSeed();
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new DiffusionError('invalid-seed', `seed must be an integer from 0 to 4294967295; got ${String(value)}.`, { details: { seed: value } });
  }
  return value;
}

function checkStrength(value: unknown): number {
  if (value === undefined) return 0.8;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new DiffusionError('invalid-strength', `strength must be a number from 0 to 1; got ${String(value)}.`, { details: { strength: value } });
  }
  return value;
}

function checkText(name: 'prompt' | 'negativePrompt', value: unknown): string {
  if (typeof value !== 'string') {
    throw new DiffusionError('invalid-prompt', `${name} must be a string; got ${value === null ? 'null' : typeof value}.`, { details: { field: name } });
  }
  return value;
}

/** Validates `request` and fills defaults (the model's, then SD's usual 512x512, 20 steps, guidance 7.5). */
export function validateRequest(request: GenerateRequest, defaults: RequestDefaults = {}): ValidRequest {
  if (typeof request !== 'object' || request === null) throw new DiffusionError('invalid-argument', 'generate() takes a request object.');
  const scheduler = request.scheduler ?? defaults.scheduler;
  if (scheduler !== undefined && typeof scheduler !== 'string' && (typeof scheduler !== 'object' || scheduler === null)) {
    throw new DiffusionError('unknown-scheduler', `scheduler must be a sampler name or a config object; got ${typeof scheduler}.`);
  }
  if (request.mask !== undefined && request.image === undefined) {
    throw new DiffusionError('invalid-mask', 'A mask needs an image to inpaint; pass `image` too.');
  }
  return {
    prompt: checkText('prompt', request.prompt),
    negativePrompt: request.negativePrompt === undefined ? '' : checkText('negativePrompt', request.negativePrompt),
    width: checkSize('width', request.width ?? defaults.width ?? 512),
    height: checkSize('height', request.height ?? defaults.height ?? 512),
    steps: checkSteps(request.steps ?? defaults.steps ?? 20),
    guidanceScale: checkGuidance(request.guidanceScale ?? defaults.guidanceScale ?? 7.5),
    seed: checkSeed(request.seed),
    scheduler,
    image: request.image,
    mask: request.mask,
    strength: checkStrength(request.strength),
  };
}
