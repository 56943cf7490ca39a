// step() returns diffusers' SchedulerOutput: the previous sample and the step's own clean estimate (x0). With a
// perfect noise predictor every class must recover x0 from a noised sample; the arrays belong to the caller.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createScheduler, schedulerClassNames } from '../../../src/worker/schedulers/registry.ts';
import type { SchedulerConfig } from '../../../src/worker/schedulers/scheduler.ts';
import { TorchGenerator } from '../../../src/worker/tensor/random.ts';

const SD15: SchedulerConfig = {
  num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', steps_offset: 1,
  clip_sample: false, set_alpha_to_one: false, skip_prk_steps: true,
};
const SIZE = 32;
const x0 = Float32Array.from({ length: SIZE }, (_, i) => Math.cos(i * 1.7) * 0.8);
const noise = Float32Array.from({ length: SIZE }, (_, i) => Math.sin(i * 2.3 + 0.5));
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** The consistency-model output F for which `c_skip(sigma) * noised + c_out(sigma) * F` is x0 (diffusers' defaults). */
function consistencyOutput(noised: Float32Array, sigma: number): Float32Array {
  const [sigmaMin, sigmaData] = [0.002, 0.5];
  const cSkip = sigmaData ** 2 / ((sigma - sigmaMin) ** 2 + sigmaData ** 2);
  const cOut = ((sigma - sigmaMin) * sigmaData) / Math.sqrt(sigma ** 2 + sigmaData ** 2);
  return noised.map((v, i) => (x0[i]! - cSkip * v) / cOut);
}

describe('step() output', () => {
  for (const className of schedulerClassNames()) {
    it(`${className}: predOriginalSample is x0 for a perfect noise prediction`, () => {
      const scheduler = createScheduler({ ...SD15, _class_name: className });
      scheduler.setTimesteps(10);
      // The third timestep: well inside the schedule, where x0 is neither the sample nor the noise.
      const index = className.startsWith('KDPM2') || className.startsWith('Heun') ? 0 : 2;
      const generator = new TorchGenerator(0);
      const t = scheduler.timesteps[index]!;
      let sample = scheduler.addNoise(x0, noise, t);
      // Walk to `index` with the same perfect predictor, so multistep histories are consistent. DDIMInverse's step
      // at `t` starts from the timestep before it; IPNDM's model predicts v, `alpha * noise - sigma * x0`; a
      // consistency model predicts F with x0 = c_skip * x + c_out * F.
      const ts = scheduler.timesteps;
      for (const [k, step] of ts.slice(0, index + 1).entries()) {
        if (className === 'DDIMInverseScheduler' && k === 0) continue;
        const noised = scheduler.addNoise(x0, noise, className === 'DDIMInverseScheduler' ? ts[k - 1]! : step);
        const [alpha, sigma] = [Math.cos((step * Math.PI) / 2), Math.sin((step * Math.PI) / 2)];
        const output = className === 'IPNDMScheduler' ? noise.map((v, i) => alpha * v - sigma * x0[i]!)
          : className === 'CMStochasticIterativeScheduler' ? consistencyOutput(noised, scheduler.sigmas[k]!) : noise;
        const out = scheduler.step(output, step, noised, generator);
        if (step === t) {
          assert.ok(maxDiff(out.predOriginalSample, x0) < 2e-3, `${className}: ${maxDiff(out.predOriginalSample, x0)}`);
          assert.equal(out.prevSample.length, SIZE);
          assert.notEqual(out.prevSample.buffer, out.predOriginalSample.buffer, 'two arrays, not one');
        }
        sample = out.prevSample;
      }
      assert.equal(sample.length, SIZE);
    });

    it(`${className}: a later step leaves an earlier output alone`, () => {
      const scheduler = createScheduler({ ...SD15, _class_name: className });
      scheduler.setTimesteps(6);
      const [t0, t1] = scheduler.timesteps;
      const sample = scheduler.addNoise(x0, noise, t0!);
      const first = scheduler.step(noise, t0!, sample, new TorchGenerator(1));
      const kept = [first.prevSample.slice(), first.predOriginalSample.slice()];
      scheduler.step(noise.map((v) => -v), t1!, first.prevSample, new TorchGenerator(2));
      assert.deepEqual([first.prevSample, first.predOriginalSample], kept);
    });
  }
});
