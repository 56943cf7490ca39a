/**
 * LCMScheduler (diffusers 0.24): multistep consistency sampling for latent consistency models. Each step jumps
 * to the denoised estimate (with the consistency boundary scalings), then re-noises to the next timestep with
 * fresh noise, except on the last step. Dynamic thresholding (`thresholding`) as diffusers does it.
 */
import { DiffusionError } from '../protocol/errors.ts';
import type { TorchGenerator } from '../tensor/random.ts';
import { alphaConfig, predictX0 } from './alpha-schedule.ts';
import { AlphaScheduler } from './alpha-scheduler.ts';
import type { SchedulerConfig, StepOutput } from './scheduler.ts';
import { thresholdInPlace } from './thresholding.ts';
import { axpby, checkPrepared, checkStepLengths, checkSteps, clampInPlace, randn } from './tensor-ops.ts';
import { initStepIndex } from './timesteps.ts';

const f32 = Math.fround;
/** sigma_data of the consistency-model boundary condition; diffusers hard-codes 0.5. */
const SIGMA_DATA = 0.5;

/** diffusers 0.24 constructor defaults. */
export const LCM_DEFAULTS = Object.freeze({
  num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear',
  trained_betas: null, original_inference_steps: 50, clip_sample: false, clip_sample_range: 1.0,
  set_alpha_to_one: true, steps_offset: 0, prediction_type: 'epsilon', thresholding: false,
  dynamic_thresholding_ratio: 0.995, sample_max_value: 1.0, timestep_spacing: 'leading', timestep_scaling: 10.0,
  rescale_betas_zero_snr: false,
});

/** Latent consistency model sampling: few steps (typically 2-8), stochastic between steps. */
export class LCMScheduler extends AlphaScheduler {
  #stepIndex: number | null = null;

  /** Builds from a diffusers config (unknown keys ignored, defaults filled). */
  constructor(given: SchedulerConfig = {}) {
    const { config, predictionType } = alphaConfig('LCMScheduler', LCM_DEFAULTS, given);
    super(config, predictionType);
  }

  /**
   * LCM's schedule: of the `original_inference_steps` training-time timesteps, from the end, the ones at
   * floor(np.linspace(0, n, steps, endpoint=False)) as diffusers 0.24 picks them (evenly spread even when
   * `steps` does not divide n: 4 of 50 gives 999, 759, 499, 259).
   */
  override setTimesteps(numInferenceSteps: number): void {
    const numTrain = this.config.num_train_timesteps as number;
    const original = this.config.original_inference_steps as number;
    checkSteps(numInferenceSteps, Math.min(numTrain, original), 'LCMScheduler');
    if (original > numTrain) {
      throw new DiffusionError('invalid-scheduler-config', 'LCMScheduler: original_inference_steps exceeds num_train_timesteps.', { details: { key: 'original_inference_steps' } });
    }
    const c = Math.floor(numTrain / original);
    const origin = Array.from({ length: original }, (_, i) => (i + 1) * c - 1);
    const reversed = origin.reverse();
    // np.linspace(0, len, num, endpoint=False) is arange(num) * (len / num): the same float products here.
    const spacing = reversed.length / numInferenceSteps;
    const timesteps = Array.from({ length: numInferenceSteps }, (_, i) => reversed[Math.floor(i * spacing)]!);
    this.startRun(timesteps, numInferenceSteps);
    this.#stepIndex = null;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): StepOutput {
    checkPrepared(this.timesteps.length > 0, 'LCMScheduler');
    checkStepLengths(modelOutput, sample);
    this.#stepIndex ??= initStepIndex(this.timesteps, timestep);
    const index = this.#stepIndex;
    const prevT = index + 1 < this.timesteps.length ? this.timesteps[index + 1]! : timestep;
    const a = this.alphaAt(timestep);
    const aPrev = this.alphaPrev(prevT);
    const { cSkip, cOut } = boundaryScalings(timestep, this.config.timestep_scaling as number);
    const n = sample.length;
    const x0 = predictX0(this.predictionType, modelOutput, sample, a, new Float32Array(n));
    if (!thresholdInPlace(this.config, x0) && this.config.clip_sample === true) clampInPlace(x0, this.config.clip_sample_range as number);
    // x0 is this step's own scratch, so the denoised estimate can overwrite it.
    const denoised = axpby(cOut, x0, cSkip, sample, x0);
    this.#stepIndex += 1;
    // diffusers 0.24 draws no noise on the last step.
    if (index === this.timesteps.length - 1) return { prevSample: denoised.slice(), predOriginalSample: denoised };
    const noise = randn(n, generator);
    return { prevSample: axpby(Math.sqrt(aPrev), denoised, Math.sqrt(f32(1 - aPrev)), noise), predOriginalSample: denoised };
  }
}

/** diffusers' `get_scalings_for_boundary_condition_discrete`, in float32 (the timestep is scaled first). */
function boundaryScalings(timestep: number, timestepScaling: number): { cSkip: number; cOut: number } {
  const scaled = f32(timestep * f32(timestepScaling));
  const denom = f32(f32(scaled * scaled) + SIGMA_DATA ** 2);
  return { cSkip: f32(SIGMA_DATA ** 2 / denom), cOut: f32(scaled / f32(Math.sqrt(denom))) };
}
