// Without cross-origin isolation there is no SharedArrayBuffer, so ORT's WASM must run single-threaded.
import { equal, ok } from '../helpers/assert.ts';
import { load, smallRequest, varies } from '../helpers/models.ts';

describe('without cross-origin isolation', () => {
  it('the page is not isolated', () => {
    equal(crossOriginIsolated, false);
  });

  for (const device of ['wasm', 'webgpu'] as const) {
    it(`generates on ${device}`, async () => {
      const diffusion = await load('optimum-fp32', { device });
      try {
        ok(varies((await diffusion.generate(smallRequest)).image));
      } finally {
        await diffusion.dispose();
      }
    });
  }

  it('the dist bundle generates too', async () => {
    const sdk = await import(/* @vite-ignore */ new URL('/dist/index.js', location.href).href);
    const diffusion = await sdk.createDiffusion({ model: new URL('/test/fixtures/models/web-int64/', location.href).href, device: 'wasm' });
    try {
      ok(varies((await diffusion.generate(smallRequest)).image));
    } finally {
      await diffusion.dispose();
    }
  });
});
