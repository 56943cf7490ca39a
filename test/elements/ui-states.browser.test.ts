// Issue 11 items 9 and 10 in <diffusion-canvas> and <prompt-box>: one Cancel button per run, the mask tools only
// once there is an image, `.mask` without a copy per read, and coded DiffusionErrors for every element failure.
import { equal, ok, rejectsWithCode } from '../helpers/assert.ts';
import type { DiffusionCanvasElement, DiffusionProgressEvent, PromptBoxElement } from '../../src/elements/index.ts';
import { FAST, grey, mount, stroke, unmountAll } from './element-helpers.ts';

const visible = (el: Element) => !el.closest('[hidden]') && el.getClientRects().length > 0;
const buttons = (root: Element, text: string) =>
  [...root.shadowRoot!.querySelectorAll('button')].filter((b) => b.textContent!.trim() === text && visible(b));

describe('<diffusion-canvas> UI states', () => {
  afterEach(unmountAll);

  it('shows the mask tools only once there is an image', async () => {
    const canvas = (await mount(`<diffusion-canvas ${FAST}></diffusion-canvas>`)).querySelector<DiffusionCanvasElement>('diffusion-canvas')!;
    equal(buttons(canvas, 'Brush').length, 0, 'no brush before an image');
    ok(!visible(canvas.shadowRoot!.querySelector('[part="toolbar"]')!), 'no toolbar before an image');
    canvas.image = grey(64, 64);
    await canvas.updateComplete;
    equal(buttons(canvas, 'Brush').length, 1, 'brush with an image');
    equal(buttons(canvas, 'Cancel').length, 0, 'no Cancel while idle');
  });

  it('shows exactly one Cancel button while a run from <prompt-box> is going', async () => {
    const host = await mount(`<prompt-box for="c" prompt="one cancel"></prompt-box><diffusion-canvas id="c" ${FAST} steps="200"></diffusion-canvas>`);
    const box = host.querySelector<PromptBoxElement>('prompt-box')!;
    const canvas = host.querySelector<DiffusionCanvasElement>('diffusion-canvas')!;
    const counted = new Promise<number>((resolve) => {
      canvas.addEventListener('diffusion-progress', async ({ detail }: DiffusionProgressEvent) => {
        if (detail.phase !== 'denoise') return;
        await Promise.all([box.updateComplete, canvas.updateComplete]);
        resolve(buttons(box, 'Cancel').length + buttons(canvas, 'Cancel').length);
      });
    });
    box.submit();
    equal(await counted, 1, 'Cancel buttons shown during the run');
    buttons(canvas, 'Cancel')[0]!.click();
  });

  it('.mask is one read-only ImageData until the mask changes', async () => {
    const canvas = (await mount(`<diffusion-canvas ${FAST}></diffusion-canvas>`)).querySelector<DiffusionCanvasElement>('diffusion-canvas')!;
    canvas.image = grey(64, 64);
    await canvas.updateComplete;
    const first = canvas.mask!;
    ok(canvas.mask === first, 'a second read costs no copy');
    const box = canvas.shadowRoot!.querySelector('canvas[part="mask"]')!.getBoundingClientRect();
    stroke(canvas, [[box.width / 2, box.height / 2]]);
    const painted = canvas.mask!;
    ok(painted !== first, 'a stroke gives a new object');
    ok(first.data.every((v, i) => i % 4 === 3 || v === 0), 'the earlier read is not changed by the stroke');
    ok(painted.data.some((v, i) => i % 4 === 0 && v === 255), 'the new read shows the stroke');
    canvas.undo();
    ok(canvas.mask !== painted && canvas.mask!.data.every((v, i) => i % 4 === 3 || v === 0), 'undo gives a new, empty mask');
  });

  it('failures are DiffusionErrors with codes, and the element stays usable', async () => {
    const canvas = (await mount(`<diffusion-canvas ${FAST}></diffusion-canvas>`)).querySelector<DiffusionCanvasElement>('diffusion-canvas')!;
    await rejectsWithCode(canvas.toBlob(), 'invalid-image');
    await rejectsWithCode(canvas.outpaint({ left: 8 }), 'invalid-image');
    const missing = await rejectsWithCode(canvas.loadImage('/test/no-such-image.png'), 'invalid-image');
    equal(missing.details.status, 404);
    await rejectsWithCode(canvas.loadImage(new Blob(['not an image'], { type: 'image/png' })), 'invalid-image');
    await canvas.loadImage(grey(16, 16));
    equal(canvas.image!.width, 16, 'a good image loads afterwards');
    ok((await canvas.toBlob()).size > 0, 'toBlob works with an image');
  });
});
