// DDPMParallel / DDIMParallel batchStepNoNoise against diffusers 0.24's batch_step_no_noise (the oracle's
// batch_no_noise records: entry k is sample0 * (1 + k / 10) at timesteps[k], the dummy model's output for it).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseSchedulerConfigJson } from '../../../src/worker/schedulers/config.ts';
import { DDIMParallelScheduler, DDPMParallelScheduler } from '../../../src/worker/schedulers/parallel.ts';
import { isDiffusionError } from '../../../src/worker/protocol/errors.ts';

interface Batch { readonly timesteps: number[]; readonly entries: { abs_sum: number; first8: number[] }[] }
interface Variant { readonly class: string; readonly config: Record<string, unknown>; readonly batch_no_noise?: Batch }
const oracle = parseSchedulerConfigJson(readFileSync(new URL('../../fixtures/oracle/schedulers-added.json', import.meta.url), 'utf8')) as unknown as {
  schedulers: Record<string, Variant>;
};
const f32 = Math.fround;
const sample0 = Float32Array.from({ length: 256 }, (_, i) => f32(i / 256) - 0.5);
const model = (x: Float32Array, t: number) => x.map((v) => f32(v * t) / f32(t + 1));

describe('batchStepNoNoise matches diffusers 0.24', () => {
  for (const [name, variant] of Object.entries(oracle.schedulers)) {
    if (!variant.batch_no_noise) continue;
    it(name, () => {
      const Cls = variant.class === 'DDPMParallelScheduler' ? DDPMParallelScheduler : DDIMParallelScheduler;
      const scheduler = new Cls(variant.config);
      scheduler.setTimesteps(10);
      assert.deepEqual(scheduler.timesteps, variant.batch_no_noise.timesteps);
      const entries = scheduler.timesteps.map((timestep, k) => {
        const sample = sample0.map((v) => f32(v * f32(1 + k / 10)));
        return { modelOutput: model(sample, timestep), timestep, sample };
      });
      const out = scheduler.batchStepNoNoise(entries);
      out.forEach((prev, k) => {
        const expected = variant.batch_no_noise!.entries[k]!;
        const absSum = prev.reduce((s, v) => s + Math.abs(v), 0);
        assert.ok(Math.abs(absSum - expected.abs_sum) <= 1e-4 * expected.abs_sum, `entry ${k}: ${absSum} vs ${expected.abs_sum}`);
        expected.first8.forEach((v, i) => assert.ok(Math.abs(prev[i]! - v) <= 1e-6, `entry ${k}[${i}]: ${prev[i]} vs ${v}`));
      });
    });
  }

  it('needs setTimesteps first and same-length entries', () => {
    const scheduler = new DDIMParallelScheduler();
    assert.throws(() => scheduler.batchStepNoNoise([]), (e: unknown) => isDiffusionError(e, 'invalid-argument'));
    scheduler.setTimesteps(4);
    const entry = { modelOutput: new Float32Array(3), timestep: scheduler.timesteps[0]!, sample: new Float32Array(4) };
    assert.throws(() => scheduler.batchStepNoNoise([entry]), (e: unknown) => isDiffusionError(e, 'length-mismatch'));
  });
});
