// Step previews: the SDK's denoise progress carries a latent-to-RGB ImageData at an eighth of the size only when
// the request asks (`previews: true`), and <diffusion-canvas> asks for them and draws them while it denoises.
import { equal, ok } from '../helpers/assert.ts';
import { load } from '../helpers/models.ts';
import type { DiffusionCanvasElement, DiffusionProgressEvent, Progress } from '../../src/elements/index.ts';
import { FAST, grey, mount, shownPixels, unmountAll, varies } from './element-helpers.ts';

type Denoise = Extract<Progress, { phase: 'denoise' }>;
const denoiseReports = (all: Progress[]) => all.filter((p): p is Denoise => p.phase === 'denoise');

describe('step previews', () => {
  afterEach(unmountAll);

  it('the SDK adds a width/8 x height/8 preview to each denoise report only when asked', async () => {
    const diffusion = await load('web-int64', { device: 'wasm' });
    try {
      const seen: Progress[] = [];
      const request = { prompt: 'a fox', width: 128, height: 64, steps: 3, seed: 1, scheduler: 'Euler' };
      await diffusion.generate({ ...request, previews: true }, { onProgress: (p) => seen.push(p) });
      const steps = denoiseReports(seen);
      equal(steps.length, 3, 'one report per step');
      for (const { preview, step } of steps) {
        ok(preview instanceof ImageData, `step ${step} has a preview`);
        equal(preview.width, 16, 'width / 8');
        equal(preview.height, 8, 'height / 8');
        ok(preview.data.every((v, i) => i % 4 !== 3 || v === 255), 'opaque');
      }
      ok(varies(steps[2].preview!), 'the last preview is not flat');

      const plain: Progress[] = [];
      await diffusion.generate(request, { onProgress: (p) => plain.push(p) });
      ok(denoiseReports(plain).length === 3 && denoiseReports(plain).every((p) => !('preview' in p)), 'no previews by default');
    } finally {
      await diffusion.dispose();
    }
  });

  it('previews come with a 9-channel inpainting U-Net and an alpha-based sampler too', async () => {
    const diffusion = await load('inpaint-9ch', { device: 'wasm' });
    try {
      const mask = grey(64, 64, 0);
      for (let i = 0; i < mask.data.length / 2; i += 4) mask.data.fill(255, i, i + 3);
      const seen: Progress[] = [];
      const request = { prompt: 'a fox', image: grey(64, 64), mask, steps: 2, seed: 3, scheduler: 'DDIM', previews: true };
      await diffusion.generate(request, { onProgress: (p) => seen.push(p) });
      const steps = denoiseReports(seen);
      ok(steps.length === 2 && steps.every((p) => p.preview?.width === 8 && p.preview.height === 8), 'an 8x8 preview per step');
    } finally {
      await diffusion.dispose();
    }
  });

  it('<diffusion-canvas> draws each preview while denoising, then the image', async () => {
    const canvas = (await mount(`<diffusion-canvas ${FAST}></diffusion-canvas>`)).querySelector<DiffusionCanvasElement>('diffusion-canvas')!;
    const drawn: boolean[] = [];
    canvas.addEventListener('diffusion-progress', (event) => {
      const progress = (event as DiffusionProgressEvent).detail;
      if (progress.phase !== 'denoise') return;
      equal(progress.preview?.width, 8, 'an 8x8 preview for 64x64');
      // Nothing was on the canvas before this run, so any opaque pixel is the preview.
      drawn.push(shownPixels(canvas).data[3] === 255);
    });
    const result = await canvas.generate({ prompt: 'x' });
    equal(drawn.length, 2, 'two steps');
    ok(drawn.every(Boolean), 'each preview was drawn when its progress event fired');
    equal(shownPixels(canvas).data.join(), result.image.data.join(), 'the final image replaces the preview');
  });

  it('a cancelled run puts the previous image back over its preview', async () => {
    const canvas = (await mount(`<diffusion-canvas ${FAST}></diffusion-canvas>`)).querySelector<DiffusionCanvasElement>('diffusion-canvas')!;
    canvas.image = grey(64, 64, 90);
    await canvas.updateComplete;
    let previewShown = false;
    canvas.addEventListener('diffusion-progress', (event) => {
      const progress = (event as DiffusionProgressEvent).detail;
      if (progress.phase !== 'denoise' || progress.step !== 1) return;
      previewShown = shownPixels(canvas).data[0] !== 90;
      canvas.cancel();
    });
    // 200 steps: the cancel message reaches the worker long before the last one.
    const outcome = await canvas.generate({ prompt: 'x', strength: 1, steps: 200 }).then(() => 'done', (e: Error) => e.name);
    equal(outcome, 'AbortError');
    ok(previewShown, 'the preview replaced the grey image during the run');
    ok(shownPixels(canvas).data.every((v, i) => v === (i % 4 === 3 ? 255 : 90)), 'grey again after cancelling');
  });
});
