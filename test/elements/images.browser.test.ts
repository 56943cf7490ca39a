// Images in and out of <diffusion-canvas>: loadImage (transparent pixels become the mask), paste and drop start a
// run, outpaint grows the canvas, toBlob, and a shared SDK instance set as a property.
import { deepEqual, equal, ok } from '../helpers/assert.ts';
import { createDiffusion, type DiffusionCanvasElement, type DiffusionCompleteEvent } from '../../src/elements/index.ts';
import { FAST, FIXTURE_MODEL, grey, maskBits, mount, nextEvent, unmountAll, varies } from './element-helpers.ts';

async function canvasEl(): Promise<DiffusionCanvasElement> {
  return (await mount(`<diffusion-canvas ${FAST}></diffusion-canvas>`)).querySelector('diffusion-canvas')!;
}

/** A 64x64 PNG, opaque or with its left half transparent. */
async function png(transparentHalf = true): Promise<Blob> {
  const image = grey(64, 64, 90);
  if (transparentHalf) for (let y = 0; y < 64; y += 1) for (let x = 0; x < 32; x += 1) image.data[(y * 64 + x) * 4 + 3] = 0;
  const canvas = new OffscreenCanvas(64, 64);
  canvas.getContext('2d')!.putImageData(image, 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}

describe('<diffusion-canvas> images', () => {
  afterEach(unmountAll);

  it('loadImage: the transparent half becomes the mask, and the next run inpaints it', async () => {
    const canvas = await canvasEl();
    await canvas.loadImage(await png());
    const bits = maskBits(canvas);
    equal(bits.reduce((a, b) => a + b, 0), 32 * 64, 'painted pixels');
    ok(bits[0] === 1 && bits[63] === 0, 'left painted, right not');
    equal(canvas.image!.data[3], 255, 'the image itself is made opaque');
    const done = nextEvent<DiffusionCompleteEvent>(canvas, 'diffusion-complete');
    await canvas.generate({ prompt: 'fill' });
    equal((await done).detail.mode, 'inpainting');
  });

  it('paste of an image file starts image-to-image with the last prompt', async () => {
    const canvas = await canvasEl();
    canvas.prompt = 'pasted';
    const data = new DataTransfer();
    data.items.add(new File([await png(false)], 'p.png', { type: 'image/png' }));
    const done = nextEvent<DiffusionCompleteEvent>(canvas, 'diffusion-complete');
    canvas.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, composed: true }));
    const { detail } = await done;
    equal(detail.mode, 'image-to-image');
    equal(detail.request.prompt, 'pasted');
  });

  it('drop of an image file starts a run too', async () => {
    const canvas = await canvasEl();
    const data = new DataTransfer();
    data.items.add(new File([await png()], 'd.png', { type: 'image/png' }));
    const done = nextEvent<DiffusionCompleteEvent>(canvas, 'diffusion-complete');
    canvas.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, composed: true, cancelable: true }));
    equal((await done).detail.mode, 'inpainting');
  });

  it('outpaint grows the image, masks exactly the new area, and shows the bigger result', async () => {
    const canvas = await canvasEl();
    await canvas.generate({ prompt: 'start' });
    const done = nextEvent<DiffusionCompleteEvent>(canvas, 'diffusion-complete');
    // 96x96: the fixture U-Net, like many exports, needs latents divisible by its downsampling.
    const result = await canvas.outpaint({ left: 16, right: 16, top: 0, bottom: 32 });
    const { request } = (await done).detail;
    deepEqual([result.image.width, result.image.height], [96, 96]);
    deepEqual([canvas.image!.width, canvas.image!.height], [96, 96]);
    const mask = request.mask as ImageData;
    equal(mask.data[0], 255, 'new left column masked');
    equal(mask.data[(10 * 96 + 20) * 4], 0, 'old area kept');
    equal(mask.data[(80 * 96 + 20) * 4], 255, 'new bottom rows masked');
    ok(varies(result.image));
  });

  it('toBlob gives a PNG of the image', async () => {
    const canvas = await canvasEl();
    await canvas.generate({ prompt: 'blob' });
    const blob = await canvas.toBlob();
    equal(blob.type, 'image/png');
    const bitmap = await createImageBitmap(blob);
    deepEqual([bitmap.width, bitmap.height], [64, 64]);
  });

  it('a shared SDK instance set as a property is used and not disposed', async () => {
    const diffusion = await createDiffusion({ model: FIXTURE_MODEL, device: 'wasm' });
    try {
      const host = await mount('<diffusion-canvas width="64" height="64" steps="1"></diffusion-canvas>');
      const canvas = host.querySelector('diffusion-canvas')!;
      canvas.diffusion = diffusion;
      await canvas.generate({ prompt: 'shared' });
      canvas.remove();
      await new Promise((resolve) => setTimeout(resolve, 0));
      const again = await diffusion.generate({ prompt: 'still alive', width: 64, height: 64, steps: 1 });
      ok(varies(again.image));
    } finally {
      await diffusion.dispose();
    }
  });
});
