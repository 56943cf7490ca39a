// The latent preview: A1111's cheap latent-to-RGB factors, (mix + 1) / 2 * 255, clamping; the denoised estimate
// x0 it shows, which is the scheduler's own step estimate for sigma- and alpha-based samplers; the request option.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { latentToRgba, LATENT_RGB_FACTORS, stepPreview } from '../../../src/worker/tensor/latent-preview.ts';
import { alphasCumprod, betasFor } from '../../../src/worker/schedulers/betas.ts';
import { createScheduler } from '../../../src/worker/schedulers/index.ts';
import { validateRequest } from '../../../src/worker/protocol/validate.ts';

/** Node has no ImageData; this stand-in has the fields the preview fills. */
class FakeImageData {
  constructor(readonly data: Uint8ClampedArray, readonly width: number, readonly height: number) {}
}
(globalThis as { ImageData?: unknown }).ImageData ??= FakeImageData;

/** [4, height, width] planar latents from per-pixel channel tuples, row-major. */
function planar(pixels: readonly (readonly [number, number, number, number])[]): Float32Array {
  const out = new Float32Array(4 * pixels.length);
  pixels.forEach((p, i) => p.forEach((v, c) => (out[c * pixels.length + i] = v)));
  return out;
}

/** 2x3 latents and noise for the x0 checks. */
const x0 = Float32Array.from({ length: 24 }, (_, i) => Math.cos(i * 1.7) * 0.8);
const noise = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i * 2.3 + 0.5));
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('latent preview', () => {
  it('uses the A1111 factors', () => {
    assert.deepEqual(LATENT_RGB_FACTORS, [[0.298, 0.207, 0.208], [0.187, 0.286, 0.173], [-0.158, 0.189, 0.264], [-0.184, -0.271, -0.473]]);
  });

  it('maps each channel through its row of factors, -1..1 to 0..255', () => {
    // Worked by hand: channel 0 = 1 gives (1 + 0.298) / 2 * 255 = 165.49, (1.207) / 2 * 255 = 153.9, 154.0;
    // channel 3 = 1 gives 0.816 / 2 * 255 = 104.0, 92.9, 67.2; channel 1 = 1 gives 151.3, 164.0, 149.6; zeros give
    // 127.5, which Uint8ClampedArray rounds half to even: 128.
    const rgba = latentToRgba(planar([[1, 0, 0, 0], [0, 0, 0, 1], [0, 1, 0, 0], [0, 0, 0, 0]]), 2, 2);
    assert.deepEqual([...rgba], [
      165, 154, 154, 255,
      104, 93, 67, 255,
      151, 164, 150, 255,
      128, 128, 128, 255,
    ]);
  });

  it('matches a straight einsum on random latents', () => {
    const w = 5;
    const h = 3;
    const latents = Float32Array.from({ length: 4 * w * h }, (_, i) => Math.sin(i * 12.9898) * 1.5);
    const rgba = latentToRgba(latents, w, h);
    for (let p = 0; p < w * h; p += 1) {
      for (let k = 0; k < 3; k += 1) {
        let mix = 0;
        for (let c = 0; c < 4; c += 1) mix += latents[c * w * h + p] * LATENT_RGB_FACTORS[c][k];
        const expected = Math.min(255, Math.max(0, ((mix + 1) / 2) * 255));
        assert.ok(Math.abs(rgba[p * 4 + k] - expected) <= 0.5 + 1e-9, `pixel ${p} channel ${k}: ${rgba[p * 4 + k]} vs ${expected}`);
      }
      assert.equal(rgba[p * 4 + 3], 255);
    }
  });

  it('clamps, and divides by the scale first', () => {
    assert.deepEqual([...latentToRgba(planar([[10, 10, 10, 10], [-10, 0, 0, 0]]), 2, 1)], [255, 255, 255, 255, 0, 0, 0, 255]);
    assert.deepEqual(latentToRgba(planar([[2, 0, 0, -4]]), 1, 1, 2), latentToRgba(planar([[1, 0, 0, -2]]), 1, 1));
  });

  it('rejects latents too short for the size', () => {
    assert.throws(() => latentToRgba(new Float32Array(15), 2, 2), RangeError);
  });

  it("shows the sigma-based samplers' own estimate x0 (epsilon and v-prediction)", () => {
    for (const prediction of ['epsilon', 'v_prediction']) {
      const scheduler = createScheduler({ _class_name: 'EulerDiscreteScheduler', prediction_type: prediction });
      scheduler.setTimesteps(10);
      const [t, sigma] = [scheduler.timesteps[3], scheduler.sigmas[3]];
      const sample = Float32Array.from(x0, (v, i) => v + sigma * noise[i]);
      // diffusers' Euler: x0 = sample - sigma * eps, or sample / (sigma^2 + 1) - v * sigma / sqrt(sigma^2 + 1).
      const c = Math.sqrt(sigma * sigma + 1);
      const output = prediction === 'epsilon' ? noise : Float32Array.from(sample, (s, i) => (s / (c * c) - x0[i]) * (c / sigma));
      // A first step at timesteps[3] starts the run there (as image-to-image does).
      const estimate = scheduler.step(output, t, sample).predOriginalSample;
      assert.ok(maxDiff(estimate, x0) < 1e-4, `${prediction}: ${maxDiff(estimate, x0)}`);
      const preview = stepPreview(estimate, [4, 2, 3]);
      assert.ok(maxDiff(preview.data, latentToRgba(x0, 3, 2)) <= 1, 'the preview is x0 in colour');
    }
  });

  it("shows the alpha-based samplers' own estimate x0", () => {
    const scheduler = createScheduler({ _class_name: 'DDIMScheduler', clip_sample: false });
    scheduler.setTimesteps(10);
    const t = scheduler.timesteps[2];
    const a = alphasCumprod(betasFor(scheduler.config))[t];
    const sample = Float32Array.from(x0, (v, i) => Math.sqrt(a) * v + Math.sqrt(1 - a) * noise[i]);
    const estimate = scheduler.step(noise, t, sample).predOriginalSample;
    assert.ok(maxDiff(estimate, x0) < 1e-4, `${maxDiff(estimate, x0)}`);
    assert.deepEqual([...stepPreview(estimate, [4, 2, 3]).data], [...latentToRgba(estimate, 3, 2)]);
  });

  it('is off unless a request asks, and must be a boolean', () => {
    assert.equal(validateRequest({ prompt: 'x' }).previews, false);
    assert.equal(validateRequest({ prompt: 'x', previews: true }).previews, true);
    assert.throws(() => validateRequest({ prompt: 'x', previews: 'yes' as unknown as boolean }), { code: 'invalid-argument' });
  });
});
