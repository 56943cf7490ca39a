// Classifier-free guidance and its rescale, against diffusers' rescale_noise_cfg run in torch 1.13
// (torch.manual_seed(0); uncond = randn(1, 4, 2, 2); cond = randn(1, 4, 2, 2) * 1.3 + 0.2; scale 7.5, rescale 0.7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guide } from '../../../src/worker/tensor/guidance.ts';

const UNCOND = [-1.1258398, -1.1523602, -0.25057858, -0.43387881, 0.84871036, 0.69200915, -0.31601277, -2.1152194, 0.32227492, -1.2633348, 0.34998319, 0.30813393, 0.11984151, 1.2376579, 1.1167772, -0.24727815];
const COND = [-1.5584497, -2.0047104, 0.93664581, 1.2315608, 0.97849125, -1.8216236, -0.2437685, 2.6089079, 1.1752464, -0.5611468, -0.025415763, 0.43852133, 2.006176, 2.2622344, 1.4301878, -0.89677972];
const CFG = [-4.3704143, -7.5449867, 8.6536036, 12.056918, 1.822067, -18.160236, 0.22581926, 33.315735, 6.7195606, 4.0030751, -2.4655087, 1.2860394, 14.26735, 8.9219818, 3.4673569, -5.1185398];
const RESCALED = [-1.7032771, -2.9405, 3.3725603, 4.6989307, 0.71011233, -7.07757, 0.088008314, 12.984107, 2.6188073, 1.5601144, -0.96088022, 0.50120682, 5.5604, 3.477155, 1.3513296, -1.9948434];

const close = (actual: Float32Array, expected: number[], what: string) => expected.forEach((e, i) => {
  assert.ok(Math.abs(actual[i] - e) <= 1e-5 * Math.max(1, Math.abs(e)), `${what}[${i}]: ${actual[i]} vs ${e}`);
});

test('guidance 7.5 without rescale is uncond + 7.5 (cond - uncond)', () => {
  close(guide(new Float32Array(UNCOND), new Float32Array(COND), 7.5), CFG, 'cfg');
  close(guide(new Float32Array(UNCOND), new Float32Array(COND), 7.5, 0), CFG, 'rescale 0');
});

test('guidance rescale 0.7 matches diffusers rescale_noise_cfg', () => {
  close(guide(new Float32Array(UNCOND), new Float32Array(COND), 7.5, 0.7), RESCALED, 'rescaled');
});

test('rescale 1 gives the guided prediction the conditional one\'s spread', () => {
  const out = guide(new Float32Array(UNCOND), new Float32Array(COND), 7.5, 1);
  const std = (v: ArrayLike<number>) => {
    const m = Array.from(v).reduce((s, x) => s + x, 0) / v.length;
    return Math.sqrt(Array.from(v).reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
  };
  assert.ok(Math.abs(std(out) - std(COND)) < 1e-5);
});
