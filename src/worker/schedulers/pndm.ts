/**
 * PNDMScheduler (diffusers 0.24): pseudo numerical methods (Liu et al. 2022). With `skip_prk_steps` it is the
 * PLMS sampler of latent diffusion (Stable Diffusion's original default); without, three Runge–Kutta warm-up
 * steps of four model calls each precede the linear multistep steps.
 */
import { DiffusionError } from '../protocol/errors.ts';
import type { TorchGenerator } from '../tensor/random.ts';
import { checkTimestepRange, integerTimesteps, predictX0 } from './alpha-schedule.ts';
import { AlphaScheduler } from './alpha-scheduler.ts';
import { oneOf, resolveConfig } from './config.ts';
import type { SchedulerConfig, StepOutput } from './scheduler.ts';
import { checkPrepared, checkStepInputs, checkSteps } from './tensor-ops.ts';

const f32 = Math.fround;
const PNDM_ORDER = 4;

/** diffusers 0.24 constructor defaults. */
export const PNDM_DEFAULTS = Object.freeze({
  num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
  skip_prk_steps: false, set_alpha_to_one: false, prediction_type: 'epsilon', timestep_spacing: 'leading',
  steps_offset: 0,
});

/** PLMS / PNDM: deterministic multistep sampling on alphas_cumprod. */
export class PNDMScheduler extends AlphaScheduler {
  #prkCount = 0;
  #counter = 0;
  #ets: Float32Array[] = [];
  #curSample: Float32Array | null = null;
  #curModelOutput: Float32Array | null = null;

  /** Builds from a diffusers config (unknown keys ignored, defaults filled). */
  constructor(given: SchedulerConfig = {}) {
    const config = resolveConfig('PNDMScheduler', PNDM_DEFAULTS, given);
    // diffusers' PNDM supports only epsilon and v-prediction.
    super(config, oneOf(config, 'prediction_type', ['epsilon', 'v_prediction']));
  }

  override setTimesteps(numInferenceSteps: number): void {
    const numTrain = this.config.num_train_timesteps as number;
    checkSteps(numInferenceSteps, numTrain, 'PNDMScheduler');
    // PNDM builds the spacing's timesteps ascending.
    const base = integerTimesteps(this.config, numInferenceSteps).reverse();
    let prk: number[] = [];
    let plms: number[];
    if (this.config.skip_prk_steps === true) {
      // PLMS repeats the second-to-last timestep: its first step needs two model calls.
      plms = [...base.slice(0, -1), ...base.slice(-2, -1), ...base.slice(-1)].reverse();
    } else {
      const half = Math.floor(Math.floor(numTrain / numInferenceSteps) / 2);
      const pairs = base.slice(-PNDM_ORDER).flatMap((t) => [t, t + half]);
      prk = pairs.slice(0, -1).flatMap((t) => [t, t]).slice(1, -1).reverse();
      plms = base.slice(0, -3).reverse();
    }
    checkTimestepRange([...prk, ...plms], numTrain, 'PNDMScheduler');
    this.startRun([...prk, ...plms], numInferenceSteps);
    this.#prkCount = prk.length;
    this.#counter = 0;
    this.#ets = [];
    this.#curSample = null;
    this.#curModelOutput = null;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, _generator?: TorchGenerator): StepOutput {
    checkPrepared(this.numInferenceSteps > 0, 'PNDMScheduler');
    checkStepInputs(modelOutput, sample);
    const prev = this.#counter < this.#prkCount && this.config.skip_prk_steps !== true
      ? this.#stepPrk(modelOutput, timestep, sample)
      : this.#stepPlms(modelOutput, timestep, sample);
    this.#counter += 1;
    return prev;
  }

