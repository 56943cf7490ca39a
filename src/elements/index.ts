/** web-diffusion's elements: importing this module registers `<diffusion-canvas>` and `<prompt-box>`. */
export { DiffusionCanvasElement } from './diffusion-canvas/diffusion-canvas.ts';
export { PromptBoxElement } from './prompt-box/prompt-box.ts';
export {
  DiffusionCompleteEvent, DiffusionErrorEvent, DiffusionMaskChangeEvent, DiffusionProgressEvent, DiffusionSubmitEvent,
  type DiffusionCompleteDetail, type DiffusionErrorDetail, type DiffusionMaskChangeDetail, type GenerationMode, type PromptValue,
} from './events.ts';
export { FALLBACK_SAMPLERS } from './prompt-box/samplers.ts';
export type { MaskTool } from './controllers/mask-painter.ts';
export type { LoadableImage } from './lib/image-io.ts';
export type {
  DiffusionCanvasAttributes, DiffusionCanvasEvents, DiffusionCanvasProps, DiffusionCanvasVueProps, DiffusionElements,
  PromptBoxAttributes, PromptBoxEvents, PromptBoxProps, PromptBoxVueProps,
} from './framework-types.ts';
export * from '../sdk/index.ts';
