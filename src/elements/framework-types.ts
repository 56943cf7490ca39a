/**
 * Typings for using the elements in JSX (React, Preact, Solid) and Vue templates. Type-only: importing this
 * module adds nothing to a bundle. Vue users add, in a `.d.ts` of their app:
 *
 * ```ts
 * import type { DiffusionCanvasAttributes, PromptBoxAttributes } from 'web-diffusion/elements';
 * declare module 'vue' {
 *   interface GlobalComponents {
 *     'diffusion-canvas': import('vue').DefineComponent<DiffusionCanvasAttributes>;
 *     'prompt-box': import('vue').DefineComponent<PromptBoxAttributes>;
 *   }
 * }
 * ```
 */
import type { DiffusionCanvasElement } from './diffusion-canvas/diffusion-canvas.component.ts';
import type { PromptBoxElement } from './prompt-box/prompt-box.component.ts';
import type {
  DiffusionCompleteEvent, DiffusionErrorEvent, DiffusionMaskChangeEvent, DiffusionProgressEvent, DiffusionSubmitEvent,
} from './events.ts';

type Numeric = number | `${number}`;

/** `<diffusion-canvas>`'s attributes and event handlers as a framework sees them. */
export interface DiffusionCanvasAttributes {
  id?: string;
  class?: string;
  style?: string | Record<string, string>;
  model?: string;
  device?: 'auto' | 'webgpu' | 'wasm';
  prompt?: string;
  'negative-prompt'?: string;
  width?: Numeric;
  height?: Numeric;
  steps?: Numeric;
  'guidance-scale'?: Numeric;
  scheduler?: string;
  seed?: Numeric;
  strength?: Numeric;
  tool?: 'brush' | 'eraser';
  'brush-size'?: Numeric;
  ref?: unknown;
  onDiffusionProgress?: (event: DiffusionProgressEvent) => void;
  onDiffusionComplete?: (event: DiffusionCompleteEvent) => void;
  onDiffusionError?: (event: DiffusionErrorEvent) => void;
  onDiffusionMaskChange?: (event: DiffusionMaskChangeEvent) => void;
  children?: unknown;
}

/** `<prompt-box>`'s attributes and event handlers as a framework sees them. */
export interface PromptBoxAttributes {
  id?: string;
  class?: string;
  style?: string | Record<string, string>;
  for?: string;
  name?: string;
  disabled?: boolean;
  placeholder?: string;
  prompt?: string;
  'negative-prompt'?: string;
  steps?: Numeric;
  'guidance-scale'?: Numeric;
  width?: Numeric;
  height?: Numeric;
  seed?: Numeric;
  scheduler?: string;
  ref?: unknown;
  onInput?: (event: Event) => void;
  onChange?: (event: Event) => void;
  onDiffusionSubmit?: (event: DiffusionSubmitEvent) => void;
  children?: unknown;
}

/** The element classes, for `ref` typings. */
export type DiffusionElements = { 'diffusion-canvas': DiffusionCanvasElement; 'prompt-box': PromptBoxElement };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'diffusion-canvas': DiffusionCanvasAttributes;
      'prompt-box': PromptBoxAttributes;
    }
  }
}
