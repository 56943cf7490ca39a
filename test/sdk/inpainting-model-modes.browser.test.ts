// An inpainting (9-channel) U-Net asked for text-to-image or image-to-image works as AUTOMATIC1111 does: a full
// mask, and for text-to-image the latents of a grey picture. The model is diffusers' own export
// (test/fixtures/diffusers/tiny-sd-inpaint), whose U-Net channel axis is symbolic.
import { loadWatched } from '../helpers/models.ts';
import { ok } from '../helpers/assert.ts';
import { createDiffusion, type Progress } from '../../src/sdk/index.ts';
import type { Diffusion } from '../../src/sdk/diffusion.ts';

/** A width x height picture of one RGB colour (fresh each call: request images are transferred to the worker). */
function solid([r, g, b]: readonly number[], width = 64, height = 64): ImageData {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i += 1) data.set([r, g, b, 255], i * 4);
  return new ImageData(data, width, height);
}

/** A gradient with a square, so the VAE has edges to see. */
function picture(width = 64, height = 64): ImageData {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += 1) {
    const square = x > 16 && x < 40 && y > 20 && y < 44;
    data.set([square ? 230 : x * 3, square ? 40 : y * 3, 128, 255], (y * width + x) * 4);
  }
  return new ImageData(data, width, height);
}

/**
 * The largest RGB difference between two images. diffusers' exported VAE encoder draws its own posterior noise
 * in the graph (std 3e-7 here), so two encodes of one picture differ in the last float bits: compare within a level.
 */
function maxGap(a: ImageData, b: ImageData): number {
  let gap = 0;
  for (let i = 0; i < a.data.length; i += 1) if (i % 4 !== 3) gap = Math.max(gap, Math.abs(a.data[i] - b.data[i]));
  return gap;
}

describe('an inpainting model without a mask (wasm)', () => {
  let diffusion: Diffusion;
  const request = { prompt: 'a red fox in the snow', width: 64, height: 64, steps: 4, seed: 5, scheduler: 'DDIM' } as const;
  const white = () => solid([255, 255, 255]);
  before(async () => {
    diffusion = await loadWatched('createDiffusion(tiny-sd-inpaint)', '/test/fixtures/diffusers/tiny-sd-inpaint/', (watch) => createDiffusion({ model: new URL('/test/fixtures/diffusers/tiny-sd-inpaint/', location.href).href, device: 'wasm', ...watch }));
  });
  after(() => diffusion.dispose());

  it('text-to-image: every step runs, as inpainting a grey picture under a full mask from pure noise', async () => {
    let steps = 0;
    const onProgress = (p: Progress) => { if (p.phase === 'denoise') steps += 1; };
    const t2i = await diffusion.generate(request, { onProgress });
    ok(steps === 4, `ran ${steps} steps of 4`);
    const grey = await diffusion.generate({ ...request, image: solid([128, 128, 128]), mask: white(), strength: 1 });
    const gap = maxGap(t2i.image, grey.image);
    ok(gap <= 1, `${gap} levels from the explicit grey, full-mask request`);
  });

  it('image-to-image: the full-mask inpainting of the image at that strength', async () => {
    const i2i = await diffusion.generate({ ...request, image: picture(), strength: 0.6 });
    const full = await diffusion.generate({ ...request, image: picture(), mask: white(), strength: 0.6 });
    const gap = maxGap(i2i.image, full.image);
    ok(gap <= 1, `${gap} levels from the explicit full-mask request`);
    ok(maxGap(i2i.image, picture()) > 3, 'the image was repainted');
  });
});
