// Folder models are revalidated when online: a changed file is picked up by the next createDiffusion, 304s keep
// the cached copies, the cache serves offline, and a failure caused by a cached copy says so and how to clear it.
import { equal, ok, rejectsWithCode } from '../helpers/assert.ts';
import { clearModelCache, smallRequest, varies } from '../helpers/models.ts';
import { inVariant, liveFolder, liveLog, replaceLiveFile, setLiveMode } from '../helpers/live-host.ts';
import { createDiffusion, deleteCachedModel, type Progress } from '../../src/sdk/index.ts';

const fixtureBytes = async (variant: string, file: string) => new Uint8Array(await (await fetch(`/test/fixtures/models/${variant}/${file}`)).arrayBuffer());

/** Loads the variant from the live host `id`, generates once and disposes; returns the cache events per file. */
async function loadAndRun(id: string, variant: string): Promise<Map<string, string[]>> {
  const events = new Map<string, string[]>();
  const onProgress = (p: Progress) => { if (p.phase === 'cache') events.set(p.file, [...(events.get(p.file) ?? []), p.event]); };
  const diffusion = await createDiffusion({ model: liveFolder(id, variant), device: 'wasm', onProgress });
  try {
    ok(varies((await diffusion.generate(smallRequest)).image), 'the image varies');
  } finally {
    await diffusion.dispose();
  }
  return events;
}

describe('revalidation of folder models', () => {
  beforeEach(clearModelCache);

  it('a file changed on the server is downloaded by the next createDiffusion; unchanged ones are kept after a 304', async () => {
    const id = `changed-${Date.now()}`;
    await setLiveMode(id, {});
    await loadAndRun(id, 'web-int64');
    const before = (await liveLog(id)).length;
    // broken-nan's U-Net has the same contract and NaN output: the next load must run it, not the cached one.
    await replaceLiveFile(id, 'web-int64', 'unet/model.onnx', await fixtureBytes('broken-nan', 'unet/model.onnx'));
    const events = new Map<string, string[]>();
    const diffusion = await createDiffusion({
      model: liveFolder(id, 'web-int64'), device: 'wasm',
      onProgress: (p) => { if (p.phase === 'cache') events.set(p.file, [...(events.get(p.file) ?? []), p.event]); },
    });
    try {
      equal(events.get('unet/model.onnx')?.join(), 'evicted-stale,stored', 'the U-Net');
      equal(events.get('text_encoder/model.onnx')?.join(), 'hit', 'the text encoder');
      const second = (await liveLog(id)).slice(before);
      ok(second.every((r) => r.conditional || r.path.endsWith('unet/model.onnx')), 'every cached file was revalidated');
      const bodies = second.filter((r) => r.status === 200).map((r) => r.path);
      equal(bodies.join(), inVariant('web-int64', ['unet/model.onnx', 'unet/model.onnx']).join(), 'bodies sent (the 200 that said "changed", then the download)');
      await rejectsWithCode(diffusion.generate(smallRequest), 'nan-output');
    } finally {
      await diffusion.dispose();
    }
  });

  it('offline (every connection fails), the cached copies are served', async () => {
    const id = `offline-${Date.now()}`;
    await setLiveMode(id, {});
    await loadAndRun(id, 'web-int64');
    const before = (await liveLog(id)).length;
    await setLiveMode(id, { offline: true });
    const events = await loadAndRun(id, 'web-int64');
    ok([...events.values()].every((list) => list.join() === 'hit'), 'every file came from the cache');
    const second = (await liveLog(id)).slice(before);
    ok(second.length > 0 && second.every((r) => r.status === 'offline'), 'the revalidations met a stopped server');
  });

  it('a bad file served from the cache fails with model-load-failed that names the cache and how to clear it', async () => {
    const id = `bad-${Date.now()}`;
    const good = await fixtureBytes('web-int64', 'unet/model.onnx');
    await replaceLiveFile(id, 'web-int64', 'unet/model.onnx', good.slice(0, 300));
    const folder = liveFolder(id, 'web-int64');
    const first = await rejectsWithCode(createDiffusion({ model: folder, device: 'wasm' }), 'model-load-failed');
    equal(first.details.fromCache, undefined, 'the first failure is the download, not the cache');
    const second = await rejectsWithCode(createDiffusion({ model: folder, device: 'wasm' }), 'model-load-failed');
    equal(second.details.fromCache, true, 'details.fromCache');
    ok(/cache/.test(second.message) && second.message.includes(`deleteCachedModel(${JSON.stringify(folder)})`), second.message);
    await deleteCachedModel(folder);
    await replaceLiveFile(id, 'web-int64', 'unet/model.onnx', good);
    await loadAndRun(id, 'web-int64');
  });
});
