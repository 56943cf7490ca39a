// The drop-in promise end to end with the fixture model: type a prompt, press Enter, an image appears; paint a
// mask, press Enter, the image is inpainted. Keystrokes are real (the runner's sendKeys through Chromium).
import { sendKeys } from '@web/test-runner-commands';
import { deepEqual, equal, ok } from '../helpers/assert.ts';
import type { DiffusionCanvasElement, DiffusionCompleteEvent, DiffusionErrorEvent, PromptBoxElement } from '../../src/elements/index.ts';
import { FAST, mount, nextEvent, recordEvents, shownPixels, stroke, unmountAll, varies } from './element-helpers.ts';

async function dropIn(): Promise<{ box: PromptBoxElement; canvas: DiffusionCanvasElement }> {
  const host = await mount(`<prompt-box for="canvas"></prompt-box><diffusion-canvas id="canvas" ${FAST}></diffusion-canvas>`);
  return { box: host.querySelector('prompt-box')!, canvas: host.querySelector('diffusion-canvas')! };
}

describe('drop-in <prompt-box for> + <diffusion-canvas>', () => {
  afterEach(unmountAll);

  it('type, Enter, an image appears; paint a mask, Enter, the image is inpainted', async () => {
    const { box, canvas } = await dropIn();
    const events = recordEvents(canvas, ['diffusion-progress', 'diffusion-complete', 'diffusion-error', 'diffusion-mask-change']);
    box.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ type: 'a red fox' });
    equal(box.prompt, 'a red fox', 'typed prompt');
    const first = nextEvent<DiffusionCompleteEvent>(canvas, 'diffusion-complete');
    await sendKeys({ press: 'Enter' });
    equal(box.prompt, 'a red fox', 'Enter did not add a newline');
    ok(canvas.busy, 'busy right after Enter');
    equal(canvas.shadowRoot!.querySelector('[part="base"]')!.getAttribute('aria-busy'), 'true', 'aria-busy while generating');
    const done = await first;
    equal(done.detail.mode, 'text-to-image');
    equal(done.detail.request.prompt, 'a red fox');
    const before = shownPixels(canvas);
    equal(before.width, 64);
    ok(varies(before), 'the canvas shows an image');
    deepEqual([...before.data.slice(0, 64)], [...done.detail.result.image.data.slice(0, 64)], 'shown = result');
    await canvas.updateComplete;
    equal(canvas.shadowRoot!.querySelector('[part="base"]')!.getAttribute('aria-busy'), 'false');
    ok(canvas.shadowRoot!.querySelector('[role="status"]')!.textContent!.includes('Image ready'), 'status announced');

    const css = canvas.shadowRoot!.querySelector('canvas[part="mask"]')!.getBoundingClientRect();
    stroke(canvas, [[css.width * 0.25, css.height * 0.25], [css.width * 0.6, css.height * 0.6]]);
    const painted = canvas.mask!;
    const second = nextEvent<DiffusionCompleteEvent>(canvas, 'diffusion-complete');
    box.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ press: 'Enter' });
    const inpainted = await second;
    equal(inpainted.detail.mode, 'inpainting');
    ok(inpainted.detail.request.mask !== undefined && inpainted.detail.request.image !== undefined, 'image and mask sent');
    const sent = inpainted.detail.request.mask as ImageData;
    equal(sent.data.length, painted.data.length, 'the mask in the detail is intact (not transferred away)');
    ok(sent.width === 64 && sent.data.every((v, k) => v === painted.data[k]), 'the mask sent is exactly the painted pixels');
    const after = shownPixels(canvas);
    // Far from the stroke the image is kept (the SDK composites outside the feathered mask).
    const i = (60 * 64 + 2) * 4;
    deepEqual([...after.data.slice(i, i + 3)], [...before.data.slice(i, i + 3)], 'unmasked corner kept');
    ok(after.data.some((v, k) => v !== before.data[k]), 'masked area changed');
    const names = new Set(events.map((e) => e.type));
    ok(names.has('diffusion-progress') && names.has('diffusion-mask-change') && !names.has('diffusion-error'), [...names].join());
    for (const e of events) ok(e.bubbles && e.composed, `${e.type} bubbles and is composed`);
  });

  it('every progress event carries the SDK progress; denoise counts steps', async () => {
    const { canvas } = await dropIn();
    const events = recordEvents(canvas, ['diffusion-progress']);
    await canvas.generate({ prompt: 'x' });
    const phases = events.map((e) => (e as CustomEvent<{ phase: string }>).detail.phase);
    ok(phases.includes('ready') && phases.includes('encode') && phases.includes('decode'), phases.join());
    const steps = events.map((e) => (e as CustomEvent<{ phase: string; step?: number; totalSteps?: number }>).detail).filter((d) => d.phase === 'denoise');
    deepEqual(steps.map((d) => [d.step, d.totalSteps]), [[1, 2], [2, 2]]);
  });

  it('cancel() mid-run rejects with AbortError, fires no error, and the next run works', async () => {
    const { canvas } = await dropIn();
    await canvas.generate({ prompt: 'warm up' });
    const errors = recordEvents(canvas, ['diffusion-error']);
    let cancelledAt = 0;
    canvas.addEventListener('diffusion-progress', (e) => {
      const detail = (e as CustomEvent<{ phase: string; step: number }>).detail;
      if (detail.phase === 'denoise' && !cancelledAt) {
        cancelledAt = detail.step;
        canvas.cancel();
      }
    });
    const run = canvas.generate({ prompt: 'cancel me', steps: 200 });
    const error = await run.then(() => undefined, (e: Error) => e);
    equal(error?.name, 'AbortError');
    ok(cancelledAt > 0 && cancelledAt < 200, `cancelled at step ${cancelledAt}`);
    equal(errors.length, 0);
    await canvas.updateComplete;
    ok(!canvas.busy);
    ok(canvas.shadowRoot!.querySelector('[role="status"]')!.textContent!.includes('Cancelled'));
    const result = await canvas.generate({ prompt: 'again' });
    ok(varies(result.image));
  });

  it('an unknown model shows an error state with the message and fires diffusion-error', async () => {
    const host = await mount('<diffusion-canvas model="/test/fixtures/models/does-not-exist/" device="wasm"></diffusion-canvas>');
    const canvas = host.querySelector('diffusion-canvas')!;
    const event = nextEvent<DiffusionErrorEvent>(canvas, 'diffusion-error');
    const rejected = await canvas.generate({ prompt: 'x' }).then(() => undefined, (e: Error & { code?: string }) => e);
    const { detail } = await event;
    equal(detail.error, rejected, 'the event carries the rejection');
    ok(typeof detail.error.code === 'string' && detail.error.code.length > 0, `coded error (${detail.error.code})`);
    await canvas.updateComplete;
    const shown = canvas.shadowRoot!.querySelector<HTMLElement>('[part="error"]')!;
    ok(!shown.hidden, 'error part visible');
    equal(shown.textContent, detail.error.message);
    ok(canvas.matches(':state(error)'), ':state(error)');
  });

  it('invalid attribute values are ignored with a console warning and the default kept', async () => {
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      const host = await mount('<diffusion-canvas steps="-3" seed="abc" brush-size="0" tool="pencil" device="gpu" width="100"></diffusion-canvas>'
        + '<prompt-box steps="0" seed="1.5" guidance-scale="x"></prompt-box>');
      const canvas = host.querySelector('diffusion-canvas')!;
      const box = host.querySelector('prompt-box')!;
      deepEqual([canvas.steps, canvas.seed, canvas.brushSize, canvas.tool, canvas.device, canvas.width], [undefined, undefined, 32, 'brush', 'auto', undefined]);
      deepEqual([box.steps, box.seed, box.guidanceScale], [undefined, undefined, undefined]);
      equal(warnings.length, 9, warnings.join('\n'));
      ok(warnings.some((w) => w.includes('steps="-3"') && w.includes('<diffusion-canvas>')), warnings[0]);
      ok(warnings.some((w) => w.includes('seed="abc"')), 'names the bad text');
      canvas.setAttribute('steps', '4');
      await canvas.updateComplete;
      canvas.setAttribute('steps', '-1');
      await canvas.updateComplete;
      equal(canvas.steps, 4, 'a later bad value keeps the previous good one');
    } finally {
      console.warn = original;
    }
  });

  it('user text is never rendered as HTML', async () => {
    const host = await mount('<prompt-box prompt="<img src=x onerror=alert(1)>"></prompt-box><diffusion-canvas></diffusion-canvas>');
    const box = host.querySelector('prompt-box')!;
    const canvas = host.querySelector('diffusion-canvas')!;
    equal(box.shadowRoot!.querySelector('img'), null);
    equal(box.shadowRoot!.querySelector('textarea')!.value, '<img src=x onerror=alert(1)>');
    await canvas.generate({ prompt: 'x' }).catch(() => undefined);
    await canvas.updateComplete;
    equal(canvas.shadowRoot!.querySelector('img'), null);
  });
});
