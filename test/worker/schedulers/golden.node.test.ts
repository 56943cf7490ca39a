// Golden trajectories: every variant of diffusers 0.24's oracle run through the same loop in TypeScript.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { parseSchedulerConfigJson } from '../../../src/worker/schedulers/config.ts';
import { createScheduler } from '../../../src/worker/schedulers/registry.ts';
import type { Scheduler } from '../../../src/worker/schedulers/scheduler.ts';
import { TorchGenerator } from '../../../src/worker/tensor/random.ts';

interface OracleStep { readonly i: number; readonly t: number; readonly abs_sum: number; readonly first8: number[] }
interface OracleRun {
  readonly num_inference_steps: number;
  readonly timesteps: { values: number[] };
  readonly sigmas?: { values: number[] };
  readonly init_noise_sigma: number;
  readonly order: number;
  readonly steps: OracleStep[];
  readonly final_sample: number[];
}
interface OracleVariant {
  readonly class: string;
  readonly config: Record<string, unknown>;
  readonly step_kwargs: Record<string, unknown>;
  readonly generator_passed_to_step: boolean;
  readonly run: OracleRun;
}

type Oracle = { schedulers: Record<string, OracleVariant> };
const readOracle = (file: string) =>
  parseSchedulerConfigJson(readFileSync(new URL(`../../fixtures/oracle/${file}`, import.meta.url), 'utf8')) as unknown as Oracle;
const oracle = readOracle('schedulers-sd15-10-steps.json');
// The classes added later (tools/oracle/schedulers/new_schedulers.py): same loop and fields, run on their own.
const added = readOracle('schedulers-added.json');
// DPMSolverMultistepInverse and CMStochasticIterative (tools/oracle/schedulers/inverse_and_consistency.py).
const inverseAndConsistency = readOracle('schedulers-inverse-cm.json');
// DPMSolverSDE on torchsde's Brownian tree (tools/oracle/schedulers/dpm_solver_sde.py).
const dpmSde = readOracle('schedulers-dpm-sde.json');

const TOLERANCE = 1e-4;
const f32 = Math.fround;
const report: string[] = [];

/** Max |actual - expected| over max |expected|: a relative error for the whole array. */
function relError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length, 'length');
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i += 1) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** The dummy model of diffusers' scheduler tests, in float32 as torch computes it: `sample * t / (t + 1)`. */
function dummyModel(sample: Float32Array, t: number): Float32Array {
  const ft = f32(t);
  const d = f32(ft + 1);
  return sample.map((v) => f32(v * ft) / d);
}

function absSum(x: Float32Array): number {
  return x.reduce((s, v) => s + Math.abs(v), 0);
}

/** Runs the oracle's loop; returns the worst relative errors seen. */
function runVariant(scheduler: Scheduler, variant: OracleVariant): Record<string, number> {
  const { run } = variant;
  scheduler.setTimesteps(run.num_inference_steps);
  const errors = {
    timesteps: relError(scheduler.timesteps, run.timesteps.values),
    sigmas: run.sigmas ? relError(scheduler.sigmas, run.sigmas.values) : 0,
    initNoiseSigma: relError([scheduler.initNoiseSigma], [run.init_noise_sigma]),
    steps: 0,
    final: 0,
  };
  assert.equal(scheduler.order, run.order, 'order');
  const sample0 = Float32Array.from({ length: 256 }, (_, i) => f32(i / 256) - 0.5);
  let sample = sample0.map((v) => v * scheduler.initNoiseSigma);
  const generator = new TorchGenerator(0);
  scheduler.timesteps.forEach((t, i) => {
    const input = scheduler.scaleModelInput(sample, t);
    const output = dummyModel(input, t);
    sample = scheduler.step(output, t, sample, variant.generator_passed_to_step ? generator : undefined).prevSample;
    const expected = run.steps[i]!;
    const stepError = Math.max(
      relError([absSum(sample)], [expected.abs_sum]),
      relError(sample.subarray(0, 8), expected.first8),
    );
    errors.steps = Math.max(errors.steps, stepError);
  });
  assert.equal(scheduler.timesteps.length, run.steps.length, 'number of steps');
  errors.final = relError(sample, run.final_sample);
  return errors;
}

