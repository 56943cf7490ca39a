/**
 * `<diffusion-canvas>` and `<prompt-box>` in React 18.3+/19 JSX (`jsx: "react-jsx"`), whose `JSX` namespace
 * lives in the `react` module rather than globally. Types only: `import type {} from 'web-diffusion/elements/react';`
 * once in the app, or list `web-diffusion/elements/react` in tsconfig `types`. React stays the app's dependency.
 */
import type { DiffusionCanvasAttributes, PromptBoxAttributes } from 'web-diffusion/elements';

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'diffusion-canvas': DiffusionCanvasAttributes;
      'prompt-box': PromptBoxAttributes;
    }
  }
}