  /** A Runge–Kutta warm-up call: accumulates the 1/6, 1/3, 1/3, 1/6 weighted outputs over four calls. */
  #stepPrk(modelOutput: Float32Array, timestep: number, sample: Float32Array): StepOutput {
    const ratio = Math.floor((this.config.num_train_timesteps as number) / this.numInferenceSteps);
    const prevT = timestep - (this.#counter % 2 ? 0 : Math.floor(ratio / 2));
    const t = this.timesteps[Math.floor(this.#counter / 4) * 4]!;
    const phase = this.#counter % 4;
    let output = modelOutput;
    const acc = this.#curModelOutput;
    if (phase === 0) {
      this.#curModelOutput = modelOutput.map((v) => f32(f32(1 / 6) * v));
      this.#ets.push(modelOutput);
      this.#curSample = sample;
    } else if (phase === 1 || phase === 2) {
      acc!.forEach((v, i) => (acc![i] = v + f32(f32(1 / 3) * modelOutput[i]!)));
    } else {
      output = acc!.map((v, i) => v + f32(f32(1 / 6) * modelOutput[i]!));
      this.#curModelOutput = null;
    }
    return this.#prevSample(this.#curSample ?? sample, t, prevT, output);
  }

  /** A linear multistep call: Adams–Bashforth on the stored outputs (orders 1 to 4). */
  #stepPlms(modelOutput: Float32Array, timestep: number, sample: Float32Array): StepOutput {
    if (this.config.skip_prk_steps !== true && this.#ets.length < 3) {
      throw new DiffusionError('invalid-argument', 'PNDMScheduler: PLMS needs the Runge-Kutta warm-up steps first.');
    }
    const ratio = Math.floor((this.config.num_train_timesteps as number) / this.numInferenceSteps);
    let t = timestep;
    let prevT = timestep - ratio;
    if (this.#counter !== 1) {
      this.#ets = [...this.#ets.slice(-3), modelOutput];
    } else {
      prevT = timestep;
      t = timestep + ratio;
    }
    const e = this.#ets;
    let x = sample;
    let output: Float32Array;
    if (e.length === 1 && this.#counter === 0) {
      output = modelOutput;
      this.#curSample = sample;
    } else if (e.length === 1 && this.#counter === 1) {
      output = modelOutput.map((v, i) => f32(v + e[0]![i]!) / 2);
      x = this.#curSample!;
      this.#curSample = null;
    } else {
      output = adamsBashforth(e);
    }
    return this.#prevSample(x, t, prevT, output);
  }

  /**
   * Formula (9) of the PNDM paper: the sample at `prevT` from the one at `t` and the noise estimate. diffusers
   * returns no x0 here; the estimate is the one that noise implies, `(sample - sqrt(1 - a) * eps) / sqrt(a)`.
   */
  #prevSample(sample: Float32Array, t: number, prevT: number, modelOutput: Float32Array): StepOutput {
    const a = this.alphaAt(t);
    const aPrev = this.alphaPrev(prevT);
    const b = f32(1 - a);
    const bPrev = f32(1 - aPrev);
    let eps = modelOutput;
    if (this.predictionType === 'v_prediction') {
      const sa = f32(Math.sqrt(a));
      const sb = f32(Math.sqrt(b));
      eps = modelOutput.map((v, i) => f32(sa * v) + f32(sb * sample[i]!));
    }
    const sampleCoeff = f32(Math.sqrt(f32(aPrev / a)));
    const denom = f32(f32(a * f32(Math.sqrt(bPrev))) + f32(Math.sqrt(f32(f32(a * b) * aPrev))));
    const diff = f32(aPrev - a);
    const prev = new Float32Array(sample.length);
    for (let i = 0; i < prev.length; i += 1) {
      prev[i] = f32(sampleCoeff * sample[i]!) - f32(f32(diff * eps[i]!) / denom);
    }
    return { prevSample: prev, predOriginalSample: predictX0('epsilon', eps, sample, a, new Float32Array(sample.length)) };
  }
}

/** The Adams–Bashforth combination of the last 2, 3 or 4 outputs, in diffusers' float32 operation order. */
function adamsBashforth(e: Float32Array[]): Float32Array {
  const n = e[0]!.length;
  const out = new Float32Array(n);
  const [e1, e2, e3, e4] = [e[e.length - 1]!, e[e.length - 2]!, e[e.length - 3], e[e.length - 4]];
  if (e.length === 2) {
    for (let i = 0; i < n; i += 1) out[i] = f32(f32(3 * e1[i]!) - e2[i]!) / 2;
  } else if (e.length === 3) {
    for (let i = 0; i < n; i += 1) out[i] = f32(f32(f32(23 * e1[i]!) - f32(16 * e2[i]!)) + f32(5 * e3![i]!)) / 12;
  } else {
    const w = f32(1 / 24);
    for (let i = 0; i < n; i += 1) {
      const s = f32(f32(f32(f32(55 * e1[i]!) - f32(59 * e2[i]!)) + f32(37 * e3![i]!)) - f32(9 * e4![i]!));
      out[i] = f32(w * s);
    }
  }
  return out;
}
