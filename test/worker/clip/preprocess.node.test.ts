// CLIPImageProcessor's preprocessing against Pillow's own numbers (tools/clip/pil-preprocess-golden.py wrote them
// from the same synthetic images): resized and cropped bytes, and the normalised pixel_values.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseImageSettings, pixelValues, resizeAndCrop, resizedSize, rgbOf } from '../../../src/worker/clip/preprocess.ts';

interface GoldenCase {
  width: number; height: number; size: number; crop: number; resample: number; pattern: 'busy' | 'smooth';
  rgb: string; pixelSamples: [number, number][];
}
const golden = JSON.parse(readFileSync(new URL('../../fixtures/oracle/clip-preprocess.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };

/** The formula of pil-preprocess-golden.py's `pattern`, as RGBA. */
function pattern(width: number, height: number, kind: 'busy' | 'smooth') {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      for (let c = 0; c < 3; c += 1) {
        const v = kind === 'busy'
          ? (x * 37 + y * 91 + c * 53 + ((x * y) % 29) * 7) % 256
          : (x * (c + 1) + y * (3 - c) * 2 + ((Math.floor(x / 16) + Math.floor(y / 16)) % 2) * 60) % 256;
        data[(y * width + x) * 4 + c] = v;
      }
      data[(y * width + x) * 4 + 3] = 255;
    }
  }
  return { width, height, data };
}

const settingsOf = (c: GoldenCase) => parseImageSettings({ size: { shortest_edge: c.size }, crop_size: { height: c.crop, width: c.crop }, resample: c.resample });

describe('CLIP preprocessing matches Pillow', () => {
  for (const c of golden.cases) {
    it(`${c.width}x${c.height} -> ${c.size}, crop ${c.crop}, resample ${c.resample}: identical bytes`, () => {
      const ours = resizeAndCrop(rgbOf(pattern(c.width, c.height, c.pattern)), settingsOf(c));
      const theirs = Buffer.from(c.rgb, 'base64');
      assert.equal(ours.data.length, theirs.length);
      let maxError = 0;
      for (let i = 0; i < theirs.length; i += 1) maxError = Math.max(maxError, Math.abs(ours.data[i] - theirs[i]));
      assert.equal(maxError, 0, `max pixel error ${maxError}/255`);
    });
    it(`${c.width}x${c.height}: pixel_values within 1e-5 of numpy`, () => {
      const { data } = pixelValues(pattern(c.width, c.height, c.pattern), settingsOf(c));
      for (const [index, value] of c.pixelSamples) assert.ok(Math.abs(data[index] - value) < 1e-5, `pixel ${index}: ${data[index]} vs ${value}`);
    });
  }
});

describe('preprocessor_config.json', () => {
  it('reads both forms transformers writes', () => {
    const old = parseImageSettings({ size: 224, crop_size: 224, resample: 3 });
    const current = parseImageSettings({ size: { shortest_edge: 224 }, crop_size: { height: 224, width: 224 } });
    assert.deepEqual(old, current);
    assert.equal(parseImageSettings(undefined).mean[0], 0.48145466);
  });
  it('keeps the aspect as transformers does (int() of the long side)', () => {
    assert.deepEqual(resizedSize(640, 480, 224), { width: 298, height: 224 });
    assert.deepEqual(resizedSize(61, 97, 32), { width: 32, height: 50 });
  });
  it('rejects settings it cannot honour', () => {
    assert.throws(() => parseImageSettings({ image_mean: [0.5] }), { code: 'invalid-model' });
    assert.throws(() => parseImageSettings({ size: -1 }), { code: 'invalid-model' });
    assert.throws(() => resizeAndCrop(rgbOf(pattern(8, 8, 'busy')), parseImageSettings({ resample: 5 })), { code: 'invalid-model' });
  });
});
