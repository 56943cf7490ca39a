// LCMScheduler's timesteps against diffusers 0.24 (numbers from its set_timesteps: np.linspace(0, 50, n,
// endpoint=False), floored, over the reversed 50 original timesteps), including counts that do not divide 50.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LCMScheduler } from '../../../src/worker/schedulers/lcm.ts';

const DIFFUSERS_TIMESTEPS: Record<number, readonly number[]> = {
  1: [999],
  2: [999, 499],
  3: [999, 679, 339],
  4: [999, 759, 499, 259],
  6: [999, 839, 679, 499, 339, 179],
  7: [999, 859, 719, 579, 439, 299, 159],
  8: [999, 879, 759, 639, 499, 379, 259, 139],
};

describe('LCMScheduler timesteps (diffusers 0.24)', () => {
  for (const [steps, expected] of Object.entries(DIFFUSERS_TIMESTEPS)) {
    it(`${steps} steps`, () => {
      const scheduler = new LCMScheduler();
      scheduler.setTimesteps(Number(steps));
      assert.deepEqual([...scheduler.timesteps], expected);
    });
  }

  it('50 steps: every original timestep, from 999 down by 20', () => {
    const scheduler = new LCMScheduler();
    scheduler.setTimesteps(50);
    assert.deepEqual([...scheduler.timesteps], Array.from({ length: 50 }, (_, i) => 999 - 20 * i));
  });
});
