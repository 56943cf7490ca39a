/**
 * IPNDMScheduler (diffusers 0.24): the improved pseudo numerical method (fourth-order Adams–Bashforth with a
 * lower-order start, Zhang & Chen 2022) on v-diffusion's continuous schedule: timesteps in (0, 1], a noise level
 * `sigma = sin(t pi / 2)^2` ("betas" in diffusers) and `alpha = sqrt(1 - sigma^2)`. diffusers has no `add_noise`
 * here; the contract's forward noising is `alpha * x + sigma * noise` at the timestep's index.
 */
import { DiffusionError } from '../protocol/errors.ts';
import type { TorchGenerator } from '../tensor/random.ts';
import { torchLinspaceF32 } from './betas.ts';
import { resolveConfig, type ResolvedConfig } from './config.ts';
import type { Scheduler, SchedulerConfig, StepOutput } from './scheduler.ts';
import { checkPrepared, checkSameLength, checkStepInputs, checkSteps, unknownTimestep } from './tensor-ops.ts';
import { initStepIndex } from './timesteps.ts';

const f32 = Math.fround;
const PI = f32(Math.PI);

/** diffusers 0.24 constructor defaults. */
export const IPNDM_DEFAULTS = Object.freeze({ num_train_timesteps: 1000, trained_betas: null });

/** iPNDM: one model evaluation per step, the last four combined. */
export class IPNDMScheduler implements Scheduler {
  readonly config: ResolvedConfig;
  readonly order = 1;
  readonly initNoiseSigma = 1;
  readonly sigmas: readonly number[] = Object.freeze([]);
  #timesteps: readonly number[] = [];
  /** `betas` (the noise level) and `alphas` per index, n + 1 of each (the last is the clean end). */
  #sigma: Float32Array = new Float32Array(0);
  #alpha: Float32Array = new Float32Array(0);
  /** The last four `ets` (newest last) and how many steps made them. */
  #ets: Float32Array[] = [];
  #count = 0;
  #stepIndex: number | null = null;

  /** Builds from a diffusers config (unknown keys ignored, defaults filled). */
  constructor(given: SchedulerConfig = {}) {
    this.config = resolveConfig('IPNDMScheduler', IPNDM_DEFAULTS, given);
  }

  get timesteps(): readonly number[] {
    return this.#timesteps;
  }

  /** diffusers' `set_timesteps`, in float32: `linspace(1, 0, n + 1)`, the sine schedule, `atan2` timesteps. */
  setTimesteps(numInferenceSteps: number): void {
    checkSteps(numInferenceSteps, this.config.num_train_timesteps as number, 'IPNDMScheduler');
    const steps = torchLinspaceF32(1, 0, numInferenceSteps + 1);
    steps[numInferenceSteps] = 0;
    this.#sigma = this.#noiseLevels(steps);
    this.#alpha = this.#sigma.map((b) => f32(Math.sqrt(f32(1 - f32(b * b)))));
    const ts = Array.from(this.#sigma.subarray(0, numInferenceSteps), (b, i) => f32(f32(f32(Math.atan2(b, this.#alpha[i]!)) / PI) * 2));
    this.#timesteps = Object.freeze(ts);
    this.#ets = [];
    this.#count = 0;
    this.#stepIndex = null;
  }

  /** `trained_betas` (one per timestep plus the end, as diffusers indexes them), else `sin(steps * pi / 2)^2`. */
  #noiseLevels(steps: Float32Array): Float32Array {
    const trained = this.config.trained_betas as ArrayLike<number> | null;
    if (trained === null) {
      return steps.map((s) => {
        const sine = f32(Math.sin(f32(f32(s * PI) / 2)));
        return f32(sine * sine);
      });
    }
    if (trained.length !== steps.length) {
      throw new DiffusionError('invalid-scheduler-config', `IPNDMScheduler: trained_betas needs ${steps.length} values for ${steps.length - 1} steps, got ${trained.length}.`, {
        details: { key: 'trained_betas' },
      });
    }
    return Float32Array.from(trained);
  }

  scaleModelInput(sample: Float32Array, _timestep: number): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, _generator?: TorchGenerator): StepOutput {
    checkPrepared(this.#timesteps.length > 0, 'IPNDMScheduler');
    checkStepInputs(modelOutput, sample);
    const i = (this.#stepIndex ??= initStepIndex(this.#timesteps, timestep));
    const [sigma, alpha] = [this.#sigma[i]!, this.#alpha[i]!];
    const current = new Float32Array(sample.length);
    for (let k = 0; k < current.length; k += 1) current[k] = f32(sample[k]! * sigma) + f32(modelOutput[k]! * alpha);
    this.#ets = [...this.#ets.slice(-3), current];
    this.#count += 1;
    const ets = adamsBashforth(this.#ets, this.#count);
    // diffusers divides by max(alpha, 1e-8): alpha is 0 at t = 1.
    const divisor = alpha > 1e-8 ? alpha : f32(1e-8);
    const [nextSigma, nextAlpha] = [this.#sigma[i + 1]!, this.#alpha[i + 1]!];
    const pred = new Float32Array(sample.length);
    const prev = new Float32Array(sample.length);
    for (let k = 0; k < prev.length; k += 1) {
      pred[k] = f32(sample[k]! - f32(sigma * ets[k]!)) / divisor;
      prev[k] = f32(nextAlpha * pred[k]!) + f32(ets[k]! * nextSigma);
    }
    this.#stepIndex = i + 1;
    return { prevSample: prev, predOriginalSample: pred };
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    const i = this.#timesteps.indexOf(timestep);
    if (i < 0) throw unknownTimestep('IPNDMScheduler', timestep);
    checkSameLength(original, noise, 'addNoise(original, noise, timestep)');
    const out = new Float32Array(original.length);
    for (let k = 0; k < out.length; k += 1) out[k] = f32(this.#alpha[i]! * original[k]!) + f32(this.#sigma[i]! * noise[k]!);
    return out;
  }
}

/** diffusers' combination of the newest `ets` (orders 1 to 4 as the run goes on), in its float32 operation order. */
function adamsBashforth(e: readonly Float32Array[], count: number): Float32Array {
  const [a, b, c, d] = [e[e.length - 1]!, e[e.length - 2], e[e.length - 3], e[e.length - 4]];
  if (count === 1) return a;
  const out = new Float32Array(a.length);
  const w = f32(1 / 24);
  for (let k = 0; k < out.length; k += 1) {
    if (count === 2) out[k] = f32(f32(3 * a[k]!) - b![k]!) / 2;
    else if (count === 3) out[k] = f32(f32(f32(23 * a[k]!) - f32(16 * b![k]!)) + f32(5 * c![k]!)) / 12;
    else out[k] = f32(w * f32(f32(f32(f32(55 * a[k]!) - f32(59 * b![k]!)) + f32(37 * c![k]!)) - f32(9 * d![k]!)));
  }
  return out;
}
