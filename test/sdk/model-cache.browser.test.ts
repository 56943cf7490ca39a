// The model cache through the SDK: a second load downloads nothing; prefetch, list, usage and delete.
import { equal, ok } from '../helpers/assert.ts';
import { clearModelCache, load, modelUrl, requestsUnder, resetRequestLog, smallRequest, varies } from '../helpers/models.ts';
import { cacheUsage, deleteCachedModel, listCachedModels, prefetchModel, type Progress } from '../../src/sdk/index.ts';

const folder = '/test/fixtures/models/web-int64/';

describe('model cache through the SDK', () => {
  beforeEach(async () => {
    await clearModelCache();
    await resetRequestLog();
  });

  it('a second createDiffusion for the same model makes no requests for its files', async () => {
    const first = await load('web-int64');
    await first.dispose();
    ok((await requestsUnder(folder)).length >= 5, 'the first load downloaded the files');
    await resetRequestLog();
    const second = await load('web-int64');
    try {
      equal((await requestsUnder(folder)).length, 0, 'requests on the second load');
      ok(varies((await second.generate(smallRequest)).image));
    } finally {
      await second.dispose();
    }
  });

  it('prefetch stores every file with progress, and loading afterwards downloads nothing', async () => {
    const events: Progress[] = [];
    await prefetchModel(modelUrl('web-int64'), { onProgress: (p) => events.push(p) });
    const files = new Set(events.filter((p) => p.phase === 'download').map((p) => (p as { file: string }).file));
    for (const name of ['unet/model.onnx', 'text_encoder/model.onnx', 'vae_decoder/model.onnx', 'vae_encoder/model.onnx', 'tokenizer/vocab.json']) {
      ok(files.has(name), `progress for ${name}`);
    }
    await resetRequestLog();
    const diffusion = await load('web-int64');
    await diffusion.dispose();
    equal((await requestsUnder(folder)).length, 0);
  });

  it('lists, measures and deletes cached models', async () => {
    await prefetchModel(modelUrl('web-int64'));
    const listed = await listCachedModels();
    const entry = listed.find((m) => m.modelId === modelUrl('web-int64'));
    ok(entry && entry.complete && entry.bytes > 100_000, 'listed with its bytes');
    const before = await cacheUsage();
    ok(before.bytes >= entry!.bytes && before.models >= 1);
    const freed = await deleteCachedModel(modelUrl('web-int64'));
    equal(freed, entry!.bytes);
    equal((await listCachedModels()).some((m) => m.modelId === modelUrl('web-int64')), false);
    equal((await cacheUsage()).bytes, before.bytes - freed);
  });
});
