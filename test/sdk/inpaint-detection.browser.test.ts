// A diffusers export of an inpainting model (symbolic channel axis, model_index.json naming the plain pipeline)
// is found to be one from its U-Net's first convolution (issue 12.3).
import { equal, ok } from '../helpers/assert.ts';
import { load, smallRequest, varies } from '../helpers/models.ts';

describe('inpainting detection from the graph', () => {
  it('inpaint-9ch-diffusers loads as a 9-channel model and inpaints', async () => {
    const diffusion = await load('inpaint-9ch-diffusers');
    try {
      equal(diffusion.model.unetChannels, 9, 'unetChannels');
      const image = new ImageData(64, 64);
      image.data.fill(128);
      const mask = new ImageData(64, 64);
      mask.data.fill(255);
      ok(varies((await diffusion.generate({ ...smallRequest, image, mask })).image), 'the image varies');
    } finally {
      await diffusion.dispose();
    }
  });
});
