/** @jsxRuntime classic */
/** @jsx h */
// Classic JSX with the global `JSX` namespace (Preact's classic setup): importing the elements is enough.
import type {} from 'web-diffusion/elements';

declare function h(type: unknown, props: unknown, ...children: unknown[]): JSX.Element;
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface Element {
      readonly type: unknown;
    }
  }
}

export const page = <diffusion-canvas model="sd-turbo" seed={7} guidanceScale={2} ondiffusion-mask-change={(event) => event.detail.painted} />;

// @ts-expect-error seed is a number, not a boolean
export const wrongSeed = <diffusion-canvas seed={true} />;
