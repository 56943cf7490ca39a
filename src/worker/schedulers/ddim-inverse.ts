/**
 * DDIMInverseScheduler (diffusers 0.24): DDIM run backwards, image -> noise (Mokady et al., null-text inversion).
 * Timesteps ascend; each step moves the sample from the timestep one stride below to `timestep`, so the noise
 * estimate made at the lower noise level carries the sample up. Deterministic (diffusers' `eta` is unused here).
 * diffusers has no `add_noise` for it; the contract's forward noising uses `alphas_cumprod` as DDIM does.
 */
import type { TorchGenerator } from '../tensor/random.ts';
import { alphaConfig, checkTimestepRange, predictX0 } from './alpha-schedule.ts';
import { AlphaScheduler } from './alpha-scheduler.ts';
import { oneOf } from './config.ts';
import { predictEpsilon } from './ddim.ts';
import type { SchedulerConfig, StepOutput } from './scheduler.ts';
import { axpby, checkPrepared, checkStepLengths, checkSteps, clampInPlace } from './tensor-ops.ts';
import { leadingSpacing, trailingSpacing } from './timesteps.ts';

const f32 = Math.fround;

/** diffusers 0.24 constructor defaults (no dynamic thresholding in this class). */
export const DDIM_INVERSE_DEFAULTS = Object.freeze({
  num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null,
  clip_sample: true, set_alpha_to_one: true, steps_offset: 0, prediction_type: 'epsilon', clip_sample_range: 1.0,
  timestep_spacing: 'leading', rescale_betas_zero_snr: false,
});

/** Inverse DDIM: the deterministic DDIM update with the roles of `t` and `t - stride` swapped. */
export class DDIMInverseScheduler extends AlphaScheduler {
  /** Builds from a diffusers config (unknown keys ignored, defaults filled). */
  constructor(given: SchedulerConfig = {}) {
    const { config, predictionType } = alphaConfig('DDIMInverseScheduler', DDIM_INVERSE_DEFAULTS, given);
    // diffusers 0.24 refuses "linspace" here.
    oneOf(config, 'timestep_spacing', ['leading', 'trailing']);
    super(config, predictionType);
  }

  /** diffusers' spacings, ascending: "leading" `arange(n) * (T // n) + offset`, "trailing" the reversed DDIM one. */
  override setTimesteps(numInferenceSteps: number): void {
    const numTrain = this.config.num_train_timesteps as number;
    checkSteps(numInferenceSteps, numTrain, 'DDIMInverseScheduler');
    const spaced = this.config.timestep_spacing === 'leading'
      ? leadingSpacing(numTrain, numInferenceSteps, this.config.steps_offset as number)
      : trailingSpacing(numTrain, numInferenceSteps);
    const timesteps = spaced.reverse();
    checkTimestepRange(timesteps, numTrain, 'DDIMInverseScheduler');
    this.startRun(timesteps, numInferenceSteps);
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, _generator?: TorchGenerator): StepOutput {
    checkPrepared(this.numInferenceSteps > 0, 'DDIMInverseScheduler');
    checkStepLengths(modelOutput, sample);
    const numTrain = this.config.num_train_timesteps as number;
    // diffusers: the sample is at `timestep - stride` (capped to the last training timestep) and goes to `timestep`.
    const from = Math.min(timestep - Math.floor(numTrain / this.numInferenceSteps), numTrain - 1);
    const a = this.alphaPrev(from);
    const aNext = this.alphaAt(timestep);
    const sqrtA = f32(Math.sqrt(a));
    const sqrtB = f32(Math.sqrt(f32(1 - a)));
    const x0 = predictX0(this.predictionType, modelOutput, sample, a, new Float32Array(sample.length));
    const eps = predictEpsilon(this.predictionType, modelOutput, sample, x0, sqrtA, sqrtB);
    if (this.config.clip_sample === true) clampInPlace(x0, this.config.clip_sample_range as number);
    const prevSample = axpby(f32(Math.sqrt(aNext)), x0, f32(Math.sqrt(f32(1 - aNext))), eps);
    return { prevSample, predOriginalSample: x0 };
  }
}
