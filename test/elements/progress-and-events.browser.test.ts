// What the list asks of progress and events, beyond the drop-in run: the download bar with bytes in the
// `progress` part on a cold cache, a slotted replacement hiding it, every event reaching the document through an
// enclosing shadow root as its exported class, and no event at all for property sets and method calls by the owner.
import { equal, ok } from '../helpers/assert.ts';
import { clearModelCache } from '../helpers/models.ts';
import {
  DiffusionCompleteEvent, DiffusionErrorEvent, DiffusionMaskChangeEvent, DiffusionProgressEvent,
  type DiffusionCanvasElement, type PromptBoxElement,
} from '../../src/elements/index.ts';
import { FAST, FIXTURE_MODEL, grey, mount, recordEvents, stroke, unmountAll } from './element-helpers.ts';

const NAMES = ['diffusion-progress', 'diffusion-complete', 'diffusion-error', 'diffusion-mask-change', 'diffusion-submit', 'input', 'change'];

describe('<diffusion-canvas> progress and events', () => {
  afterEach(unmountAll);

  it('a cold load shows a progress bar with bytes in the progress part, gone when done', async () => {
    await clearModelCache();
    const canvas = (await mount(`<diffusion-canvas ${FAST}></diffusion-canvas>`)).querySelector<DiffusionCanvasElement>('diffusion-canvas')!;
    const shown: { max: number; value: number; text: string; total: number }[] = [];
    canvas.addEventListener('diffusion-progress', (event) => {
      const progress = (event as DiffusionProgressEvent).detail;
      if (progress.phase !== 'download') return;
      // The bar is rendered from the summary the element folded in before firing: read it after the update.
      void canvas.updateComplete.then(() => {
        const part = canvas.shadowRoot!.querySelector('[part="progress"]');
        const bar = part?.querySelector('progress');
        if (part && bar) shown.push({ max: bar.max, value: bar.value, text: part.textContent!.trim(), total: progress.total ?? 0 });
      });
    });
    await canvas.generate({ prompt: 'x' });
    ok(shown.length > 0, 'the bar was shown while downloading');
    const last = shown[shown.length - 1];
    ok(last.max > 1 && last.value > 0 && last.value <= last.max, `bar ${last.value}/${last.max}`);
    ok(/^\d+(\.\d+)? (B|kB|MB) of \d+(\.\d+)? (B|kB|MB)$/.test(last.text), `bytes shown: "${last.text}"`);
    await canvas.updateComplete;
    equal(canvas.shadowRoot!.querySelector('[part="progress"]'), null, 'no progress once the image is shown');
  });

  it('content in the progress slot replaces the default bar', async () => {
    const host = await mount(`<diffusion-canvas ${FAST}><p slot="progress" id="mine">Working…</p></diffusion-canvas>`);
    const canvas = host.querySelector<DiffusionCanvasElement>('diffusion-canvas')!;
    let checked = false;
    canvas.addEventListener('diffusion-progress', () => {
      if (checked) return;
      checked = true;
      const slot = canvas.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="progress"]')!;
      equal(slot.assignedElements()[0]?.id, 'mine');
      const fallback = canvas.shadowRoot!.querySelector('[part="progress"]');
      ok(!fallback || fallback.getClientRects().length === 0, 'the default bar is not rendered');
    });
    await canvas.generate({ prompt: 'x' });
    ok(checked);
  });

  it('every event reaches the document through an enclosing shadow root, as its exported class', async () => {
    const outer = (await mount('<section></section>')).querySelector('section')!;
    const root = outer.attachShadow({ mode: 'open' });
    root.innerHTML = `<diffusion-canvas ${FAST}></diffusion-canvas>`;
    const canvas = root.querySelector<DiffusionCanvasElement>('diffusion-canvas')!;
    await canvas.updateComplete;
    // composedPath() is empty once dispatch is over: note the origin while it runs.
    const seen: Event[] = [];
    const fromCanvas = new Set<Event>();
    const listening = new AbortController();
    const note = (e: Event) => {
      seen.push(e);
      if (e.composedPath().includes(canvas)) fromCanvas.add(e);
    };
    for (const name of NAMES) document.addEventListener(name, note, { signal: listening.signal });
    await canvas.generate({ prompt: 'x' });
    stroke(canvas, [[10, 10], [40, 40]]);
    canvas.model = '/test/fixtures/models/does-not-exist/';
    await canvas.generate({ prompt: 'x' }).catch(() => undefined);
    const classes = { 'diffusion-progress': DiffusionProgressEvent, 'diffusion-complete': DiffusionCompleteEvent, 'diffusion-mask-change': DiffusionMaskChangeEvent, 'diffusion-error': DiffusionErrorEvent };
    for (const [name, type] of Object.entries(classes)) {
      const event = seen.find((e) => e.type === name);
      ok(event instanceof type && event instanceof Event, `${name} arrives as ${type.name}`);
      ok(event.bubbles && event.composed && fromCanvas.has(event), `${name} bubbles, is composed, comes from the canvas`);
    }
    const complete = seen.find((e) => e.type === 'diffusion-complete') as DiffusionCompleteEvent;
    ok(complete.detail.result.image instanceof ImageData && typeof complete.detail.result.seed === 'number', 'complete: result');
    equal(complete.detail.mode, 'text-to-image');
    const error = seen.find((e) => e.type === 'diffusion-error') as DiffusionErrorEvent;
    ok(typeof error.detail.error.code === 'string', 'error: coded');
    listening.abort();
  });

  it('fires nothing for property sets and method calls by the owner', async () => {
    const host = await mount('<prompt-box></prompt-box><diffusion-canvas></diffusion-canvas>');
    const canvas = host.querySelector<DiffusionCanvasElement>('diffusion-canvas')!;
    const box = host.querySelector<PromptBoxElement>('prompt-box')!;
    const seen = recordEvents(host, NAMES);
    canvas.image = grey(64, 64);
    Object.assign(canvas, { tool: 'eraser', brushSize: 12, prompt: 'p', steps: 3, seed: 5, strength: 0.5, model: FIXTURE_MODEL });
    await canvas.loadImage(grey(64, 64, 30));
    canvas.clearMask();
    canvas.undo();
    canvas.redo();
    Object.assign(box, { prompt: 'a fox', steps: 4, seed: 9, scheduler: 'Euler', disabled: true });
    box.randomizeSeed();
    await Promise.all([canvas.updateComplete, box.updateComplete]);
    equal(seen.map((e) => e.type).join(), '', 'no events');
  });
});
