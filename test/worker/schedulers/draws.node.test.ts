// Noise draws per step: each class consumes the generator passed to `step` exactly as diffusers 0.24's `step`
// calls `randn_tensor` (draws it makes and then leaves unused included), so a shared seeded generator stays in sync.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseSchedulerConfigJson } from '../../../src/worker/schedulers/config.ts';
import { createScheduler, schedulerClassNames } from '../../../src/worker/schedulers/registry.ts';
import type { SchedulerConfig } from '../../../src/worker/schedulers/scheduler.ts';
import { TorchGenerator } from '../../../src/worker/tensor/random.ts';

/** A TorchGenerator that records the size of every `randn` call. */
class CountingGenerator extends TorchGenerator {
  readonly sizes: number[] = [];

  override randn(n: number): Float32Array {
    this.sizes.push(n);
    return super.randn(n);
  }

  /** A draw made and left unused counts as a draw: it advances the stream the same. */
  override skipRandn(n: number): void {
    this.sizes.push(n);
    super.skipRandn(n);
  }
}

interface StepInfo { readonly i: number; readonly t: number; readonly n: number; readonly config: Readonly<Record<string, unknown>> }

/**
 * `randn_tensor` calls per `step` in diffusers 0.24.0, read from each class's `step`: DDPM draws when t > 0, DDIM
 * when eta > 0, Euler always (used only when churning), Euler ancestral and KDPM2 ancestral always (KDPM2 a on
 * both halves), DPM-Solver multistep only for the SDE algorithms, LCM except on the last step, CMStochasticIterative
 * unless the run has one step. PNDM, Heun, LMS,
 * KDPM2, DPM-Solver singlestep, UniPC, DEIS, IPNDM, DDIMInverse, DPMSolverMultistepInverse (whose SDE
 * variants are refused) and DPMSolverSDE (Brownian-tree noise) take no generator in 0.24 and never draw; the
 * parallel DDPM / DDIM step as their bases do.
 */
function expectedDraws(className: string, { i, t, n, config }: StepInfo): number {
  switch (className) {
    case 'DDPMScheduler':
    case 'DDPMParallelScheduler':
    case 'UnCLIPScheduler': return t > 0 ? 1 : 0;
    case 'DDIMScheduler':
    case 'DDIMParallelScheduler': return (config.eta as number) > 0 ? 1 : 0;
    case 'EulerDiscreteScheduler':
    case 'EulerAncestralDiscreteScheduler':
    case 'KDPM2AncestralDiscreteScheduler': return 1;
    case 'DPMSolverMultistepScheduler': return String(config.algorithm_type).startsWith('sde-') ? 1 : 0;
    case 'LCMScheduler': return i !== n - 1 ? 1 : 0;
    case 'CMStochasticIterativeScheduler': return n > 1 ? 1 : 0;
    default: return 0;
  }
}

const SIZE = 256;
const f32 = Math.fround;

/** Runs the oracle's dummy-model loop with a counting generator; returns the draws of each step. */
function drawsPerStep(config: SchedulerConfig, steps: number): { draws: number[]; expected: number[] } {
  const scheduler = createScheduler(config);
  scheduler.setTimesteps(steps);
  let sample = Float32Array.from({ length: SIZE }, (_, k) => (f32(k / SIZE) - 0.5) * scheduler.initNoiseSigma);
  const generator = new CountingGenerator(0);
  const draws: number[] = [];
  const expected: number[] = [];
  const n = scheduler.timesteps.length;
  scheduler.timesteps.forEach((t, i) => {
    const input = scheduler.scaleModelInput(sample, t);
    const output = input.map((v) => f32(v * t) / f32(t + 1));
    const before = generator.sizes.length;
    sample = scheduler.step(output, t, sample, generator).prevSample;
    const made = generator.sizes.slice(before);
    made.forEach((size) => assert.equal(size, SIZE, `step ${i}: a draw of ${size} values, not the sample's ${SIZE}`));
    draws.push(made.length);
    expected.push(expectedDraws(String(config._class_name), { i, t, n, config: scheduler.config }));
  });
  return { draws, expected };
}

interface OracleVariant {
  readonly class: string;
  readonly config: Record<string, unknown>;
  readonly step_kwargs: Record<string, unknown>;
  readonly run: { readonly num_inference_steps: number; readonly steps: Array<{ readonly randn_draws?: number }> };
}

const url = new URL('../../fixtures/oracle/schedulers-sd15-10-steps.json', import.meta.url);
const oracle = parseSchedulerConfigJson(readFileSync(url, 'utf8')) as unknown as { schedulers: Record<string, OracleVariant> };

describe('noise draws per step match diffusers 0.24', () => {
  describe('oracle variants (SD 1.5 config, 10 steps)', () => {
    for (const [name, variant] of Object.entries(oracle.schedulers)) {
      it(name, () => {
        const config = { ...variant.config, ...variant.step_kwargs, _class_name: variant.class };
        const { draws, expected } = drawsPerStep(config, variant.run.num_inference_steps);
        assert.deepEqual(draws, expected);
        // The oracle's own per-step count, where its records carry one.
        variant.run.steps.forEach((step, i) => {
          if (step.randn_draws !== undefined) assert.equal(draws[i], step.randn_draws, `step ${i} vs the oracle`);
        });
      });
    }
  });

  it('Euler with the default config draws once per step, though it uses no noise', () => {
    const { draws } = drawsPerStep({ _class_name: 'EulerDiscreteScheduler' }, 10);
    assert.deepEqual(draws, new Array(10).fill(1));
  });

  it('Euler with churn still draws once per step (and uses it)', () => {
    const { draws } = drawsPerStep({ _class_name: 'EulerDiscreteScheduler', s_churn: 1 }, 10);
    assert.deepEqual(draws, new Array(10).fill(1));
  });

  it('Euler without churn gives the same result with or without a generator', () => {
    const config = { _class_name: 'EulerDiscreteScheduler' };
    const run = (withGenerator: boolean): Float32Array => {
      const scheduler = createScheduler(config);
      scheduler.setTimesteps(5);
      let sample = Float32Array.from({ length: SIZE }, (_, k) => f32(k / SIZE) - 0.5);
      for (const t of scheduler.timesteps) {
        const output = scheduler.scaleModelInput(sample, t).map((v) => f32(v * t) / f32(t + 1));
        sample = scheduler.step(output, t, sample, withGenerator ? new TorchGenerator(1) : undefined).prevSample;
      }
      return sample;
    };
    assert.deepEqual(run(true), run(false));
  });

  describe('every registered class, its default config', () => {
    for (const className of schedulerClassNames()) {
      it(className, () => {
        const { draws, expected } = drawsPerStep({ _class_name: className, steps_offset: 0 }, 10);
        assert.deepEqual(draws, expected);
      });
    }
  });

  it('DDPM with leading spacing and steps_offset 0 skips the draw at t = 0 only', () => {
    const { draws } = drawsPerStep({ _class_name: 'DDPMScheduler' }, 10);
    assert.deepEqual(draws, [1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
  });

  it('DPM-Solver++ SDE, first order, draws once per step', () => {
    const { draws } = drawsPerStep({ _class_name: 'DPMSolverMultistepScheduler', algorithm_type: 'sde-dpmsolver++', solver_order: 1 }, 6);
    assert.deepEqual(draws, new Array(6).fill(1));
  });
});
