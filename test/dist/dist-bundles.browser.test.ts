// The built bundles work from a plain <script type="module"> with no bundler: the SDK bundle finds worker.js
// beside it, and the worker finds onnxruntime-web's .wasm beside itself.
import { equal, ok } from '../helpers/assert.ts';
import { modelUrl, smallRequest, varies } from '../helpers/models.ts';
import { clipUrl } from '../sdk/clip-helpers.ts';

interface DistSdk {
  createDiffusion(options: { model: string; device: string }): Promise<{
    generate(request: object): Promise<{ image: ImageData }>;
    generateBatch(request: object, count: number): Promise<{ image: ImageData; seed: number }[]>;
    invert(request: object): Promise<{ latents: Float32Array }>;
    dispose(): Promise<void>;
    model: { device: string };
  }>;
}

describe('dist/ bundles', () => {
  it('dist/index.js generates with the worker and wasm beside it', async () => {
    const sdk = (await import(/* @vite-ignore */ new URL('/dist/index.js', location.href).href)) as DistSdk;
    for (const device of ['wasm', 'webgpu']) {
      const diffusion = await sdk.createDiffusion({ model: modelUrl('web-int64'), device });
      try {
        equal(diffusion.model.device, device);
        const result = await diffusion.generate(smallRequest);
        ok(varies(result.image));
      } finally {
        await diffusion.dispose();
      }
    }
  });

  it('dist/elements.js and dist/index.js share one SDK: one DiffusionError class, one createDiffusion', async () => {
    const at = (file: string) => new URL(file, location.href).href;
    const sdk = (await import(/* @vite-ignore */ at('/dist/index.js'))) as Record<string, unknown>;
    const elements = (await import(/* @vite-ignore */ at('/dist/elements.js'))) as Record<string, unknown>;
    ok(elements.DiffusionError === sdk.DiffusionError, 'the same DiffusionError class');
    ok(elements.createDiffusion === sdk.createDiffusion, 'the same createDiffusion');
    ok(customElements.get('diffusion-canvas') !== undefined, 'importing elements.js defines <diffusion-canvas>');
  });

  it('dist/index.js finds the shipped shapes model (src/models/ beside dist/) by its preset name', async () => {
    const sdk = (await import(/* @vite-ignore */ new URL('/dist/index.js', location.href).href)) as DistSdk;
    const diffusion = await sdk.createDiffusion({ model: 'shapes', device: 'wasm' });
    try {
      const result = await diffusion.generate({ prompt: 'a red circle on a blue background', steps: 2, seed: 1 });
      equal(result.image.width, 64);
      ok(varies(result.image));
    } finally {
      await diffusion.dispose();
    }
  });

  it("dist/index.js's invert() and generateBatch() load their chunks on first use and run", async () => {
    const fetched = (chunk: string) => performance.getEntriesByType('resource').some((r) => new RegExp(`/dist/${chunk}-[\\w-]+\\.js$`).test(r.name));
    const sdk = (await import(/* @vite-ignore */ new URL('/dist/index.js', location.href).href)) as DistSdk;
    const diffusion = await sdk.createDiffusion({ model: modelUrl('optimum-fp32'), device: 'wasm' });
    try {
      const batch = await diffusion.generateBatch({ ...smallRequest, seed: 7 }, 2);
      equal(batch.map((r) => r.seed).join(), '7,8');
      ok(fetched('batch'), 'the page fetched dist/batch-*.js');
      const { latents } = await diffusion.invert({ image: batch[0].image, prompt: smallRequest.prompt, steps: 2 });
      equal(latents.length, 4 * 8 * 8);
      ok(fetched('invert'), 'the page fetched dist/invert-*.js');
    } finally {
      await diffusion.dispose();
    }
  });

  it("dist/index.js's createClip loads CLIP's chunk on first use and embeds with it", async () => {
    const sdk = (await import(/* @vite-ignore */ new URL('/dist/index.js', location.href).href)) as {
      createClip(options: { model: string; device: string }): Promise<{ embedText(texts: string[]): Promise<Float32Array[]>; dispose(): Promise<void> }>;
    };
    const clip = await sdk.createClip({ model: clipUrl('clip-split'), device: 'wasm' });
    try {
      const [row] = await clip.embedText(['a red circle']);
      ok(Math.abs(Math.hypot(...row) - 1) < 1e-5, 'an L2-normalised row');
      ok(performance.getEntriesByType('resource').some((r) => /\/dist\/clip-[\w-]+\.js$/.test(r.name)), 'the page fetched dist/clip-*.js');
    } finally {
      await clip.dispose();
    }
  });

  it('dist/tokenizer.js, schedulers.js and random.js load on their own', async () => {
    const base = new URL('/dist/', location.href).href;
    const tokenizer = await import(/* @vite-ignore */ `${base}tokenizer.js`);
    const schedulers = await import(/* @vite-ignore */ `${base}schedulers.js`);
    const random = await import(/* @vite-ignore */ `${base}random.js`);
    ok(typeof tokenizer.ClipTokenizer === 'function');
    ok(typeof schedulers.createScheduler === 'function');
    equal(new random.TorchGenerator(0).randn(1)[0], 1.5409960746765137);
  });
});
