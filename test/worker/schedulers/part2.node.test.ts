/**
 * Regression tests for the DPM-Solver family, KDPM2 (plain and ancestral), UniPC and DEIS: the diffusers 0.24.0
 * oracle trajectories (the loop its `description` spells out), plus runs no oracle covers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { TorchGenerator } from '../../../src/worker/tensor/random.ts';
import { DEISMultistepScheduler } from '../../../src/worker/schedulers/deis-multistep.ts';
import { DPMSolverMultistepScheduler } from '../../../src/worker/schedulers/dpm-solver-multistep.ts';
import { DPMSolverSinglestepScheduler } from '../../../src/worker/schedulers/dpm-solver-singlestep.ts';
import { KDPM2AncestralDiscreteScheduler } from '../../../src/worker/schedulers/kdpm2-ancestral-discrete.ts';
import { KDPM2DiscreteScheduler } from '../../../src/worker/schedulers/kdpm2-discrete.ts';
import type { Scheduler, SchedulerConfig } from '../../../src/worker/schedulers/scheduler.ts';
import { UniPCMultistepScheduler } from '../../../src/worker/schedulers/unipc-multistep.ts';

interface OracleStep { readonly t: number; readonly abs_sum: number; readonly first8: number[] }
interface OracleEntry {
  readonly class: string;
  readonly config: SchedulerConfig;
  readonly generator_passed_to_step: boolean;
  readonly run: {
    readonly num_inference_steps: number;
    readonly timesteps: { values: number[] };
    readonly sigmas: { values: number[] };
    readonly init_noise_sigma: number;
    readonly steps: OracleStep[];
    readonly final_sample: number[];
  };
}

// Python's json writes -Infinity (lambda_min_clipped), which JSON.parse rejects: quote it, then revive it.
const oracleText = readFileSync(new URL('../../fixtures/oracle/schedulers-sd15-10-steps.json', import.meta.url), 'utf8');
const oracle = JSON.parse(oracleText.replace(/(-?)Infinity\b/g, '"$1Infinity"'), (_key, value: unknown) =>
  value === '-Infinity' ? -Infinity : value === 'Infinity' ? Infinity : value) as { schedulers: Record<string, OracleEntry> };

const classes: Record<string, new (config: SchedulerConfig) => Scheduler> = {
  DPMSolverMultistepScheduler,
  DPMSolverSinglestepScheduler,
  KDPM2DiscreteScheduler,
  KDPM2AncestralDiscreteScheduler,
  UniPCMultistepScheduler,
  DEISMultistepScheduler,
};

const VARIANTS = [
  'DPMSolverMultistepScheduler', 'DPMSolverMultistepScheduler_karras', 'DPMSolverMultistepScheduler_sde',
  'DPMSolverSinglestepScheduler', 'KDPM2DiscreteScheduler', 'KDPM2AncestralDiscreteScheduler',
  'UniPCMultistepScheduler', 'DEISMultistepScheduler',
];

const SD15 = { num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', steps_offset: 1 };

/** The dummy model of diffusers' scheduler tests: `sample * t / (t + 1)` in float32, multiply first. */
function dummyModel(input: Float32Array, t: number): Float32Array {
  const tf = Math.fround(t);
  return input.map((x) => Math.fround(x * tf) / Math.fround(tf + 1));
}

/** Runs the oracle loop; returns the sample after every step. */
function run(s: Scheduler, steps: number, withGenerator: boolean): Float32Array[] {
  s.setTimesteps(steps);
  let sample: Float32Array = Float32Array.from({ length: 256 }, (_, i) => Math.fround(i / 256 - 0.5) * s.initNoiseSigma);
  const generator = new TorchGenerator(0);
  const out: Float32Array[] = [];
  for (const t of s.timesteps) {
    const model = dummyModel(s.scaleModelInput(sample, t), t);
    sample = s.step(model, t, sample, withGenerator ? generator : undefined).prevSample;
    out.push(sample);
  }
  return out;
}

/** |a - b| relative to max(|b|, 1e-3), the largest over a list. */
function maxRel(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i += 1) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.max(Math.abs(expected[i]!), 1e-3));
  }
  return worst;
}

function absSum(x: Float32Array): number {
  return x.reduce((acc, v) => acc + Math.abs(v), 0);
}

