// diffusers' SchedulerCommonTest, in spirit: every registered class on the same checks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createScheduler, schedulerClassNames } from '../../../src/worker/schedulers/registry.ts';
import type { Scheduler, SchedulerConfig } from '../../../src/worker/schedulers/scheduler.ts';
import { TorchGenerator } from '../../../src/worker/tensor/random.ts';
import { isDiffusionError } from '../../../src/worker/protocol/errors.ts';

const SD15: SchedulerConfig = {
  num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', steps_offset: 1,
  clip_sample: false, set_alpha_to_one: false, skip_prk_steps: true, trained_betas: null,
};
const SIZE = 64;
const f32 = Math.fround;

function make(className: string, extra: SchedulerConfig = {}): Scheduler {
  return createScheduler({ ...SD15, ...extra, _class_name: className });
}

function sample0(scheduler: Scheduler): Float32Array {
  return Float32Array.from({ length: SIZE }, (_, i) => f32(i / SIZE - 0.5) * scheduler.initNoiseSigma);
}

/** The dummy-model loop of diffusers' tests; returns the final sample. */
function denoise(scheduler: Scheduler, steps: number, seed = 0): Float32Array {
  scheduler.setTimesteps(steps);
  let sample = sample0(scheduler);
  const generator = new TorchGenerator(seed);
  for (const t of scheduler.timesteps) {
    const input = scheduler.scaleModelInput(sample, t);
    const output = input.map((v) => f32(v * t) / f32(t + 1));
    sample = scheduler.step(output, t, sample, generator).prevSample;
  }
  return sample;
}

function assertFinite(x: ArrayLike<number>, what: string): void {
  for (let i = 0; i < x.length; i += 1) assert.ok(Number.isFinite(x[i]), `${what}: element ${i} is ${x[i]}`);
}

function throwsCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => isDiffusionError(e) && e.code === code, `expected ${code}`);
}

/** Classes whose step counts are capped below the training timesteps (LCM: by original_inference_steps). */
function maxSteps(className: string): number {
  return className === 'LCMScheduler' ? 50 : 1000;
}