describe('schedulers match diffusers 0.24 on the SD 1.5 config, 10 steps', () => {
  for (const [name, variant] of [...Object.entries(oracle.schedulers), ...Object.entries(added.schedulers),
    ...Object.entries(inverseAndConsistency.schedulers), ...Object.entries(dpmSde.schedulers)]) {
    it(name, () => {
      // diffusers' step kwargs (DDIM's eta) are config keys here.
      const config = { ...variant.config, ...variant.step_kwargs, _class_name: variant.class };
      const errors = runVariant(createScheduler(config), variant);
      const worst = Object.entries(errors).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', ');
      report.push(`${name.padEnd(36)} ${worst}`);
      for (const [what, error] of Object.entries(errors)) {
        assert.ok(error <= TOLERANCE, `${what}: relative error ${error} > ${TOLERANCE}`);
      }
    });
  }
  describe('addNoise against the oracle schedule', () => {
    // The oracle has no add_noise results, so these check the forward process against its numbers: k-diffusion
    // samplers (initNoiseSigma > 1) add noise * sigma at their timesteps; the others (diffusers 0.24's DPM
    // solvers included) use sqrt(a) x + sqrt(1 - a) noise with a = 1 / (1 + sigma^2), sigma from their own oracle
    // sigmas, or from Euler's at the raw training timesteps 999, 555 and 0.
    const noise = new TorchGenerator(0).randn(256);
    const image = Float32Array.from({ length: 256 }, (_, i) => f32(i / 256) - 0.5);
    const euler = oracle.schedulers.EulerDiscreteScheduler!.run;
    for (const [name, variant] of Object.entries(oracle.schedulers)) {
      it(name, () => {
        const scheduler = createScheduler({ ...variant.config, _class_name: variant.class });
        scheduler.setTimesteps(10);
        const ts = scheduler.timesteps;
        const cases: Array<[number, number]> = [];
        // Karras timesteps of alphas_cumprod samplers are rounded, so their sigmas do not give alphas_cumprod[t].
        const alphaKarras = variant.run.init_noise_sigma === 1 && variant.config.use_karras_sigmas === true;
        const sigmas = alphaKarras ? undefined : variant.run.sigmas?.values;
        for (const k of sigmas ? [0, ts.length >> 1, ts.length - 1] : []) {
          const index = ts.indexOf(ts[k]!);
          const repeated = ts.indexOf(ts[k]!, index + 1);
          cases.push([ts[k]!, sigmas![repeated > 0 ? repeated : index]!]);
        }
        for (const [t, sigma] of cases) {
          const a = 1 / (1 + sigma * sigma);
          const expected = variant.run.init_noise_sigma > 1
            ? image.map((v, i) => v + noise[i]! * sigma)
            : image.map((v, i) => Math.sqrt(a) * v + Math.sqrt(1 - a) * noise[i]!);
          assert.ok(relError(scheduler.addNoise(image, noise, t), expected) < 1e-6, `t=${t}`);
        }
        if (!sigmas) {
          for (const [t, k] of [[999, 0], [555, 4], [0, 9]] as const) {
            const sigma = euler.sigmas!.values[k]!;
            const a = 1 / (1 + sigma * sigma);
            const expected = image.map((v, i) => Math.sqrt(a) * v + Math.sqrt(1 - a) * noise[i]!);
            assert.ok(relError(scheduler.addNoise(image, noise, t), expected) < 1e-6, `t=${t}`);
          }
        }
      });
    }
  });

  after(() => console.log(`max relative error per scheduler:\n${report.join('\n')}`));
});
