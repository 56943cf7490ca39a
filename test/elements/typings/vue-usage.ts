// Vue: GlobalComponents entries, checked as vue-tsc checks a template (the component's `$props`) and through h().
// Each `@ts-expect-error` is a mistake the typings must catch: tsc fails if one goes unreported.
import { h, type GlobalComponents } from 'vue';
import type {} from 'web-diffusion/elements/vue';
import type { DiffusionCompleteEvent } from 'web-diffusion/elements';

declare const components: GlobalComponents;

/** `<diffusion-canvas ...>` in a template is checked against this. */
type CanvasProps = InstanceType<GlobalComponents['diffusion-canvas']>['$props'];
type BoxProps = InstanceType<GlobalComponents['prompt-box']>['$props'];

export const canvasProps: CanvasProps = {
  model: 'sd-turbo', steps: 4, 'guidance-scale': '7.5', guidanceScale: 7.5, brushSize: 16, tool: 'brush',
  onDiffusionComplete: (event: DiffusionCompleteEvent) => event.detail.result.seed,
  onDiffusionMaskChange: (event) => event.detail.painted,
};
export const boxProps: BoxProps = { for: 'canvas', seed: 7, onDiffusionSubmit: (event) => event.detail.prompt };
export const vnode = h(components['diffusion-canvas'], { model: 'sd-turbo', steps: 4 });

// @ts-expect-error tool is 'brush' or 'eraser'
export const wrongTool: CanvasProps = { tool: 'pencil' };
// @ts-expect-error steps is a number, not an object
export const wrongSteps = h(components['diffusion-canvas'], { steps: { count: 4 } });
