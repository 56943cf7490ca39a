// React 19 JSX with the elements (type-checked by test/elements/typings.node.test.ts, never run).
// Each `@ts-expect-error` is a mistake the typings must catch: tsc fails if one goes unreported.
import type {} from 'web-diffusion/elements/react';
import type { DiffusionCompleteEvent } from 'web-diffusion/elements';

export const page = (
  <div>
    <prompt-box for="canvas" steps={4} guidance-scale="7.5" disabled ondiffusion-submit={(event) => event.detail.prompt} />
    <diffusion-canvas id="canvas" model="sd-turbo" steps="4" tool="eraser" brush-size={16} brushSize={16}
      ondiffusion-complete={(event: DiffusionCompleteEvent) => event.detail.result.seed}
      ondiffusion-error={(event) => event.detail.error.code} />
  </div>
);

// @ts-expect-error steps is a number (or a numeric string), not an object
export const wrongType = <diffusion-canvas steps={{ count: 4 }} />;
// @ts-expect-error tool is 'brush' or 'eraser'
export const wrongTool = <diffusion-canvas tool="pencil" />;
// @ts-expect-error a diffusion-complete event's detail has no `message`
export const wrongEvent = <diffusion-canvas ondiffusion-complete={(event) => event.detail.message} />;
