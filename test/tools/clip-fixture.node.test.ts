// The tiny CLIP fixture (tools/fixtures/clip.ts): the contracts of the transformers.js-style exports, and
// onnxruntime's outputs equal to the independent numpy evaluation in test/fixtures/oracle/clip-tiny-reference.json
// (tools/clip/clip-reference.py, which also did the preprocessing with Pillow).
import v8 from 'node:v8';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { clipModel } from '../../tools/fixtures/clip.ts';
import { pixelValues, parseImageSettings } from '../../src/worker/clip/preprocess.ts';
import { clipPattern } from '../sdk/clip-helpers.ts';

v8.setFlagsFromString('--liftoff-only');
const ort = await import('onnxruntime-web');
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

const reference = JSON.parse(readFileSync(new URL('../fixtures/oracle/clip-tiny-reference.json', import.meta.url), 'utf8')) as {
  modelSha256: string; inputIds: number[][]; images: { width: number; height: number; pattern: 'busy' | 'smooth' }[];
  textEmbeds: number[][]; imageEmbeds: number[][]; logitScale: number;
};

const ids = new ort.Tensor('int64', BigInt64Array.from(reference.inputIds.flat(), (v) => BigInt(v)), [reference.inputIds.length, 77]);
const mask = new ort.Tensor('int64', BigInt64Array.from(reference.inputIds.flatMap((row) => row.map((_, k) => BigInt(k <= row.indexOf(49407) ? 1 : 0)))), [reference.inputIds.length, 77]);
const settings = parseImageSettings({ size: 32, crop_size: 32 });
const pixels = new ort.Tensor('float32', Float32Array.from(reference.images.flatMap((im) => Array.from(pixelValues(clipPattern(im.width, im.height, im.pattern), settings).data))),
  [reference.images.length, 3, 32, 32]);

function maxDifference(tensor: { data: unknown }, rows: number[][]): number {
  const data = tensor.data as Float32Array;
  const width = rows[0].length;
  let max = 0;
  rows.forEach((row, r) => row.forEach((v, c) => { max = Math.max(max, Math.abs(data[r * width + c] - v)); }));
  return max;
}

const normalised = (data: Float32Array, width: number) => {
  const out = new Float32Array(data.length);
  for (let r = 0; r < data.length / width; r += 1) {
    const row = data.subarray(r * width, (r + 1) * width);
    const norm = Math.hypot(...row);
    row.forEach((v, c) => { out[r * width + c] = v / norm; });
  }
  return { data: out };
};

describe('tiny CLIP fixture', () => {
  it('is the model the reference was computed from', () => {
    assert.equal(createHash('sha256').update(clipModel().model).digest('hex'), reference.modelSha256,
      'tools/fixtures/clip.ts changed: run npm run fixtures, then /usr/bin/python3 tools/clip/clip-reference.py');
  });

  it('combined model.onnx declares the real contract and matches the numpy reference', async () => {
    const session = await ort.InferenceSession.create(readFileSync('test/fixtures/models/clip-combined/onnx/model.onnx'));
    assert.deepEqual(session.inputNames, ['input_ids', 'pixel_values', 'attention_mask']);
    assert.deepEqual(session.outputNames, ['logits_per_image', 'logits_per_text', 'text_embeds', 'image_embeds']);
    const out = await session.run({ input_ids: ids, pixel_values: pixels, attention_mask: mask });
    assert.ok(maxDifference(out.text_embeds, reference.textEmbeds) < 1e-5);
    assert.ok(maxDifference(out.image_embeds, reference.imageEmbeds) < 1e-5);
    const cosine = reference.imageEmbeds.map((im) => reference.textEmbeds.map((t) => t.reduce((s, v, k) => s + v * im[k], 0) * reference.logitScale));
    assert.ok(maxDifference(out.logits_per_image, cosine) < 1e-3);
    await session.release();
  });

  it('split text_model.onnx and vision_model.onnx give the same (unnormalised) embeddings', async () => {
    const text = await ort.InferenceSession.create(readFileSync('test/fixtures/models/clip-split/onnx/text_model.onnx'));
    const vision = await ort.InferenceSession.create(readFileSync('test/fixtures/models/clip-split/onnx/vision_model.onnx'));
    assert.deepEqual(text.inputNames, ['input_ids', 'attention_mask']);
    assert.deepEqual(vision.inputNames, ['pixel_values']);
    const t = await text.run({ input_ids: ids, attention_mask: mask });
    const v = await vision.run({ pixel_values: pixels });
    assert.ok(maxDifference(normalised(t.text_embeds.data as Float32Array, 16), reference.textEmbeds) < 1e-5);
    assert.ok(maxDifference(normalised(v.image_embeds.data as Float32Array, 16), reference.imageEmbeds) < 1e-5);
    await text.release();
    await vision.release();
  });
});
