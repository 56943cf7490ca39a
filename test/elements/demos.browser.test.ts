// The demo pages work: the plain drop-in page and the Vue page, loaded in an iframe and driven like a user.
// Both build on dist/elements.js (npm test builds dist/ before the browser tests). Without `?model=` every demo uses
// the shapes model shipped in src/models/ (the offline promise); `?model=` picks another, and a model that does not
// arrive is shown with what to do (demo/demo-model.js).
import { sendKeys } from '@web/test-runner-commands';
import { equal, ok } from '../helpers/assert.ts';
import type { DiffusionCanvasElement } from '../../src/elements/index.ts';
import { FIXTURE_MODEL, nextEvent, shownPixels, varies } from './element-helpers.ts';

async function page(url: string): Promise<Document> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width: 800px; height: 900px';
  frame.src = url;
  document.body.append(frame);
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  const doc = frame.contentDocument!;
  await frame.contentWindow!.customElements.whenDefined('diffusion-canvas');
  return doc;
}

/** Polls `check` until it returns a truthy value (real work, no fixed sleeps). */
async function until<T>(check: () => T | undefined | null | false, what: () => string, ms = 60_000): Promise<T> {
  const end = performance.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (performance.now() > end) throw new Error(`timed out: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('demo pages', () => {
  afterEach(() => document.querySelectorAll('iframe').forEach((f) => f.remove()));

  it('1-drop-in.html: only the two tags and the script; type, Enter, an image', async () => {
    const doc = await page('/demo/1-drop-in.html');
    const source = await (await fetch('/demo/1-drop-in.html')).text();
    // The test server injects its own web-socket script into served HTML; the page itself has one.
    // Besides it, one inline script marked "demo only" reads ?model= and ?device=; the integration needs none.
    const scripts = (source.match(/<script[^>]*>/g) ?? []).filter((tag) => !tag.includes('__web-dev-server') && tag.includes('src='));
    equal(scripts.length, 1, `one script file in the page: ${scripts}`);
    ok(source.includes('<script type="module" src="/dist/elements.js"></script>'));
    ok(source.includes('<!-- Demo only'), 'the URL-parameter script is marked as demo only');
    const canvas = doc.querySelector('diffusion-canvas') as DiffusionCanvasElement;
    // Without ?model= the shipped shapes model, and prompts it knows to try.
    equal(canvas.model, 'shapes');
    ok(!canvas.hasAttribute('model'), 'the page sets no model: the element default is shapes');
    equal(canvas.device, 'wasm');
    equal(doc.querySelectorAll('.try button').length, 4, 'four suggested prompts');
    for (const [name, value] of [['width', '64'], ['height', '64'], ['steps', '2']]) canvas.setAttribute(name, value);
    const textarea = doc.querySelector('prompt-box')!.shadowRoot!.querySelector('textarea')!;
    textarea.focus();
    await sendKeys({ type: 'a boat' });
    const done = nextEvent(canvas, 'diffusion-complete');
    await sendKeys({ press: 'Enter' });
    await done;
    ok(varies(shownPixels(canvas)), 'pixels on the canvas');
  });

  it('1-drop-in.html?model=: honoured, and a model that does not arrive says what to do', async () => {
    const doc = await page('/demo/1-drop-in.html?model=/no-such-model/&device=wasm');
    const canvas = doc.querySelector('diffusion-canvas') as DiffusionCanvasElement;
    equal(canvas.model, '/no-such-model/');
    const failed = nextEvent(canvas, 'diffusion-error');
    const textarea = doc.querySelector('prompt-box')!.shadowRoot!.querySelector('textarea')!;
    textarea.focus();
    await sendKeys({ type: 'a boat' });
    await sendKeys({ press: 'Enter' });
    const { detail } = (await failed) as CustomEvent<{ error: { code?: string } }>;
    equal(detail.error.code, 'model-not-found');
    const hint = doc.querySelector<HTMLElement>('.hint')!;
    ok(!hint.hidden && hint.textContent!.includes('?model=shapes'), hint.textContent!);
  });

  it('2-inpainting.html: defaults to the shapes inpainting model, and honours ?model=', async () => {
    let doc = await page('/demo/2-inpainting.html');
    let canvas = doc.querySelector('diffusion-canvas') as DiffusionCanvasElement;
    equal(canvas.model, 'shapes-inpainting');
    equal(canvas.device, 'wasm');
    document.querySelectorAll('iframe').forEach((f) => f.remove());
    doc = await page(`/demo/2-inpainting.html?model=${encodeURIComponent(FIXTURE_MODEL)}&device=webgpu`);
    canvas = doc.querySelector('diffusion-canvas') as DiffusionCanvasElement;
    equal(canvas.model, FIXTURE_MODEL);
    equal(canvas.device, 'webgpu');
  });

  it('3-framework-vue.html: a load failure is shown with what to do, not "Loading the model…" forever', async () => {
    const doc = await page('/demo/3-framework-vue.html?model=/no-such-model/&device=wasm');
    const status = () => doc.querySelector('.status')?.textContent ?? '';
    const button = await until(() => doc.querySelector<HTMLButtonElement>('#app button'), status);
    button.click();
    const shown = await until(() => status().startsWith('Failed') && status(), status);
    ok(shown.includes('model-not-found'), shown);
    ok(shown.includes('?model=shapes'), shown);
  });

  it('3-framework-vue.html: Vue binds the prompt, shares one SDK instance with the canvas, and lists results', async () => {
    // No ?model=: the shapes model, on WASM, by default.
    const doc = await page('/demo/3-framework-vue.html?size=64&steps=2');
    const state = () => doc.body.textContent!.replace(/\s+/g, ' ').slice(0, 300);
    const box = await until(() => doc.querySelector('prompt-box'), state);
    const textarea = await until(() => box.shadowRoot?.querySelector('textarea'), state);
    textarea.focus();
    textarea.select();
    await sendKeys({ type: 'a green apple' });
    equal(doc.querySelector('.mirror')!.textContent, 'a green apple', 'v-on:input reached Vue state');
    await sendKeys({ press: 'Enter' });
    const image = await until(() => doc.querySelector<HTMLImageElement>('.gallery img'), () => `${state()} / ${doc.querySelector('.status')!.textContent}`);
    equal(image.alt, 'a green apple');
    await image.decode();
    equal(image.naturalWidth, 64);
    const canvas = doc.querySelector('diffusion-canvas') as DiffusionCanvasElement;
    ok(canvas.diffusion !== undefined, 'the canvas got the app\'s SDK instance as a property');
    ok(varies(shownPixels(canvas)));
    ok(doc.querySelector('.status')!.textContent!.startsWith('Done'), doc.querySelector('.status')!.textContent!);
  });
});