describe('part 2 schedulers against diffusers 0.24.0', () => {
  for (const name of VARIANTS) {
    it(name, () => {
      const entry = oracle.schedulers[name]!;
      const s = new classes[entry.class]!({ ...SD15, ...entry.config });
      const samples = run(s, entry.run.num_inference_steps, entry.generator_passed_to_step);
      const errors = {
        timesteps: maxRel(s.timesteps, entry.run.timesteps.values),
        sigmas: s.sigmas.length ? maxRel(s.sigmas, entry.run.sigmas.values) : 0,
        steps: Math.max(...entry.run.steps.map((st, i) => Math.max(maxRel(samples[i]!.subarray(0, 8), st.first8),
          Math.abs(absSum(samples[i]!) - st.abs_sum) / st.abs_sum))),
        final: maxRel(samples[samples.length - 1]!, entry.run.final_sample),
      };
      console.log(name, JSON.stringify(errors));
      assert.ok(Math.abs(s.initNoiseSigma - entry.run.init_noise_sigma) <= 1e-6 * entry.run.init_noise_sigma);
      for (const [what, err] of Object.entries(errors)) assert.ok(err < 1e-4, `${name} ${what}: ${err}`);
    });
  }
});

const FAMILY: [string, SchedulerConfig][] = [
  ['DPMSolverMultistepScheduler', { algorithm_type: 'dpmsolver++' }],
  ['DPMSolverMultistepScheduler', { algorithm_type: 'dpmsolver', solver_type: 'heun' }],
  // Karras sigmas repeat the last sigma (h = 0 on the final step): from 15 steps on, diffusers 0.24's heun and
  // third-order updates divide 0 by 0 there, and so do these; euler_at_final is its remedy.
  ['DPMSolverMultistepScheduler', { algorithm_type: 'dpmsolver++', use_karras_sigmas: true, solver_type: 'heun', euler_at_final: true }],
  ['DPMSolverMultistepScheduler', { algorithm_type: 'dpmsolver++', use_lu_lambdas: true, euler_at_final: true }],
  ['DPMSolverSinglestepScheduler', { algorithm_type: 'dpmsolver++' }],
  ['DPMSolverSinglestepScheduler', { algorithm_type: 'dpmsolver', solver_type: 'heun' }],
  ['UniPCMultistepScheduler', { solver_type: 'bh1' }],
  ['UniPCMultistepScheduler', { solver_type: 'bh2', predict_x0: false, disable_corrector: [0] }],
  ['DEISMultistepScheduler', {}],
];

const SDE_FAMILY: [string, SchedulerConfig][] = [
  ['DPMSolverMultistepScheduler', { algorithm_type: 'sde-dpmsolver++' }],
  ['DPMSolverMultistepScheduler', { algorithm_type: 'sde-dpmsolver', solver_type: 'heun' }],
];

function assertFinite(samples: Float32Array[], what: string): void {
  for (const [i, s] of samples.entries()) assert.ok(s.every(Number.isFinite), `${what}: step ${i} is not finite`);
}

