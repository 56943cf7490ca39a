// DPMSolverSDEScheduler beyond the golden runs: where its noise comes from, its names, and its config checks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDiffusionError } from '../../../src/worker/protocol/errors.ts';
import { resolveSampler } from '../../../src/worker/schedulers/names.ts';
import { createScheduler } from '../../../src/worker/schedulers/registry.ts';
import type { SchedulerConfig } from '../../../src/worker/schedulers/scheduler.ts';
import { TorchGenerator } from '../../../src/worker/tensor/random.ts';

const f32 = Math.fround;
const SD15 = { _class_name: 'DPMSolverSDEScheduler', beta_schedule: 'scaled_linear', steps_offset: 1 };

/** The dummy-model loop of diffusers' tests over 64 values; returns the final sample. */
function run(config: SchedulerConfig, generator?: TorchGenerator): Float32Array {
  const scheduler = createScheduler(config);
  scheduler.setTimesteps(6);
  let sample = Float32Array.from({ length: 64 }, (_, i) => f32(i / 64 - 0.5) * scheduler.initNoiseSigma);
  for (const t of scheduler.timesteps) {
    const input = scheduler.scaleModelInput(sample, t);
    sample = scheduler.step(input.map((v) => f32(v * f32(t)) / f32(f32(t) + 1)), t, sample, generator).prevSample;
  }
  return sample;
}

function failsNaming(fn: () => unknown, key: string): void {
  assert.throws(fn, (e: unknown) => isDiffusionError(e, 'invalid-scheduler-config') && e.details.key === key && e.message.includes(key));
}

describe('DPMSolverSDEScheduler', () => {
  it('takes its noise from noise_sampler_seed, else from the seed of the request generator, never from its stream', () => {
    const seeded = run({ ...SD15, noise_sampler_seed: 7 });
    const generator = new TorchGenerator(7);
    assert.deepEqual(run(SD15, generator), seeded);
    // The stream is untouched, as diffusers' step takes no generator: the next draw is the seed's first.
    assert.deepEqual(generator.randn(4), new TorchGenerator(7).randn(4));
    assert.deepEqual(run({ ...SD15, noise_sampler_seed: 7 }, new TorchGenerator(8)), seeded);
    assert.notDeepEqual(run(SD15, new TorchGenerator(8)), seeded);
  });

  it('is AUTOMATIC1111\'s "DPM++ SDE" and "DPM++ SDE Karras", and ComfyUI\'s dpmpp_sde(_karras)', () => {
    const model = { _class_name: 'PNDMScheduler', beta_schedule: 'scaled_linear', steps_offset: 1 };
    assert.deepEqual(
      [resolveSampler('DPM++ SDE', model), resolveSampler('DPM++ SDE Karras', model), resolveSampler('dpmpp_sde_karras', model)]
        .map((c) => [c._class_name, c.use_karras_sigmas]),
      [['DPMSolverSDEScheduler', false], ['DPMSolverSDEScheduler', true], ['DPMSolverSDEScheduler', true]],
    );
  });

  it('refuses bad values of its own keys, naming them', () => {
    for (const seed of [-1, 1.5, 'abc', 2 ** 60]) failsNaming(() => createScheduler({ ...SD15, noise_sampler_seed: seed }), 'noise_sampler_seed');
    failsNaming(() => createScheduler({ ...SD15, use_karras_sigmas: 'yes' }), 'use_karras_sigmas');
    // diffusers 0.24 raises NotImplementedError for "sample" at the first step.
    failsNaming(() => createScheduler({ ...SD15, prediction_type: 'sample' }), 'prediction_type');
  });

  it('interleaves each step\'s two calls as diffusers: [t0, m0, t1, ..., t(n-1)] and sigmas ending in one 0', () => {
    const scheduler = createScheduler(SD15);
    scheduler.setTimesteps(4);
    assert.equal(scheduler.timesteps.length, 7);
    assert.equal(scheduler.sigmas.length, 8);
    assert.equal(scheduler.sigmas[7], 0);
    assert.equal(scheduler.sigmas[1], scheduler.sigmas[2]);
    assert.equal(scheduler.timesteps[0], 999);
    assert.ok(scheduler.timesteps[1]! < 999 && scheduler.timesteps[1]! > scheduler.timesteps[2]!);
  });
});
