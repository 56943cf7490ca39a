// device: 'auto' in real Chromium, whose only WebGPU adapter here is SwiftShader: WASM runs, and the info says why.
import { equal, ok } from '../helpers/assert.ts';
import { load, smallRequest, varies } from '../helpers/models.ts';
import { isSoftwareAdapter, type AdapterFacts } from '../../src/worker/runtime/backend-choice.ts';

describe("device: 'auto'", () => {
  it('reads this browser\'s SwiftShader adapter as a software one', async () => {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<AdapterFacts | null> } }).gpu;
    const adapter = await gpu?.requestAdapter();
    ok(adapter, 'the test browser has a WebGPU adapter (SwiftShader)');
    ok(isSoftwareAdapter(adapter!), JSON.stringify({ info: adapter!.info, fallback: adapter!.isFallbackAdapter }));
  });

  it('picks WASM over the software adapter and generates', async () => {
    const diffusion = await load('web-int64', { device: 'auto' });
    try {
      equal(diffusion.model.device, 'wasm');
      ok(/software/.test(diffusion.model.deviceReason), diffusion.model.deviceReason);
      ok(varies((await diffusion.generate(smallRequest)).image));
    } finally {
      await diffusion.dispose();
    }
  });

  it("an explicit 'webgpu' still runs on it", async () => {
    const diffusion = await load('web-int64', { device: 'webgpu' });
    try {
      equal(diffusion.model.device, 'webgpu');
      ok(/asked for/.test(diffusion.model.deviceReason), diffusion.model.deviceReason);
    } finally {
      await diffusion.dispose();
    }
  });
});
