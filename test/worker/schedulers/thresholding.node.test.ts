// Dynamic thresholding (diffusers' _threshold_sample) on values large enough that s lies between 1 and the ceiling;
// the reference numbers are torch 1.13's (torch.quantile, clamp, divide) for the same float32 input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createScheduler } from '../../../src/worker/schedulers/registry.ts';
import { thresholdInPlace } from '../../../src/worker/schedulers/thresholding.ts';

const f32 = Math.fround;
// (arange(64) / 64 * 8 - 4) * cos(arange(64)), float32.
const x0 = () => Float32Array.from({ length: 64 }, (_, i) => f32(f32(f32(f32(i) / 64) * 8) - 4) * f32(Math.cos(i)));
const config = (extra: Record<string, unknown>) => createScheduler({ _class_name: 'DDIMScheduler', ...extra }).config;

describe('dynamic thresholding', () => {
  it('matches torch: s = quantile(|x0|, 0.9) = 2.6144, then clamp to [-s, s] and divide by s', () => {
    const x = x0();
    assert.equal(thresholdInPlace(config({ thresholding: true, dynamic_thresholding_ratio: 0.9, sample_max_value: 3 }), x), true);
    const torch = [-1.0, -0.8008326888084412, 0.5969130992889404, 1.0, 0.8750690221786499, -0.36619168519973755];
    torch.forEach((v, i) => assert.ok(Math.abs(x[i]! - v) < 1e-6, `${i}: ${x[i]} vs ${v}`));
    assert.ok(Math.abs(x.reduce((s, v) => s + v, 0) - 0.2790377736091614) < 1e-5);
  });

  it('s is clamped to [1, sample_max_value], and nothing happens without thresholding', () => {
    const capped = x0();
    thresholdInPlace(config({ thresholding: true, dynamic_thresholding_ratio: 0.9, sample_max_value: 2 }), capped);
    x0().forEach((v, i) => assert.equal(capped[i], f32(Math.min(Math.max(v, -2), 2) / 2)));
    const off = x0();
    assert.equal(thresholdInPlace(config({}), off), false);
    assert.deepEqual(off, x0());
  });
});
