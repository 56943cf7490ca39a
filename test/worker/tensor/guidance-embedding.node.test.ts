// The LCM guidance-scale embedding against diffusers' get_guidance_scale_embedding, evaluated with torch 1.13.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { guidanceScaleEmbedding } from '../../../src/worker/tensor/guidance-embedding.ts';

const close = (actual: ArrayLike<number>, expected: number[], tolerance = 2e-6) => {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) <= tolerance, `[${i}] ${actual[i]} vs ${e}`));
};

describe('guidanceScaleEmbedding', () => {
  it('w = 8.5, 256 wide (LCM-Dreamshaper v7): sines then cosines', () => {
    const e = guidanceScaleEmbedding(8.5, 256);
    close([e[0], e[1], e[2], e[127], e[128], e[255]],
      [-0.8512359261512756, 0.8421311974525452, 0.011876258999109268, 0.6816387176513672, -0.5247832536697388, 0.731688916683197]);
  });

  it('w = 1 (no guidance) gives sin 0 and cos 1', () => {
    close(guidanceScaleEmbedding(1, 8), [0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('an odd width is zero-padded at the end', () => {
    close(guidanceScaleEmbedding(2, 7), [0.8268795609474182, -0.5440211296081543, 0.0998334065079689, 0.5623790621757507,
      -0.83907151222229, 0.9950041770935059, 0]);
  });
});
