/**
 * UnCLIPScheduler (diffusers 0.24, Karlo / unCLIP): DDPM on the cosine schedule with its own timesteps
 * (`round(arange(n) * (T - 1) / (n - 1))`, descending, so the run ends at t = 0) and log-space small variance.
 * diffusers' step kwarg `prev_timestep` defaults to `t - 1`; the unCLIP pipelines pass the next timestep of the run,
 * which the config key `use_next_timestep` (default false, diffusers' default) selects. `learned_range` needs the
 * variance half of a doubled model output, which this flat-array contract has no channel axis for: refused. Its
 * `beta_schedule` is always the cosine one.
 */
import type { TorchGenerator } from '../tensor/random.ts';
import { checkTimestepRange, predictX0 } from './alpha-schedule.ts';
import { AlphaScheduler } from './alpha-scheduler.ts';
import { betasFor } from './betas.ts';
import { oneOf, resolveConfig } from './config.ts';
import type { SchedulerConfig, StepOutput } from './scheduler.ts';
import { addScaled, axpby, checkPrepared, checkStepLengths, checkSteps, clampInPlace, randn } from './tensor-ops.ts';
import { roundHalfEven } from './timesteps.ts';

const f32 = Math.fround;

/** diffusers 0.24 constructor defaults, plus the step kwarg as a config key. */
export const UNCLIP_DEFAULTS = Object.freeze({
  num_train_timesteps: 1000, variance_type: 'fixed_small_log', clip_sample: true, clip_sample_range: 1.0,
  prediction_type: 'epsilon', beta_schedule: 'squaredcos_cap_v2', use_next_timestep: false,
});

/** unCLIP's DDPM variant. */
export class UnCLIPScheduler extends AlphaScheduler {
  readonly #betas: Float32Array;

  /** Builds from a diffusers config (unknown keys ignored, defaults filled). */
  constructor(given: SchedulerConfig = {}) {
    // unCLIP is defined on the cosine schedule only (diffusers refuses others). A model's own schedule merged in by a
    // sampler name is replaced, so the resolved config says what runs.
    const config = resolveConfig('UnCLIPScheduler', UNCLIP_DEFAULTS, { ...given, beta_schedule: 'squaredcos_cap_v2' });
    oneOf(config, 'variance_type', ['fixed_small_log']);
    super(config, oneOf(config, 'prediction_type', ['epsilon', 'sample']));
    this.#betas = betasFor(config);
  }

  /** `round(arange(n) * (T - 1) / (n - 1))`, reversed; one step is timestep 0 (diffusers' 0 * inf is NaN there). */
  override setTimesteps(numInferenceSteps: number): void {
    const numTrain = this.config.num_train_timesteps as number;
    checkSteps(numInferenceSteps, numTrain, 'UnCLIPScheduler');
    const ratio = numInferenceSteps > 1 ? (numTrain - 1) / (numInferenceSteps - 1) : 0;
    const timesteps = Array.from({ length: numInferenceSteps }, (_, i) => roundHalfEven(i * ratio)).reverse();
    checkTimestepRange(timesteps, numTrain, 'UnCLIPScheduler');
    this.startRun(timesteps, numInferenceSteps);
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): StepOutput {
    checkPrepared(this.numInferenceSteps > 0, 'UnCLIPScheduler');
    checkStepLengths(modelOutput, sample);
    const t = timestep;
    const prevT = this.#prevTimestep(t);
    const a = this.alphaAt(t);
    const aPrev = prevT >= 0 ? this.alphaAt(prevT) : 1;
    const [b, bPrev] = [f32(1 - a), f32(1 - aPrev)];
    const beta = prevT === t - 1 ? this.#betas[t]! : f32(1 - f32(a / aPrev));
    const alpha = f32(1 - beta);
    const x0 = predictX0(this.predictionType, modelOutput, sample, a, new Float32Array(sample.length));
    if (this.config.clip_sample === true) clampInPlace(x0, this.config.clip_sample_range as number);
    const x0Coeff = f32(f32(f32(Math.sqrt(aPrev)) * beta) / b);
    const sampleCoeff = f32(f32(f32(Math.sqrt(alpha)) * bPrev) / b);
    const prev = axpby(x0Coeff, x0, sampleCoeff, sample);
    if (t <= 0) return { prevSample: prev, predOriginalSample: x0 };
    const variance = Math.max(f32(f32(bPrev / b) * beta), 1e-20);
    const std = f32(Math.exp(f32(0.5 * f32(Math.log(variance)))));
    return { prevSample: addScaled(prev, randn(sample.length, generator), std, prev), predOriginalSample: x0 };
  }

  /** diffusers' default `t - 1`, or the run's next timestep (and `t - 1` after the last) as the pipelines pass it. */
  #prevTimestep(t: number): number {
    if (this.config.use_next_timestep !== true) return t - 1;
    const i = this.timesteps.indexOf(t);
    return i >= 0 && i + 1 < this.timesteps.length ? this.timesteps[i + 1]! : t - 1;
  }
}