describe('part 2 schedulers beyond the oracle', () => {
  it('orders 1-3, lower_order_final on and off, at 1, 4 and 25 steps stay finite', () => {
    const cases = [...FAMILY.flatMap(([name, extra]) => [1, 2, 3].map((order) => [name, { ...extra, solver_order: order }] as const)),
      ...SDE_FAMILY.flatMap(([name, extra]) => [1, 2].map((order) => [name, { ...extra, solver_order: order }] as const))];
    for (const [name, extra] of cases) {
      for (const lowerOrderFinal of [true, false]) {
        for (const steps of [1, 4, 25]) {
          const s = new classes[name]!({ ...SD15, ...extra, lower_order_final: lowerOrderFinal });
          const samples = run(s, steps, true);
          assert.equal(samples.length, steps);
          assertFinite(samples, `${name} ${JSON.stringify(extra)} lower_order_final=${lowerOrderFinal} steps=${steps}`);
        }
      }
    }
  });

  it('KDPM2 (plain and ancestral, linear and karras) stay finite at 1, 4 and 25 steps', () => {
    for (const name of ['KDPM2DiscreteScheduler', 'KDPM2AncestralDiscreteScheduler']) {
      for (const extra of [{}, { use_karras_sigmas: true }, { timestep_spacing: 'leading' }, { timestep_spacing: 'trailing' }]) {
        for (const steps of [1, 4, 25]) {
          const s = new classes[name]!({ ...SD15, ...extra });
          const samples = run(s, steps, true);
          assert.equal(samples.length, 2 * steps - 1);
          assertFinite(samples, `${name} ${JSON.stringify(extra)} steps=${steps}`);
        }
      }
    }
  });

  it('v_prediction runs stay finite and differ from epsilon', () => {
    for (const [name, extra] of [...FAMILY, ...SDE_FAMILY, ['KDPM2DiscreteScheduler', {}], ['KDPM2AncestralDiscreteScheduler', {}]] as const) {
      const v = run(new classes[name]!({ ...SD15, ...extra, prediction_type: 'v_prediction' }), 10, true);
      const eps = run(new classes[name]!({ ...SD15, ...extra }), 10, true);
      assertFinite(v, `${name} v_prediction`);
      assert.notDeepEqual(v.at(-1), eps.at(-1));
    }
  });

  it('setTimesteps twice gives an identical run', () => {
    for (const [name, extra] of [...FAMILY, ...SDE_FAMILY, ['KDPM2DiscreteScheduler', {}], ['KDPM2AncestralDiscreteScheduler', {}]] as const) {
      const s = new classes[name]!({ ...SD15, ...extra });
      const first = run(s, 7, true);
      const second = run(s, 7, true);
      assert.deepEqual(second, first, name);
    }
  });

  it('stochastic samplers draw one latent-sized randn per step call, as diffusers does', () => {
    const cases: [string, SchedulerConfig, number][] = [
      ['DPMSolverMultistepScheduler', { algorithm_type: 'sde-dpmsolver++' }, 6],
      ['KDPM2AncestralDiscreteScheduler', {}, 11],
    ];
    for (const [name, extra, calls] of cases) {
      const s = new classes[name]!({ ...SD15, ...extra });
      s.setTimesteps(6);
      assert.equal(s.timesteps.length, calls);
      const generator = new TorchGenerator(0);
      let sample: Float32Array = new Float32Array(256).fill(0.1);
      for (const t of s.timesteps) sample = s.step(dummyModel(s.scaleModelInput(sample, t), t), t, sample, generator).prevSample;
      const reference = new TorchGenerator(0);
      for (let k = 0; k < calls; k += 1) reference.randn(256);
      assert.deepEqual(generator.randn(4), reference.randn(4), name);
    }
  });

  it('the deterministic samplers never touch the generator', () => {
    for (const [name, extra] of [...FAMILY, ['KDPM2DiscreteScheduler', {}]] as const) {
      const generator = new TorchGenerator(3);
      run(new classes[name]!({ ...SD15, ...extra }), 5, false);
      const s = new classes[name]!({ ...SD15, ...extra });
      s.setTimesteps(5);
      let sample: Float32Array = new Float32Array(256).fill(0.1);
      for (const t of s.timesteps) sample = s.step(dummyModel(s.scaleModelInput(sample, t), t), t, sample, generator).prevSample;
      assert.deepEqual(generator.randn(4), new TorchGenerator(3).randn(4), name);
    }
  });

  it('addNoise: alphas_cumprod for the multistep solvers, the run sigma for KDPM2', () => {
    const original = new Float32Array(16).fill(1);
    const noise = new Float32Array(16).fill(2);
    const dpm = new DPMSolverMultistepScheduler(SD15);
    dpm.setTimesteps(10);
    const noisy = dpm.addNoise(original, noise, 999);
    assert.ok(Math.abs(noisy[0]! - (Math.sqrt(0.0046600) + 2 * Math.sqrt(1 - 0.0046600))) < 1e-3);
    const k = new KDPM2DiscreteScheduler(SD15);
    k.setTimesteps(10);
    assert.ok(Math.abs(k.addNoise(original, noise, 999)[0]! - (1 + 2 * k.sigmas[0]!)) < 1e-5);
  });

  it('rejects what diffusers 0.24 cannot run', () => {
    assert.throws(() => new DPMSolverMultistepScheduler({ algorithm_type: 'sde-dpmsolver++', solver_order: 3 }), { code: 'invalid-scheduler-config' });
    assert.throws(() => new DPMSolverSinglestepScheduler({ algorithm_type: 'sde-dpmsolver++' }), { code: 'invalid-scheduler-config' });
    assert.throws(() => new UniPCMultistepScheduler({ solver_type: 'nope' }), { code: 'invalid-scheduler-config' });
    assert.throws(() => new DEISMultistepScheduler({ algorithm_type: 'nope' }), { code: 'invalid-scheduler-config' });
    assert.throws(() => new DPMSolverMultistepScheduler({}).step(new Float32Array(4), 1, new Float32Array(4)));
  });
});
