/**
 * The elements' events: `Event` subclasses (via `CustomEvent`, so framework listeners read `event.detail`),
 * all named `diffusion-*`, all bubbling and composed so they leave shadow roots. They fire only for user
 * interaction or asynchronous state changes, never for property sets by the owner.
 */
import type { GenerateResult, Progress } from '../sdk/index.ts';
import type { GenerateInput } from '../sdk/index.ts';

const init = { bubbles: true, composed: true } as const;

/** Fired by `<diffusion-canvas>` for every progress report while loading or generating. */
export class DiffusionProgressEvent extends CustomEvent<Progress> {
  /** The event's name. */
  static readonly eventName = 'diffusion-progress';
  constructor(progress: Progress) {
    super(DiffusionProgressEvent.eventName, { ...init, detail: progress });
  }
}

/** What a finished generation reports: the result and the request that made it. */
export interface DiffusionCompleteDetail {
  readonly result: GenerateResult;
  readonly request: GenerateInput;
  /** `text-to-image`, `image-to-image` or `inpainting`. */
  readonly mode: GenerationMode;
  /** With `best-of="N"`: all N results, best first by CLIP score (`result` is the first). */
  readonly candidates?: readonly GenerateResult[];
}

/** Which pipeline a request ran. */
export type GenerationMode = 'text-to-image' | 'image-to-image' | 'inpainting';

/** Fired by `<diffusion-canvas>` when an image is ready and shown. */
export class DiffusionCompleteEvent extends CustomEvent<DiffusionCompleteDetail> {
  /** The event's name. */
  static readonly eventName = 'diffusion-complete';
  constructor(detail: DiffusionCompleteDetail) {
    super(DiffusionCompleteEvent.eventName, { ...init, detail });
  }
}

/** What a failure reports: the error (a `DiffusionError` with a `code` for everything but bugs). */
export interface DiffusionErrorDetail {
  readonly error: Error & { readonly code?: string };
}

/** Fired by `<diffusion-canvas>` when loading or generating fails (not when it is cancelled). */
export class DiffusionErrorEvent extends CustomEvent<DiffusionErrorDetail> {
  /** The event's name. */
  static readonly eventName = 'diffusion-error';
  constructor(error: Error) {
    super(DiffusionErrorEvent.eventName, { ...init, detail: { error } });
  }
}

/** The mask after a stroke, undo, redo or clear made by the user. */
export interface DiffusionMaskChangeDetail {
  /** How many image pixels are painted. */
  readonly painted: number;
  readonly width: number;
  readonly height: number;
}

/** Fired by `<diffusion-canvas>` at the end of each stroke, and after undo, redo or clear from its toolbar or keys. */
export class DiffusionMaskChangeEvent extends CustomEvent<DiffusionMaskChangeDetail> {
  /** The event's name. */
  static readonly eventName = 'diffusion-mask-change';
  constructor(detail: DiffusionMaskChangeDetail) {
    super(DiffusionMaskChangeEvent.eventName, { ...init, detail });
  }
}

/** The request fields a `<prompt-box>` holds; empty fields are left out so model defaults apply. */
export interface PromptValue {
  readonly prompt: string;
  readonly negativePrompt?: string;
  readonly steps?: number;
  readonly guidanceScale?: number;
  readonly width?: number;
  readonly height?: number;
  readonly seed?: number;
  readonly scheduler?: string;
}

/** Fired by `<prompt-box>` on Enter (Shift+Enter types a newline) or its Generate button. */
export class DiffusionSubmitEvent extends CustomEvent<PromptValue> {
  /** The event's name. */
  static readonly eventName = 'diffusion-submit';
  constructor(value: PromptValue) {
    super(DiffusionSubmitEvent.eventName, { ...init, cancelable: true, detail: value });
  }
}

declare global {
  interface HTMLElementEventMap {
    'diffusion-progress': DiffusionProgressEvent;
    'diffusion-complete': DiffusionCompleteEvent;
    'diffusion-error': DiffusionErrorEvent;
    'diffusion-mask-change': DiffusionMaskChangeEvent;
    'diffusion-submit': DiffusionSubmitEvent;
  }
}
