// Sampler names (AUTOMATIC1111, ComfyUI, diffusers classes) resolved against a model's scheduler config.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDiffusionError } from '../../../src/worker/protocol/errors.ts';
import { parseSchedulerConfigJson } from '../../../src/worker/schedulers/config.ts';
import { resolveSampler, samplerNames } from '../../../src/worker/schedulers/names.ts';
import { SAMPLER_NAMES } from '../../../src/worker/protocol/sampler-names.ts';
import { SAMPLER_TABLE } from '../../../src/worker/schedulers/sampler-table.ts';
import { createScheduler, schedulerClassNames } from '../../../src/worker/schedulers/registry.ts';

const MODEL = Object.freeze({
  _class_name: 'PNDMScheduler', num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012,
  beta_schedule: 'scaled_linear', steps_offset: 1, clip_sample: false, set_alpha_to_one: false, skip_prk_steps: true,
});

describe('resolveSampler', () => {
  it('maps AUTOMATIC1111 names over the model config, keeping its betas', () => {
    const config = resolveSampler('DPM++ 2M Karras', MODEL);
    assert.equal(config._class_name, 'DPMSolverMultistepScheduler');
    assert.equal(config.use_karras_sigmas, true);
    assert.equal(config.algorithm_type, 'dpmsolver++');
    assert.equal(config.beta_schedule, 'scaled_linear');
    assert.equal(config.steps_offset, 1);
    assert.equal(resolveSampler('Euler a', MODEL)._class_name, 'EulerAncestralDiscreteScheduler');
    assert.equal(resolveSampler('DPM++ 2M SDE', MODEL).algorithm_type, 'sde-dpmsolver++');
    assert.equal(resolveSampler('PLMS', MODEL).skip_prk_steps, true);
    assert.equal(resolveSampler('LMS Karras', MODEL)._class_name, 'LMSDiscreteScheduler');
  });

  it('a plain name turns Karras sigmas off even when the model config has them on', () => {
    assert.equal(resolveSampler('Euler', { ...MODEL, use_karras_sigmas: true }).use_karras_sigmas, false);
  });

  it('maps ComfyUI names and the _karras suffix, case-insensitively', () => {
    assert.equal(resolveSampler('dpmpp_2m', MODEL)._class_name, 'DPMSolverMultistepScheduler');
    assert.equal(resolveSampler('dpm_2_ancestral_karras', MODEL).use_karras_sigmas, true);
    assert.equal(resolveSampler('euler_ancestral', MODEL)._class_name, 'EulerAncestralDiscreteScheduler');
    assert.equal(resolveSampler('uni_pc', MODEL).solver_type, 'bh1');
    assert.equal(resolveSampler('euler a', MODEL)._class_name, 'EulerAncestralDiscreteScheduler');
  });

  it('accepts diffusers class names and config objects, merged over the model config', () => {
    assert.deepEqual(resolveSampler('HeunDiscreteScheduler', MODEL), { ...MODEL, _class_name: 'HeunDiscreteScheduler' });
    const object = resolveSampler({ _class_name: 'DDIMScheduler', timestep_spacing: 'trailing' }, MODEL);
    assert.equal(object.timestep_spacing, 'trailing');
    assert.equal(object.beta_start, 0.00085);
    assert.equal(resolveSampler({ steps_offset: 0 }, MODEL)._class_name, 'PNDMScheduler');
    assert.deepEqual(resolveSampler(undefined, MODEL), MODEL);
  });

  it('fails with unknown-scheduler, listing the known names', () => {
    assert.throws(
      () => resolveSampler('DPM++ 3M Turbo', MODEL),
      (e: unknown) => isDiffusionError(e, 'unknown-scheduler') && e.message.includes('Euler a') && e.message.includes('dpmpp_2m'),
    );
  });
});

describe('samplerNames', () => {
  it('the names the SDK lists and the table of what they stand for have the same keys, in the same order', () => {
    assert.deepEqual(Object.keys(SAMPLER_TABLE), [...SAMPLER_NAMES]);
  });

  it('lists table names and class names, each of which builds and runs a step', () => {
    const names = samplerNames();
    for (const expected of ['Euler', 'Euler a', 'DPM++ 2M Karras', 'DDIM', 'LCM', 'euler', 'dpmpp_2m_sde', 'EulerDiscreteScheduler']) {
      assert.ok(names.includes(expected), expected);
    }
    for (const name of names) {
      const scheduler = createScheduler(resolveSampler(name, MODEL));
      scheduler.setTimesteps(4);
      const t = scheduler.timesteps[0]!;
      const x = new Float32Array(16).fill(0.5);
      assert.equal(scheduler.step(x, t, x).prevSample.length, 16, name);
    }
    for (const className of schedulerClassNames()) assert.ok(names.includes(className));
  });
});

describe('parseSchedulerConfigJson', () => {
  it("accepts Python's Infinity, -Infinity and NaN outside strings only", () => {
    const config = parseSchedulerConfigJson('{"a": -Infinity, "b": Infinity, "c": NaN, "d": "NaN -Infinity", "e": [1, NaN]}');
    assert.equal(config.a, -Infinity);
    assert.equal(config.b, Infinity);
    assert.ok(Number.isNaN(config.c));
    assert.equal(config.d, 'NaN -Infinity');
    assert.ok(Number.isNaN((config.e as number[])[1]));
    assert.equal(parseSchedulerConfigJson('{"s": "a \\"Infinity\\" b"}').s, 'a "Infinity" b');
  });

  it('fails with invalid-scheduler-config on bad JSON or a non-object', () => {
    for (const bad of ['{', '[1]', '3', 'null']) {
      assert.throws(() => parseSchedulerConfigJson(bad), (e: unknown) => isDiffusionError(e, 'invalid-scheduler-config'), bad);
    }
  });
});
