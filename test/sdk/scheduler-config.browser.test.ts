// Scheduler configs are checked where they enter (issue 11 item 7): a model whose noise schedule is bad fails
// createDiffusion with invalid-scheduler-config naming the key; a key only the model's own class reads fails the
// requests that use that class, before any model work, while a request naming another sampler still runs.
import { equal, ok, rejectsWithCode } from '../helpers/assert.ts';
import { modelUrl, smallRequest, varies } from '../helpers/models.ts';
import { createDiffusion } from '../../src/sdk/index.ts';
import type { SchedulerConfig } from '../../src/worker/schedulers/scheduler.ts';

const MODEL_SCHEDULER = {
  _class_name: 'EulerDiscreteScheduler', beta_end: 0.012, beta_schedule: 'scaled_linear', beta_start: 0.00085,
  num_train_timesteps: 1000, steps_offset: 1, timestep_spacing: 'trailing',
};

/** The web-int64 fixture with `schedulerConfig` in place of its scheduler_config.json. */
const withScheduler = (schedulerConfig: SchedulerConfig) => ({
  id: `bad-scheduler-${JSON.stringify(schedulerConfig)}`, baseUrl: modelUrl('web-int64'),
  textEncoder: { url: 'text_encoder/model.onnx' }, unet: { url: 'unet/model.onnx' }, vaeDecoder: { url: 'vae_decoder/model.onnx' },
  vocab: { url: 'tokenizer/vocab.json' }, merges: { url: 'tokenizer/merges.txt' }, schedulerConfig,
});

describe('scheduler config checks', () => {
  for (const [key, value] of [['num_train_timesteps', -5], ['beta_start', 'abc'], ['beta_schedule', 'cubic']] as const) {
    it(`a model with ${key}: ${JSON.stringify(value)} -> invalid-scheduler-config at createDiffusion`, async () => {
      const model = withScheduler({ ...MODEL_SCHEDULER, [key]: value });
      const error = await rejectsWithCode(createDiffusion({ model, device: 'wasm' }), 'invalid-scheduler-config');
      ok(error.message.includes(key), error.message);
      equal((error.details as { key?: string } | undefined)?.key, key);
    });
  }

  it("a key only the model's own class reads fails that class's requests; another sampler still runs", async () => {
    const model = withScheduler({ ...MODEL_SCHEDULER, _class_name: 'DPMSolverMultistepScheduler', algorithm_type: 'dpmsolver+++' });
    const diffusion = await createDiffusion({ model, device: 'wasm' });
    try {
      const error = await rejectsWithCode(diffusion.generate({ ...smallRequest, steps: 1 }), 'invalid-scheduler-config');
      ok(error.message.includes('algorithm_type'), error.message);
      ok(varies((await diffusion.generate({ ...smallRequest, steps: 1, scheduler: 'Euler a' })).image));
    } finally {
      await diffusion.dispose();
    }
  });

  it('a request config with a bad value -> invalid-scheduler-config, then a good request works', async () => {
    const diffusion = await createDiffusion({ model: withScheduler(MODEL_SCHEDULER), device: 'wasm' });
    try {
      const bad = { _class_name: 'DDIMScheduler', eta: -1 };
      const error = await rejectsWithCode(diffusion.generate({ ...smallRequest, steps: 1, scheduler: bad }), 'invalid-scheduler-config');
      ok(error.message.includes('eta'), error.message);
      ok(varies((await diffusion.generate({ ...smallRequest, steps: 1 })).image));
    } finally {
      await diffusion.dispose();
    }
  });
});