describe('every registered scheduler', () => {
  for (const className of schedulerClassNames()) {
    describe(className, () => {
      for (const steps of [1, 4, 25, 1000].filter((n) => n <= maxSteps(className))) {
        it(`${steps} steps: descending timesteps in range, a finite result`, () => {
          // "leading" spacing plus steps_offset 1 would reach timestep 1000 at 1000 steps (see the invalid-steps test).
          const scheduler = make(className, steps === 1000 ? { steps_offset: 0 } : {});
          scheduler.setTimesteps(steps);
          const ts = scheduler.timesteps;
          const inverse = className.endsWith('InverseScheduler');
          // The multistep VP solvers drop repeated timesteps at 1000 steps (diffusers 0.24 keeps them and ends in NaN).
          assert.ok(ts.length >= steps * 0.99 && ts.length <= 2 * steps + 1, `${ts.length} timesteps for ${steps} steps`);
          ts.forEach((t, i) => {
            // Consistency models take 250 * log(sigma) for timestep, from sigma_max = 80 down to sigma_min = 0.002.
            const [low, high] = className === 'CMStochasticIterativeScheduler' ? [250 * Math.log(0.002), 250 * Math.log(80) + 1e-9] : [0, 999];
            assert.ok(t >= low && t <= high, `timestep ${t} out of range`);
            // KDPM2's interpolated timesteps can exceed the previous one by a float32 rounding, as in diffusers.
            // Inverse samplers (image -> noise) ascend instead.
            if (i > 0 && inverse) assert.ok(t > ts[i - 1]!, `timesteps not ascending at ${i}: ${ts[i - 1]} then ${t}`);
            else if (i > 0) assert.ok(t <= ts[i - 1]! + 1e-3, `timesteps not descending at ${i}: ${ts[i - 1]} then ${t}`);
          });
          assertFinite(denoise(scheduler, steps), 'final sample');
        });
      }

      it('v_prediction runs and stays finite, or is refused as a bad config', () => {
        // diffusers 0.24's UnCLIP knows only epsilon and sample.
        let result: Float32Array;
        try {
          result = denoise(make(className, { prediction_type: 'v_prediction' }), 10);
        } catch (error) {
          assert.ok(className === 'UnCLIPScheduler' && isDiffusionError(error, 'invalid-scheduler-config'), String(error));
          return;
        }
        assertFinite(result, 'final sample');
      });

      it('sample prediction runs and stays finite, or is refused as a bad config', () => {
        // diffusers 0.24 refuses "sample" in some classes (Euler ancestral, PNDM, KDPM2), at construction or step.
        let result: Float32Array;
        try {
          result = denoise(make(className, { prediction_type: 'sample' }), 10);
        } catch (error) {
          assert.ok(isDiffusionError(error, 'invalid-scheduler-config'), String(error));
          return;
        }
        assertFinite(result, 'final sample');
      });

      it('addNoise at the first timestep stays within initNoiseSigma', () => {
        const scheduler = make(className);
        scheduler.setTimesteps(10);
        const noise = new TorchGenerator(1).randn(SIZE);
        const zeros = new Float32Array(SIZE);
        const noised = scheduler.addNoise(zeros, noise, scheduler.timesteps[0]!);
        assertFinite(noised, 'addNoise');
        noised.forEach((v, i) => {
          assert.ok(Math.abs(v) <= Math.abs(noise[i]!) * scheduler.initNoiseSigma * (1 + 1e-6) + 1e-7, `element ${i}`);
        });
        const image = sample0(scheduler).map((v) => v / scheduler.initNoiseSigma);
        assert.notDeepEqual(scheduler.addNoise(image, noise, scheduler.timesteps[0]!), image);
      });

      it('setTimesteps resets the run: twice (and after a half run) gives the same result', () => {
        const fresh = denoise(make(className), 10, 3);
        const scheduler = make(className);
        scheduler.setTimesteps(10);
        const t0 = scheduler.timesteps[0]!;
        const x = sample0(scheduler);
        scheduler.step(scheduler.scaleModelInput(x, t0), t0, x, new TorchGenerator(9));
        assert.deepEqual(denoise(scheduler, 10, 3), fresh);
        assert.deepEqual(denoise(scheduler, 10, 3), fresh);
      });

      it('rejects bad input with codes', () => {
        const scheduler = make(className);
        for (const bad of [0, -1, 2.5, Number.NaN, maxSteps(className) + 1]) {
          throwsCode(() => scheduler.setTimesteps(bad), 'invalid-steps');
        }
        scheduler.setTimesteps(10);
        const t = scheduler.timesteps[0]!;
        const x = sample0(scheduler);
        throwsCode(() => scheduler.step(new Float32Array(SIZE - 1), t, x), 'length-mismatch');
        throwsCode(() => scheduler.addNoise(x, new Float32Array(SIZE + 1), t), 'length-mismatch');
        const nan = new Float32Array(SIZE);
        nan[7] = Number.NaN;
        throwsCode(() => scheduler.step(nan, t, x), 'nan-output');
      });

      it('finds a NaN in the model output with every prediction type, at any step', () => {
        for (const type of ['epsilon', 'v_prediction', 'sample']) {
          let scheduler: Scheduler;
          try {
            scheduler = make(className, { prediction_type: type });
          } catch {
            continue; // a prediction type the class refuses at construction
          }
          scheduler.setTimesteps(4);
          let x = sample0(scheduler);
          for (const [k, t] of scheduler.timesteps.entries()) {
            const bad = scheduler.scaleModelInput(x, t).map((v) => v * 0.5);
            bad[(k * 13) % SIZE] = Number.NaN;
            try {
              scheduler.step(bad, t, x, new TorchGenerator(k));
              assert.fail(`${type}: no nan-output at step ${k}`);
            } catch (error) {
              if (isDiffusionError(error, 'invalid-scheduler-config')) break; // refused at step, as diffusers
              assert.ok(isDiffusionError(error, 'nan-output'), `${type} step ${k}: ${String(error)}`);
            }
            x = scheduler.step(scheduler.scaleModelInput(x, t).map((v) => v * 0.5), t, x, new TorchGenerator(k)).prevSample;
          }
        }
      });

      it('has a frozen config naming its class, with an order of 1 or 2', () => {
        const scheduler = make(className);
        assert.equal(scheduler.config._class_name, className);
        assert.ok(Object.isFrozen(scheduler.config));
        assert.ok(scheduler.order === 1 || scheduler.order === 2);
      });
    });
  }

  it('multistep VP solvers de-duplicate the repeated timestep of 1000 linspace steps, keeping the first', () => {
    for (const className of ['DPMSolverMultistepScheduler', 'UniPCMultistepScheduler', 'DEISMultistepScheduler']) {
      const scheduler = make(className, { steps_offset: 0 });
      scheduler.setTimesteps(1000);
      const ts = scheduler.timesteps;
      assert.equal(new Set(ts).size, ts.length, className);
      assert.equal(ts.length, 999, className);
      assert.equal(scheduler.sigmas.length, ts.length + 1, className);
      assert.ok(new Set(scheduler.sigmas.slice(0, -1)).size === ts.length, `${className}: repeated sigma`);
    }
  });

  it('leading spacing with steps_offset 1 refuses as many steps as training timesteps', () => {
    for (const className of ['DDPMScheduler', 'DDIMScheduler', 'PNDMScheduler']) {
      throwsCode(() => make(className).setTimesteps(1000), 'invalid-steps');
    }
  });

  it('an unknown class fails with unknown-scheduler, listing the known classes', () => {
    assert.throws(
      () => createScheduler({ _class_name: 'NopeScheduler' }),
      (e: unknown) => isDiffusionError(e, 'unknown-scheduler') && e.message.includes('EulerDiscreteScheduler'),
    );
  });
});
