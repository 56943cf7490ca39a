// The model cache through the SDK: a second load downloads nothing; prefetch, list, usage and delete.
import { deepEqual, equal, ok } from '../helpers/assert.ts';
import { clearModelCache, downloadsUnder, load, modelUrl, requestsUnder, resetRequestLog, smallRequest, varies } from '../helpers/models.ts';
import { cacheUsage, deleteCachedModel, listCachedModels, prefetchModel, type Progress } from '../../src/sdk/index.ts';
import { peek, tamper } from '../worker/cache/helpers.ts';

const folder = '/test/fixtures/models/web-int64/';

describe('model cache through the SDK', () => {
  beforeEach(async () => {
    await clearModelCache();
    await resetRequestLog();
  });

  // Folder models have no revision, so a second load revalidates each stored file (a conditional request, 304).
  it('a second createDiffusion for the same model downloads none of its files', async () => {
    const first = await load('web-int64');
    await first.dispose();
    ok((await requestsUnder(folder)).length >= 5, 'the first load downloaded the files');
    await resetRequestLog();
    const second = await load('web-int64');
    try {
      equal((await downloadsUnder(folder)).length, 0, 'downloads on the second load');
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
    const downloads = events.flatMap((p) => (p.phase === 'download' ? [p] : []));
    const sum = [...new Map(downloads.map((p) => [p.file, p.total!])).values()].reduce((a, b) => a + b, 0);
    deepEqual(downloads.at(-1)!.overall, { loaded: sum, total: sum }, 'the bytes over all files');
    ok(downloads.every((p, i) => i === 0 || p.overall.loaded >= downloads[i - 1].overall.loaded), 'overall bytes never go back');
    await resetRequestLog();
    const diffusion = await load('web-int64');
    await diffusion.dispose();
    equal((await downloadsUnder(folder)).length, 0);
  });

  it('prefetch finds external data from the stored graph (not assembled), and loading afterwards downloads nothing', async () => {
    const external = '/test/fixtures/models/optimum-external/';
    await prefetchModel(modelUrl('optimum-external'));
    ok((await requestsUnder(external)).some((path) => /unet\/(model\.onnx_data|weights\.pb)$/.test(path)), 'the U-Net external data was fetched');
    await resetRequestLog();
    const diffusion = await load('optimum-external');
    await diffusion.dispose();
    equal((await downloadsUnder(external)).length, 0);
  });

  it('a corrupted cached file is evicted, reported in progress and downloaded again', async () => {
    await (await load('web-int64')).dispose();
    const url = `${modelUrl('web-int64')}unet/model.onnx`;
    ok(await peek(['c', url, 0]), 'the file is stored in one chunk');
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    bytes[100] ^= 0xff;
    await tamper(['c', url, 0], new Blob([bytes]));
    await resetRequestLog();
    const events: Progress[] = [];
    const diffusion = await load('web-int64', { onProgress: (p) => events.push(p) });
    try {
      const cache = events.flatMap((p) => (p.phase === 'cache' && p.file === 'unet/model.onnx' ? [p.event] : []));
      equal(cache.join(), 'evicted-corrupt,stored');
      ok(events.some((p) => p.phase === 'download' && p.file === 'unet/model.onnx' && !p.fromCache), 'download progress for the new copy');
      equal((await downloadsUnder(folder)).join(), `${folder}unet/model.onnx`, 'only the corrupted file is downloaded');
      ok(varies((await diffusion.generate(smallRequest)).image));
    } finally {
      await diffusion.dispose();
    }
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
