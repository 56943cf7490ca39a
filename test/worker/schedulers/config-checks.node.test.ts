// Scheduler config values are checked where a config enters (issue 11 item 7): invalid-scheduler-config naming
// the key, for every registered class, instead of `internal` or a NaN image later.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDiffusionError } from '../../../src/worker/protocol/errors.ts';
import { resolveSampler } from '../../../src/worker/schedulers/names.ts';
import { createScheduler, schedulerClassNames } from '../../../src/worker/schedulers/registry.ts';
import type { SchedulerConfig } from '../../../src/worker/schedulers/scheduler.ts';
import { checkModelSchedulerConfig } from '../../../src/worker/schedulers/validate-config.ts';

function failsNaming(fn: () => unknown, key: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isDiffusionError(e), String(e));
    assert.equal(e.code, 'invalid-scheduler-config', e.message);
    assert.equal(e.details.key, key, e.message);
    assert.ok(e.message.includes(key), e.message);
    return true;
  });
}

const BAD: readonly (readonly [string, unknown])[] = [
  ['num_train_timesteps', -5], ['num_train_timesteps', 2.5], ['num_train_timesteps', 1e9], ['num_train_timesteps', '1000'],
  ['beta_start', 'abc'], ['beta_start', -0.1], ['beta_end', 1.5], ['beta_end', Number.NaN], ['beta_schedule', 'cubic'],
  ['trained_betas', 'abc'], ['trained_betas', [0.1, 'x']], ['trained_betas', [2]],
  ['timestep_spacing', 'sideways'], ['prediction_type', 'noise'], ['steps_offset', -1],
];

describe('scheduler config checks', () => {
  for (const className of schedulerClassNames()) {
    it(`${className}: bad noise-schedule and spacing values name their key`, () => {
      const keys = createScheduler({ _class_name: className }).config;
      for (const [key, value] of BAD) {
        // A class without the key ignores it, as diffusers' register_to_config does.
        if (!Object.hasOwn(keys, key)) continue;
        // UnCLIP always runs its cosine schedule (unclip.ts), so it never reads a given one.
        if (className === 'UnCLIPScheduler' && key === 'beta_schedule') continue;
        failsNaming(() => createScheduler({ _class_name: className, [key]: value }), key);
      }
    });

    it(`${className}: a value of the wrong type for any of its keys names the key`, () => {
      const config = createScheduler({ _class_name: className }).config;
      for (const [key, fallback] of Object.entries(config)) {
        const wrong = typeof fallback === 'boolean' ? 'yes' : typeof fallback === 'number' ? 'abc' : typeof fallback === 'string' ? 7 : undefined;
        if (wrong === undefined || key === '_class_name') continue;
        if (className === 'UnCLIPScheduler' && key === 'beta_schedule') continue;
        failsNaming(() => createScheduler({ _class_name: className, [key]: wrong }), key);
      }
    });

    it(`${className}: its own defaults and diffusers' usual values pass`, () => {
      createScheduler({ _class_name: className, num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear' });
      createScheduler({ _class_name: className, trained_betas: Array.from({ length: 1000 }, (_, i) => 0.0001 + i * 1e-5) }).setTimesteps(
        className === 'IPNDMScheduler' ? 999 : 10, // IPNDM's trained_betas are its run's noise levels, one per step and the end.
      );
    });
  }

  it('bad enums of one class name their key', () => {
    failsNaming(() => createScheduler({ _class_name: 'DPMSolverMultistepScheduler', algorithm_type: 'dpmsolver+++' }), 'algorithm_type');
    failsNaming(() => createScheduler({ _class_name: 'DDPMScheduler', variance_type: 'fixed_huge' }), 'variance_type');
    failsNaming(() => createScheduler({ _class_name: 'DDIMScheduler', eta: -1 }), 'eta');
  });

  it('DPMSolverMultistepInverse and CMStochasticIterative name their own bad keys', () => {
    const inverse = (extra: SchedulerConfig) => createScheduler({ _class_name: 'DPMSolverMultistepInverseScheduler', ...extra });
    // Run backwards, the SDE noise scale is the root of a negative number: diffusers 0.24 returns NaN.
    failsNaming(() => inverse({ algorithm_type: 'sde-dpmsolver++' }), 'algorithm_type');
    failsNaming(() => inverse({ algorithm_type: 'sde-dpmsolver' }), 'algorithm_type');
    failsNaming(() => inverse({ solver_order: 4 }), 'solver_order');
    failsNaming(() => inverse({ solver_type: 'rk4' }), 'solver_type');
    failsNaming(() => inverse({ lambda_min_clipped: 'low' }), 'lambda_min_clipped');
    failsNaming(() => inverse({ thresholding: true }), 'thresholding');
    assert.equal(inverse({ algorithm_type: 'deis' }).config.algorithm_type, 'dpmsolver++'); // diffusers' renaming
    assert.ok(!Object.hasOwn(inverse({ use_lu_lambdas: true }).config, 'use_lu_lambdas')); // not a key of this class
    const cm = (extra: SchedulerConfig) => createScheduler({ _class_name: 'CMStochasticIterativeScheduler', ...extra });
    failsNaming(() => cm({ num_train_timesteps: 1 }), 'num_train_timesteps');
    failsNaming(() => cm({ sigma_min: 0 }), 'sigma_min');
    failsNaming(() => cm({ sigma_min: -1 }), 'sigma_min');
    failsNaming(() => cm({ sigma_max: 0.001 }), 'sigma_max');
    failsNaming(() => cm({ sigma_data: 0 }), 'sigma_data');
    failsNaming(() => cm({ rho: -7 }), 'rho');
    failsNaming(() => cm({ s_noise: -1 }), 's_noise');
    failsNaming(() => cm({ clip_denoised: 'yes' }), 'clip_denoised');
    failsNaming(() => cm({ sigma_max: Number.NaN }), 'sigma_max');
  });

  it('a model config: a bad noise schedule fails the load; a key only its class reads does not', () => {
    failsNaming(() => checkModelSchedulerConfig({ _class_name: 'EulerDiscreteScheduler', num_train_timesteps: -5 }), 'num_train_timesteps');
    failsNaming(() => checkModelSchedulerConfig({ beta_start: 'abc' }), 'beta_start');
    const onlyItsOwn: SchedulerConfig = { _class_name: 'DPMSolverMultistepScheduler', algorithm_type: 'bogus', solver_order: 'two' };
    assert.equal(checkModelSchedulerConfig(onlyItsOwn), onlyItsOwn);
    // Its own class fails when a request uses it, before any model work; another sampler does not read the key.
    failsNaming(() => resolveSampler(undefined, onlyItsOwn), 'solver_order');
    assert.equal(resolveSampler('Euler a', onlyItsOwn)._class_name, 'EulerAncestralDiscreteScheduler');
    assert.equal(resolveSampler('DDIM', onlyItsOwn)._class_name, 'DDIMScheduler');
  });

  it('a request config is checked when the sampler is resolved', () => {
    const model = { _class_name: 'EulerDiscreteScheduler' };
    failsNaming(() => resolveSampler({ num_train_timesteps: -5 }, model), 'num_train_timesteps');
    failsNaming(() => resolveSampler({ _class_name: 'DDIMScheduler', beta_start: 'abc' }, model), 'beta_start');
  });
});
