// LCM U-Nets distilled with guidance (a `timestep_cond` input): the guidance scale goes in as an embedding,
// there is no unconditional pass, and the folder's LCMScheduler and diffusers' LCM defaults apply. WASM and WebGPU.
import { deepEqual, equal, ok } from '../helpers/assert.ts';
import { load, smallRequest, varies } from '../helpers/models.ts';
import type { Diffusion } from '../../src/sdk/diffusion.ts';

const same = (a: ImageData, b: ImageData) => a.data.every((v, i) => v === b.data[i]);

describe('LCM with timestep_cond', () => {
  let diffusion: Diffusion;
  before(async () => { diffusion = await load('lcm-cond'); });
  after(() => diffusion.dispose());

  it("takes diffusers' LCM defaults (4 steps, guidance 8.5) and the folder's LCMScheduler", async () => {
    deepEqual(diffusion.model.defaults, { steps: 4, guidanceScale: 8.5 });
    let steps = 0;
    const result = await diffusion.generate({ prompt: 'a red fox', width: 64, height: 64, seed: 1 }, { onProgress: (p) => { if (p.phase === 'denoise') steps += 1; } });
    equal(steps, 4);
    equal(result.scheduler._class_name, 'LCMScheduler');
    ok(varies(result.image));
  });

  it('the guidance scale reaches the U-Net as its embedding', async () => {
    const low = await diffusion.generate({ ...smallRequest, guidanceScale: 1.5 });
    const high = await diffusion.generate({ ...smallRequest, guidanceScale: 8.5 });
    const again = await diffusion.generate({ ...smallRequest, guidanceScale: 8.5 });
    ok(!same(low.image, high.image), 'a different w gives a different image');
    ok(same(high.image, again.image), 'and the same w the same image');
  });

  it('runs no unconditional branch: the negative prompt changes nothing', async () => {
    const plain = await diffusion.generate({ ...smallRequest, guidanceScale: 8.5 });
    const negative = await diffusion.generate({ ...smallRequest, guidanceScale: 8.5, negativePrompt: 'blurry, grey' });
    ok(same(plain.image, negative.image));
  });

  it('runs on WebGPU as on WASM', async () => {
    const gpu = await load('lcm-cond', { device: 'webgpu' });
    try {
      const request = { ...smallRequest, steps: 1, guidanceScale: 4 };
      const [a, b] = [await gpu.generate(request), await diffusion.generate(request)];
      let worst = 0;
      a.image.data.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - b.image.data[i])); });
      ok(worst <= 1, `max difference ${worst}`);
    } finally {
      await gpu.dispose();
    }
  });
});
