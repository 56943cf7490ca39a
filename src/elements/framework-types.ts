/**
 * Typings for the elements in JSX and Vue templates. Type-only: importing this module adds nothing to a bundle.
 *
 * - JSX with a global `JSX` namespace (Preact, classic runtimes): importing `web-diffusion/elements` is enough.
 * - React 18.3+/19 (`jsx: "react-jsx"`, where `JSX` lives in the `react` module):
 *   `import type {} from 'web-diffusion/elements/react';` once in the app (or add it to tsconfig `types`).
 * - Vue (`vue-tsc`, `h()`): `import type {} from 'web-diffusion/elements/vue';` adds `GlobalComponents` entries.
 *
 * Event props differ by framework: React 19 and Preact add a listener for the exact name after `on`
 * (`ondiffusion-complete`), Vue hyphenates camelCase (`onDiffusionComplete`, i.e. `@diffusion-complete`).
 */
import type { Diffusion } from '../sdk/index.ts';
import type { DiffusionCanvasElement } from './diffusion-canvas/diffusion-canvas.component.ts';
import type { PromptBoxElement } from './prompt-box/prompt-box.component.ts';
import type {
  DiffusionCompleteEvent, DiffusionErrorEvent, DiffusionMaskChangeEvent, DiffusionProgressEvent, DiffusionSubmitEvent,
} from './events.ts';

type Numeric = number | `${number}`;

/** `'guidance-scale'` as `'guidanceScale'`. */
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

/** Every key also in camelCase: frameworks set attributes by their kebab-case names and properties by camelCase. */
type BothCases<A> = A & { [K in keyof A as K extends string ? Camel<K> : K]: A[K] };

/** `<diffusion-canvas>`'s attributes, and its properties that frameworks may set (`diffusion`, `image`). */
export interface DiffusionCanvasProps {
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
  diffusion?: Diffusion;
  image?: ImageData;
}

/** `<prompt-box>`'s attributes, and its `samplers` property. */
export interface PromptBoxProps {
  for?: string;
  htmlFor?: string;
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
  samplers?: readonly string[];
}

/** The events each element fires, by name. */
export interface DiffusionCanvasEvents {
  'diffusion-progress': DiffusionProgressEvent;
  'diffusion-complete': DiffusionCompleteEvent;
  'diffusion-error': DiffusionErrorEvent;
  'diffusion-mask-change': DiffusionMaskChangeEvent;
}
/** The events `<prompt-box>` fires, by name (`input` and `change` are the native ones). */
export interface PromptBoxEvents {
  'diffusion-submit': DiffusionSubmitEvent;
  input: Event;
  change: Event;
}

/** JSX (React 19, Preact): `on` + the exact event name. */
type JsxEvents<E> = { [K in keyof E as `on${K & string}`]?: (event: E[K]) => void };
/** Vue: `on` + the camelCased name, which Vue hyphenates back (`onDiffusionComplete` = `@diffusion-complete`). */
type VueEvents<E> = { [K in keyof E as `on${Capitalize<Camel<K & string>>}`]?: (event: E[K]) => void };

/** What JSX allows on any element here. */
interface JsxCommon {
  id?: string;
  class?: string;
  className?: string;
  style?: string | Record<string, string | number>;
  slot?: string;
  hidden?: boolean;
  key?: string | number;
  ref?: unknown;
  children?: unknown;
}

/** `<diffusion-canvas>` in JSX. */
export type DiffusionCanvasAttributes = BothCases<DiffusionCanvasProps> & JsxEvents<DiffusionCanvasEvents> & JsxCommon;
/** `<prompt-box>` in JSX. */
export type PromptBoxAttributes = BothCases<PromptBoxProps> & JsxEvents<PromptBoxEvents> & JsxCommon;
/** `<diffusion-canvas>`'s props in Vue (class, style, key and ref are Vue's own). */
export type DiffusionCanvasVueProps = BothCases<DiffusionCanvasProps> & VueEvents<DiffusionCanvasEvents>;
/** `<prompt-box>`'s props in Vue. */
export type PromptBoxVueProps = BothCases<PromptBoxProps> & VueEvents<PromptBoxEvents>;

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
