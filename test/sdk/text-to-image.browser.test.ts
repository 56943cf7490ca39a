// Text-to-image end to end: SDK -> Comlink -> worker -> onnxruntime-web (WASM and SwiftShader WebGPU) on the
// generated tiny models of every export family.
import { equal, maxAbsDiff, ok } from '../helpers/assert.ts';
import { clearModelCache, load, requestsUnder, smallRequest, VARIANTS, varies } from '../helpers/models.ts';
import type { Progress } from '../../src/sdk/index.ts';

describe('text-to-image', () => {
  before(clearModelCache);

  for (const variant of VARIANTS) {
    it(`${variant} on WASM makes a varied 64x64 image`, async () => {
      const diffusion = await load(variant, { device: 'wasm' });
      try {
        equal(diffusion.model.device, 'wasm');
        const result = await diffusion.generate(smallRequest);
        equal(result.image.width, 64);
        equal(result.image.height, 64);
        ok(varies(result.image), 'the image is not one flat colour');
        equal(result.seed, 42);
        // PNDM (optimum-fp32) runs one extra U-Net evaluation, as diffusers' PLMS does.
        ok(result.timings.denoise.length >= 2, 'one timing per U-Net step');
      } finally {
        await diffusion.dispose();
      }
    });
  }

  for (const variant of VARIANTS.filter((v) => v !== 'olive-fp16')) {
    it(`${variant} on WebGPU matches WASM within 2/255 per channel`, async () => {
      const gpu = await load(variant, { device: 'webgpu' });
      const cpu = await load(variant, { device: 'wasm' });
      try {
        equal(gpu.model.device, 'webgpu');
        const [a, b] = [await gpu.generate(smallRequest), await cpu.generate(smallRequest)];
        const diff = maxAbsDiff(a.image.data, b.image.data);
        ok(diff <= 2, `max pixel difference ${diff}`);
      } finally {
        await Promise.all([gpu.dispose(), cpu.dispose()]);
      }
    });
  }

  it('the same seed gives the same pixels, another seed different ones', async () => {
    const diffusion = await load('web-int64');
    try {
      const a = await diffusion.generate({ ...smallRequest, seed: 7 });
      const b = await diffusion.generate({ ...smallRequest, seed: 7 });
      const c = await diffusion.generate({ ...smallRequest, seed: 8 });
      equal(maxAbsDiff(a.image.data, b.image.data), 0, 'same seed');
      ok(maxAbsDiff(a.image.data, c.image.data) > 0, 'different seed');
    } finally {
      await diffusion.dispose();
    }
  });

  // On 2 cores the default is one thread (ORT's choice, half the cores), so the threaded path is asked for here.
  it('threaded WASM (2 threads) gives the pixels of single-threaded WASM', async () => {
    ok(crossOriginIsolated, 'threads need a cross-origin isolated page');
    const threaded = await load('web-int64', { numThreads: 2 });
    const single = await load('web-int64', { numThreads: 1 });
    try {
      const [a, b] = [await threaded.generate(smallRequest), await single.generate(smallRequest)];
      const diff = maxAbsDiff(a.image.data, b.image.data);
      ok(diff <= 1, `max pixel difference ${diff}`);
    } finally {
      await Promise.all([threaded.dispose(), single.dispose()]);
    }
  });

  // Chromium has JSPI, so the other path (asyncify build, weights as bytes) runs in a worker that hides it.
  for (const variant of ['web-int64', 'optimum-external']) {
    it(`${variant} without JSPI (asyncify build, weights as bytes) gives the pixels of the JSPI build`, async () => {
      const factory = () => new Worker(new URL('../fixtures/workers/no-jspi-worker.ts', import.meta.url), { type: 'module' });
      const asyncify = await load(variant, { workerFactory: factory });
      const jspi = await load(variant);
      try {
        const [a, b] = [await asyncify.generate(smallRequest), await jspi.generate(smallRequest)];
        equal(maxAbsDiff(a.image.data, b.image.data), 0);
        // Only this test asks for the asyncify build's .wasm (the HTTP cache may answer the second variant's load).
        const wasm = await requestsUnder('/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm');
        ok(wasm.length > 0, 'the worker without JSPI ran the asyncify build');
      } finally {
        await Promise.all([asyncify.dispose(), jspi.dispose()]);
      }
    });
  }

  it('reports progress in order: encode, each denoise step, decode', async () => {
    const diffusion = await load('web-int64');
    try {
      const events: Progress[] = [];
      await diffusion.generate({ ...smallRequest, steps: 3 }, { onProgress: (p) => events.push(p) });
      const phases = events.map((p) => (p.phase === 'denoise' ? `denoise ${p.step}/${p.totalSteps}` : p.phase));
      equal(phases.join(', '), 'encode, denoise 1/3, denoise 2/3, denoise 3/3, decode');
    } finally {
      await diffusion.dispose();
    }
  });

  it('guidance 1 or less skips the unconditional pass, and an empty prompt still generates', async () => {
    const diffusion = await load('web-int64');
    try {
      const guided = await diffusion.generate({ ...smallRequest, guidanceScale: 7.5 });
      const unguided = await diffusion.generate({ ...smallRequest, guidanceScale: 1 });
      const empty = await diffusion.generate({ ...smallRequest, prompt: '' });
      ok(maxAbsDiff(guided.image.data, unguided.image.data) > 0, 'guidance changes the image');
      ok(varies(empty.image), 'unconditional image');
    } finally {
      await diffusion.dispose();
    }
  });

  it('gives a PNG blob', async () => {
    const diffusion = await load('web-int64');
    try {
      const blob = await (await diffusion.generate(smallRequest)).toBlob();
      equal(blob.type, 'image/png');
      const bitmap = await createImageBitmap(blob);
      equal(bitmap.width, 64);
    } finally {
      await diffusion.dispose();
    }
  });
});
