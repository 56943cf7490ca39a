// Nothing waits forever: a host that never answers or stops mid-body gives download-failed after the stall
// timeout, and a worker script that never runs gives worker-crashed after the start timeout. No timing is
// asserted: only that each call settles, with the code and the cause.
import { equal, ok, rejectsWithCode } from '../helpers/assert.ts';
import { clearModelCache, load, modelUrl, smallRequest, varies } from '../helpers/models.ts';
import { createDiffusion, type ModelManifest } from '../../src/sdk/index.ts';

/** web-int64 with its U-Net served through the fault route `spec`. */
function manifestWithFaultyUnet(spec: string): ModelManifest {
  const base = modelUrl('web-int64');
  return {
    id: `timeouts-${spec}`, baseUrl: base,
    textEncoder: { url: 'text_encoder/model.onnx' }, vaeDecoder: { url: 'vae_decoder/model.onnx' },
    unet: { url: new URL(`/__faults/${spec}/test/fixtures/models/web-int64/unet/model.onnx`, location.href).href },
    vocab: { url: 'tokenizer/vocab.json' }, merges: { url: 'tokenizer/merges.txt' },
    schedulerConfig: { url: 'scheduler/scheduler_config.json' }, specialTokensMap: { url: 'tokenizer/special_tokens_map.json' },
  };
}

describe('timeouts', () => {
  beforeEach(clearModelCache);

  for (const [label, spec] of [['never answers', 'hang'], ['stops mid-body without closing', 'stall-3000']] as const) {
    it(`a host that ${label} -> download-failed naming the stall, and the next load works`, async () => {
      const model = manifestWithFaultyUnet(`${spec},id-${Date.now()}`);
      const error = await rejectsWithCode(createDiffusion({ model, device: 'wasm', stallTimeoutMs: 1500 }), 'download-failed');
      ok(/stalled/.test(error.message), error.message);
      equal(error.details.stallTimeoutMs, 1500, 'details.stallTimeoutMs');
      ok(String(error.details.url).includes('/unet/model.onnx'), 'details.url names the file');
      const diffusion = await load('web-int64');
      try {
        ok(varies((await diffusion.generate(smallRequest)).image));
      } finally {
        await diffusion.dispose();
      }
    });
  }

  it('a slow but moving download is not a stall (the clock restarts with every piece)', async () => {
    // 64 KiB pieces 400 ms apart: each gap is below the 1.5 s limit though the file takes longer than that.
    const diffusion = await createDiffusion({ model: manifestWithFaultyUnet(`slow-400,id-${Date.now()}`), device: 'wasm', stallTimeoutMs: 1500 });
    await diffusion.dispose();
  });

  it('a worker script that never runs -> worker-crashed after the start timeout', async () => {
    const script = URL.createObjectURL(new Blob(['await new Promise(() => {});'], { type: 'text/javascript' }));
    const workerFactory = () => new Worker(script, { type: 'module' });
    const error = await rejectsWithCode(createDiffusion({ model: modelUrl('web-int64'), device: 'wasm', workerFactory, startTimeoutMs: 1000 }), 'worker-crashed');
    ok(/did not start/.test(error.message), error.message);
    URL.revokeObjectURL(script);
  });

  it('a timeout that is not a positive number -> invalid-argument', async () => {
    await rejectsWithCode(createDiffusion({ model: modelUrl('web-int64'), stallTimeoutMs: -1 }), 'invalid-argument');
    await rejectsWithCode(createDiffusion({ model: modelUrl('web-int64'), startTimeoutMs: Number.NaN }), 'invalid-argument');
  });
});
