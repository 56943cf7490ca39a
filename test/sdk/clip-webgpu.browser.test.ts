// CLIP on WebGPU (SwiftShader in the suite): the same embeddings as the numpy reference.
import { equal, ok } from '../helpers/assert.ts';
import { createClip } from '../../src/sdk/index.ts';
import { clipReference, clipUrl, maxDifference, referenceImages } from './clip-helpers.ts';

describe('CLIP on WebGPU', () => {
  it('combined export: embeddings and similarity match the reference', async () => {
    const reference = await clipReference();
    const clip = await createClip({ model: clipUrl('clip-combined'), device: 'webgpu' });
    try {
      equal(clip.model.device, 'webgpu');
      const text = await clip.embedText(reference.texts.slice(0, 3));
      ok(maxDifference(text, reference.textEmbeds.slice(0, 3)) < 1e-4, `text differs by ${maxDifference(text, reference.textEmbeds.slice(0, 3))}`);
      const scores = await clip.similarity(referenceImages(reference).slice(0, 2), reference.texts.slice(0, 3));
      const expected = reference.cosine.slice(0, 2).map((row) => row.slice(0, 3));
      ok(maxDifference(scores, expected) < 1e-4, `cosines differ by ${maxDifference(scores, expected)}`);
    } finally {
      await clip.dispose();
    }
  });
});
