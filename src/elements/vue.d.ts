/**
 * `<diffusion-canvas>` and `<prompt-box>` in Vue templates (`vue-tsc`) and `h()`: `GlobalComponents` entries.
 * Types only: `import type {} from 'web-diffusion/elements/vue';` once in the app. Vue must also be told that
 * they are custom elements (`compilerOptions.isCustomElement: (tag) => tag === 'diffusion-canvas' || tag === 'prompt-box'`).
 */
import type { DefineComponent } from 'vue';
import type { DiffusionCanvasVueProps, PromptBoxVueProps } from 'web-diffusion/elements';

declare module 'vue' {
  interface GlobalComponents {
    'diffusion-canvas': DefineComponent<DiffusionCanvasVueProps>;
    'prompt-box': DefineComponent<PromptBoxVueProps>;
  }
}
