// The responsive layout: on a phone-sized viewport both elements fit its width (no horizontal scrolling), the
// prompt row stacks and the canvas toolbar wraps; on a wide one the prompt row stays side by side.
import { setViewport } from '@web/test-runner-commands';
import { equal, ok } from '../helpers/assert.ts';
import type { DiffusionCanvasElement, PromptBoxElement } from '../../src/elements/index.ts';
import { grey, mount, unmountAll } from './element-helpers.ts';

type Viewport = Parameters<typeof setViewport>[0];

/** The rightmost edge of anything rendered in the element's shadow root. */
function rightmost(element: Element): number {
  return Math.max(...[...element.shadowRoot!.querySelectorAll('*')].map((el) => el.getBoundingClientRect().right));
}

describe('responsive layout', () => {
  afterEach(async () => {
    unmountAll();
    await setViewport({ width: 800, height: 600 } as Viewport);
  });

  it('fits a 360 px wide viewport: the prompt row stacks, the toolbar wraps, nothing scrolls sideways', async () => {
    await setViewport({ width: 360, height: 740 } as Viewport);
    const host = await mount('<prompt-box prompt="a fox"></prompt-box><diffusion-canvas></diffusion-canvas>');
    const box = host.querySelector<PromptBoxElement>('prompt-box')!;
    const canvas = host.querySelector<DiffusionCanvasElement>('diffusion-canvas')!;
    canvas.image = grey(512, 512);
    await canvas.updateComplete;
    equal(getComputedStyle(box.shadowRoot!.querySelector('.row')!).flexDirection, 'column', 'prompt row stacks');
    const toolbar = canvas.shadowRoot!.querySelector('[part="toolbar"]')!;
    const button = toolbar.querySelector('button')!;
    ok(toolbar.getBoundingClientRect().height > button.getBoundingClientRect().height * 1.5, 'the toolbar wraps onto more lines');
    ok(document.documentElement.scrollWidth <= 360, `page width ${document.documentElement.scrollWidth}`);
    for (const element of [box, canvas]) ok(rightmost(element) <= 360 + 0.5, `${element.localName} fits (${rightmost(element)})`);
    ok(canvas.shadowRoot!.querySelector('[part="stage"]')!.getBoundingClientRect().width <= 360, 'the image scales down');
  });

  it('keeps the prompt row side by side on a wide viewport', async () => {
    await setViewport({ width: 1000, height: 700 } as Viewport);
    const box = (await mount('<prompt-box></prompt-box>')).querySelector<PromptBoxElement>('prompt-box')!;
    equal(getComputedStyle(box.shadowRoot!.querySelector('.row')!).flexDirection, 'row');
  });
});
