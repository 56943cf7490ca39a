// generateBatch(..., { rankWith: clip }): every image scored against its prompt with CLIP, best first.
import { equal, ok } from '../helpers/assert.ts';
import { load, loadWatched, smallRequest } from '../helpers/models.ts';
import { createClip, type Clip, type RankedResult } from '../../src/sdk/index.ts';
import type { Diffusion } from '../../src/sdk/diffusion.ts';
import { clipUrl } from './clip-helpers.ts';

describe('generateBatch rankWith', () => {
  let diffusion: Diffusion;
  let clip: Clip;
  before(async () => {
    diffusion = await load('web-int64');
    clip = await loadWatched('createClip(clip-combined)', '/test/fixtures/models/clip-combined/', (watch) => createClip({ model: clipUrl('clip-combined'), device: 'wasm', ...watch }));
  });
  after(async () => {
    await diffusion.dispose();
    await clip.dispose();
  });

  it('sorts the batch best first by the cosine to the prompt, each with clipScore', async () => {
    const request = { ...smallRequest, steps: 1 };
    const ranked = await diffusion.generateBatch(request, 3, { rankWith: clip }) as RankedResult[];
    equal(ranked.length, 3);
    equal([...ranked.map((r) => r.seed)].sort().join(), [42, 43, 44].join(), 'every seed is there once');
    for (let i = 1; i < ranked.length; i += 1) ok(ranked[i - 1].clipScore >= ranked[i].clipScore, 'best first');
    const direct = await clip.similarity(ranked.map((r) => r.image), request.prompt);
    ranked.forEach((r, i) => ok(Math.abs(r.clipScore - direct[i][0]) < 1e-6, `clipScore ${i} is the cosine`));
    ok(typeof ranked[0].toBlob === 'function', 'results keep their methods');
  });
});

describe('CLIP sharing a Diffusion worker', () => {
  it('runs in the Diffusion\'s worker (one worker), ranks its batch, and leaves it working after dispose', async () => {
    let workers = 0;
    const workerFactory = () => {
      workers += 1;
      return new Worker(new URL('../../src/worker/worker.ts', import.meta.url), { type: 'module' });
    };
    const diffusion = await load('web-int64', { workerFactory });
    try {
      const clip = await createClip({ model: clipUrl('clip-combined'), device: 'wasm', share: diffusion });
      equal(workers, 1, 'no second worker');
      const ranked = await diffusion.generateBatch({ ...smallRequest, steps: 1 }, 2, { rankWith: clip }) as RankedResult[];
      ok(ranked[0].clipScore >= ranked[1].clipScore);
      const [a, b] = await Promise.all([clip.embedText('a photo of a cat'), diffusion.generate({ ...smallRequest, steps: 1 })]);
      ok(a[0].length === 16 && b.image.width === 64, 'overlapping calls queue instead of colliding');
      await clip.dispose();
      const after = await diffusion.generate({ ...smallRequest, steps: 1 });
      equal(after.image.width, 64);
      equal(workers, 1);
    } finally {
      await diffusion.dispose();
    }
  });
});
