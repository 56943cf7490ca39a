// DPM++ SDE (diffusers' DPMSolverSDEScheduler) through the public SDK on a tiny fixture, WASM: its two U-Net calls
// per step, its Brownian-tree noise seeded by the request, Karras sigmas, and image-to-image's order-2 slicing.
import { equal, maxAbsDiff, ok } from '../helpers/assert.ts';
import { load, smallRequest, varies } from '../helpers/models.ts';
import type { Progress } from '../../src/sdk/index.ts';
import type { Diffusion } from '../../src/sdk/diffusion.ts';

/** Counts U-Net steps through progress events. */
function stepCounter() {
  const counter = { steps: 0, onProgress: (p: Progress) => { if (p.phase === 'denoise') counter.steps += 1; } };
  return counter;
}

/** A 64x64 gradient with a square. */
function picture(): ImageData {
  const data = new Uint8ClampedArray(64 * 64 * 4);
  for (let y = 0; y < 64; y += 1) for (let x = 0; x < 64; x += 1) {
    const square = x > 16 && x < 40 && y > 20 && y < 44;
    data.set([square ? 230 : x * 3, square ? 40 : y * 3, 128, 255], (y * 64 + x) * 4);
  }
  return new ImageData(data, 64, 64);
}

describe('DPM++ SDE through the SDK (WASM)', () => {
  let diffusion: Diffusion;
  before(async () => { diffusion = await load('web-int64'); });
  after(() => diffusion.dispose());

  it('"DPM++ SDE" runs 2 * steps - 1 U-Net calls and makes a varied image, the same for the same seed', async () => {
    const counter = stepCounter();
    const request = { ...smallRequest, steps: 3, scheduler: 'DPM++ SDE', seed: 11 };
    const a = await diffusion.generate(request, counter);
    equal(counter.steps, 5);
    equal(a.scheduler._class_name, 'DPMSolverSDEScheduler');
    equal(a.scheduler.use_karras_sigmas, false);
    ok(varies(a.image), 'the image is not one flat colour');
    const b = await diffusion.generate(request);
    equal(maxAbsDiff(a.image.data, b.image.data), 0, 'same seed, same pixels');
  });

  it("the request's seed is the Brownian tree's entropy unless the config sets noise_sampler_seed", async () => {
    const byName = await diffusion.generate({ ...smallRequest, steps: 3, scheduler: 'DPM++ SDE', seed: 11 });
    const explicit = { _class_name: 'DPMSolverSDEScheduler', noise_sampler_seed: 11 };
    const byConfig = await diffusion.generate({ ...smallRequest, steps: 3, scheduler: explicit, seed: 11 });
    equal(maxAbsDiff(byName.image.data, byConfig.image.data), 0, 'entropy 11 either way');
    // Same initial latents (seed 11), another tree: the noise of the steps differs.
    const other = await diffusion.generate({ ...smallRequest, steps: 3, scheduler: { ...explicit, noise_sampler_seed: 12 }, seed: 11 });
    ok(maxAbsDiff(byName.image.data, other.image.data) > 0, 'another noise_sampler_seed, other pixels');
  });

  it('"DPM++ SDE Karras" uses Karras sigmas and gives other pixels', async () => {
    const karras = await diffusion.generate({ ...smallRequest, steps: 3, scheduler: 'DPM++ SDE Karras' });
    const plain = await diffusion.generate({ ...smallRequest, steps: 3, scheduler: 'DPM++ SDE' });
    equal(karras.scheduler.use_karras_sigmas, true);
    ok(varies(karras.image));
    ok(maxAbsDiff(karras.image.data, plain.image.data) > 0);
  });

  it('image-to-image at strength 0.5 runs the last 2 of 4 steps (3 U-Net calls), as diffusers slices order-2 runs', async () => {
    const counter = stepCounter();
    const result = await diffusion.generate({ ...smallRequest, steps: 4, image: picture(), strength: 0.5, scheduler: 'DPM++ SDE' }, counter);
    equal(counter.steps, 3);
    ok(varies(result.image));
  });
});
