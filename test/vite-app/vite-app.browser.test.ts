// The package in a Vite app (issue 11.2): test/vite-app imports `web-diffusion` by name, `vite build` bundles it with
// its worker and onnxruntime-web's WASM, and the built page generates with the tiny model in Chromium.
// `npm run test:vite` installs Vite there, builds, and runs this file; without a build (the plain suite) it skips.
import { equal, ok } from '../helpers/assert.ts';

interface Generated { seed: number; image: ImageData; textEmbedding: Float32Array }

describe('a Vite app', () => {
  it('built with vite build, generates an image with the tiny model and embeds a text with a tiny CLIP', async function () {
    this.timeout(120_000);
    const page = await fetch('/test/vite-app/dist/index.html');
    const text = page.ok ? await page.text() : '';
    if (!text.includes('assets/')) this.skip(); // not built: run `npm run test:vite`
    const frame = document.createElement('iframe');
    frame.src = '/test/vite-app/dist/index.html?device=wasm';
    document.body.append(frame);
    try {
      await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
      const view = frame.contentWindow as Window & { generated: Promise<Generated> };
      const result = await view.generated;
      equal(result.seed, 42);
      const pixels = result.image.data;
      ok(pixels.some((v, i) => i % 4 !== 3 && v !== pixels[0]), 'the image varies');
      ok(Math.abs(Math.hypot(...result.textEmbedding) - 1) < 1e-5, 'createClip, from its own chunk, embeds a text');
      ok(frame.contentDocument!.querySelector('#status')!.textContent!.startsWith('Done'));
    } finally {
      frame.remove();
    }
  });
});
