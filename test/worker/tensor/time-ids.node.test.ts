// SDXL's time_ids against diffusers' formula: _get_add_time_ids is `list(original_size + crops_coords_top_left +
// target_size)` with (height, width) sizes and a (top, left) crop; __call__ defaults both sizes to (height, width)
// and the crop to (0, 0).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sdxlTimeIds } from '../../../src/worker/tensor/time-ids.ts';

/** diffusers' expression, written with Python's tuples as arrays: (h, w) + (top, left) + (h, w). */
const diffusers = (originalSize: [number, number], crops: [number, number], targetSize: [number, number]) => [...originalSize, ...crops, ...targetSize];

describe('sdxlTimeIds', () => {
  it("defaults to diffusers': original and target size the generated (height, width), crop (0, 0)", () => {
    assert.deepEqual([...sdxlTimeIds({ width: 1024, height: 1024 })], diffusers([1024, 1024], [0, 0], [1024, 1024]));
    assert.deepEqual([...sdxlTimeIds({ width: 768, height: 1344 })], diffusers([1344, 768], [0, 0], [1344, 768]));
  });

  it('puts height before width and top before left, as diffusers does', () => {
    const ids = sdxlTimeIds({ width: 512, height: 512, originalSize: { width: 4096, height: 2048 }, cropsCoordsTopLeft: { top: 64, left: 128 }, targetSize: { width: 1152, height: 896 } });
    assert.deepEqual([...ids], diffusers([2048, 4096], [64, 128], [896, 1152]));
    assert.equal(ids.length, 6);
  });

  it('any option left out keeps its default', () => {
    assert.deepEqual([...sdxlTimeIds({ width: 512, height: 768, cropsCoordsTopLeft: { top: 8, left: 0 } })], diffusers([768, 512], [8, 0], [768, 512]));
  });
});
