// CLIP through the public SDK in real Chromium, on the tiny generated CLIP (both export layouts), checked against
// the independent numpy + Pillow reference (tools/clip/clip-reference.py); then properties and bad input.
import { loadWatched } from '../helpers/models.ts';
import { equal, ok, rejectsWithCode } from '../helpers/assert.ts';
import { createClip, type Clip } from '../../src/sdk/index.ts';
import { clipReference, clipUrl, maxDifference, referenceImages, type ClipReference } from './clip-helpers.ts';

const TOLERANCE = 1e-4;

for (const layout of ['clip-combined', 'clip-split'] as const) {
  describe(`CLIP ${layout} on WASM`, () => {
    let clip: Clip;
    let reference: ClipReference;
    before(async () => {
      reference = await clipReference();
      clip = await loadWatched(`createClip(${layout})`, `/test/fixtures/models/${layout}/`, (watch) => createClip({ model: clipUrl(layout), device: 'wasm', ...watch }));
    });
    after(() => clip.dispose());

    it('says what it loaded', () => {
      equal(clip.model.layout, layout === 'clip-combined' ? 'combined' : 'split');
      equal(clip.model.projectionDim, 16);
      ok(clip.model.hasText && clip.model.hasVision);
      // The combined export applies the trained scale in its logits; the split fixture has none, so 100.
      ok(Math.abs(clip.model.logitScale - (layout === 'clip-combined' ? reference.logitScale : 100)) < 1e-3, `logit scale ${clip.model.logitScale}`);
    });

    it('text and image embeddings match the reference', async () => {
      const text = await clip.embedText(reference.texts);
      const images = await clip.embedImage(referenceImages(reference));
      const textError = maxDifference(text, reference.textEmbeds);
      const imageError = maxDifference(images, reference.imageEmbeds);
      ok(textError < TOLERANCE, `text embeddings differ by ${textError}`);
      ok(imageError < TOLERANCE, `image embeddings differ by ${imageError}`);
      for (const row of [...text, ...images]) ok(Math.abs(Math.hypot(...row) - 1) < 1e-5, 'rows are L2-normalised');
    });

    it('similarity is the reference cosine, [images][texts]', async () => {
      const scores = await clip.similarity(referenceImages(reference), reference.texts);
      equal(scores.length, reference.images.length);
      ok(maxDifference(scores, reference.cosine) < TOLERANCE, `cosines differ by ${maxDifference(scores, reference.cosine)}`);
    });

    it('classify: softmax of logit scale x cosine, summing to 1, with the template applied', async () => {
      const [image] = referenceImages(reference);
      const result = await clip.classify(image, ['cat', 'dog', 'fox'], { template: 'a photo of a {}' });
      const cosine = reference.cosine[0].slice(0, 3);
      const exps = cosine.map((c) => Math.exp(c * clip.model.logitScale));
      const expected = exps.map((e) => e / exps.reduce((a, b) => a + b, 0));
      ok(maxDifference([result.probabilities], [expected]) < 1e-3, `probabilities ${result.probabilities} vs ${expected}`);
      ok(Math.abs(result.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-6, 'probabilities sum to 1');
      equal(result.best.label, ['cat', 'dog', 'fox'][expected.indexOf(Math.max(...expected))]);
      equal(result.truncated.join(), 'false,false,false');
    });
  });
}

describe('CLIP properties', () => {
  let clip: Clip;
  let reference: ClipReference;
  before(async () => {
    reference = await clipReference();
    clip = await createClip({ model: clipUrl('clip-combined'), device: 'wasm' });
  });
  after(() => clip.dispose());

  it('permuted image and text batches give permuted scores', async () => {
    const images = referenceImages(reference);
    const texts = reference.texts.slice(0, 5);
    const imageOrder = [2, 0, 3, 1];
    const textOrder = [4, 1, 3, 0, 2];
    const base = await clip.similarity(images, texts);
    const permuted = await clip.similarity(imageOrder.map((i) => images[i]), textOrder.map((t) => texts[t]));
    const expected = imageOrder.map((i) => textOrder.map((t) => base[i][t]));
    ok(maxDifference(permuted, expected) < 1e-5, 'scores follow the permutation');
  });

  it('probabilities sum to 1 for any label set', async () => {
    const [, image] = referenceImages(reference);
    for (const labels of [['a'], ['cat', 'dog'], ['red', 'green', 'blue', 'fox', 'city', 'snow', 'night', 'sea', 'tree']]) {
      const { probabilities } = await clip.classify(image, labels);
      ok(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-6, `sum for ${labels.length} labels`);
    }
  });

  it('labels over 77 tokens are truncated as CLIP does, with a flag', async () => {
    const [image] = referenceImages(reference);
    const long = 'snow '.repeat(90).trim();
    const result = await clip.classify(image, ['cat', long]);
    equal(result.truncated.join(), 'false,true');
    const [row] = await clip.embedText([long]);
    const reference77 = reference.textEmbeds[reference.texts.indexOf('snow '.repeat(90))];
    ok(maxDifference([row], [reference77]) < TOLERANCE, 'the truncated text embeds as its first 75 tokens');
  });

  it('cancelling mid-batch rejects with AbortError, and the next call works', async () => {
    const controller = new AbortController();
    const texts = Array.from({ length: 24 }, (_, i) => `text number ${i}`);
    let reports = 0;
    const pending = clip.embedText(texts, {
      signal: controller.signal,
      onProgress: (p) => { if (p.phase === 'embed') { reports += 1; controller.abort(); } },
    });
    const error = await pending.then(() => undefined, (e: unknown) => e as Error);
    equal(error?.name, 'AbortError');
    ok(reports >= 1 && reports < 3, `stopped after ${reports} of 3 chunks`);
    const [row] = await clip.embedText('a red fox in the snow');
    ok(maxDifference([row], [reference.textEmbeds[3]]) < TOLERANCE);
  });
});

describe('CLIP bad input', () => {
  let clip: Clip;
  let reference: ClipReference;
  before(async () => {
    reference = await clipReference();
    clip = await createClip({ model: clipUrl('clip-split'), device: 'wasm' });
  });
  after(() => clip.dispose());

  const next = async () => {
    const [row] = await clip.embedText('a photo of a cat');
    ok(maxDifference([row], [reference.textEmbeds[0]]) < TOLERANCE, 'the next call works');
  };

  it('an empty text list -> invalid-prompt', async () => {
    await rejectsWithCode(clip.embedText([]), 'invalid-prompt');
    await rejectsWithCode(clip.similarity(referenceImages(reference), []), 'invalid-prompt');
    await next();
  });
  it('an empty image list -> invalid-image', async () => {
    await rejectsWithCode(clip.embedImage([]), 'invalid-image');
    await next();
  });
  it('a non-image -> invalid-image', async () => {
    await rejectsWithCode(clip.embedImage('not an image' as unknown as ImageData), 'invalid-image');
    await rejectsWithCode(clip.similarity([{ width: 2 } as unknown as ImageData], 'cat'), 'invalid-image');
    await next();
  });
  it('empty labels or a template without {} -> invalid-argument', async () => {
    const [image] = referenceImages(reference);
    await rejectsWithCode(clip.classify(image, []), 'invalid-argument');
    await rejectsWithCode(clip.classify(image, ['cat'], { template: 'a photo' }), 'invalid-argument');
    await next();
  });
  it('a model without a vision tower -> invalid-model for embedImage; its text tower still works', async () => {
    const base = clipUrl('clip-split');
    const textOnly = await createClip({
      device: 'wasm',
      model: { id: 'clip-text-only', baseUrl: base, textModel: { url: 'onnx/text_model.onnx' }, vocab: { url: 'vocab.json' }, merges: { url: 'merges.txt' } },
    });
    try {
      equal(textOnly.model.hasVision, false);
      await rejectsWithCode(textOnly.embedImage(referenceImages(reference)[0]), 'invalid-model');
      const [row] = await textOnly.embedText('a photo of a cat');
      ok(maxDifference([row], [reference.textEmbeds[0]]) < TOLERANCE);
    } finally {
      await textOnly.dispose();
    }
  });
  it('a diffusion model given as CLIP (wrong layout) -> model-contract', async () => {
    const base = new URL('/test/fixtures/models/web-int64/', location.href).href;
    await rejectsWithCode(createClip({
      device: 'wasm',
      model: { id: 'not-clip', baseUrl: base, model: { url: 'text_encoder/model.onnx' }, vocab: { url: 'tokenizer/vocab.json' }, merges: { url: 'tokenizer/merges.txt' } },
    }), 'model-contract');
  });
  it('an unknown preset -> invalid-model', async () => {
    await rejectsWithCode(createClip({ model: 'clip-nope', device: 'wasm' }), 'invalid-model');
  });
  it('a disposed instance -> disposed', async () => {
    const other = await createClip({ model: clipUrl('clip-split'), device: 'wasm' });
    await other.dispose();
    await rejectsWithCode(other.embedText('cat'), 'disposed');
    await rejectsWithCode(other.classify(referenceImages(reference)[0], ['cat']), 'disposed');
  });
});
