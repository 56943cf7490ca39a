/**
 * KDPM2AncestralDiscreteScheduler of diffusers 0.24.0: DPM-Solver-2 with ancestral sampling. Each step splits the
 * next sigma into a deterministic `sigma_down` and fresh noise of size `sigma_up`; like diffusers it draws one
 * noise tensor from the generator at every `step` call (both halves), and adds it only in the second half.
 */
import type { TorchGenerator } from '../tensor/random.ts';
import { alphasCumprodOf, solverConfig } from './multistep-common.ts';
import {
  geometricMidpoint, indexWithCounter, interleave, kdpm2Defaults, kdpm2Move, kdpm2Schedule,
  scaleBySigma, sigmaToTF32, type Kdpm2Config,
} from './kdpm2-discrete.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';
import { addNoiseSigma, checkPrepared, checkStepLengths, checkSteps, randn } from './tensor-ops.ts';
import { initStepIndex } from './timesteps.ts';

const f32 = Math.fround;

/** Diffusers 0.24.0's constructor defaults for KDPM2AncestralDiscreteScheduler (the same keys as KDPM2). */
export const kdpm2AncestralDefaults = kdpm2Defaults;

/** Ancestral split of each step, float32 as torch: `up = sqrt(next^2 (s^2 - next^2) / s^2)`, `down = sqrt(next^2 - up^2)`. */
export function ancestralSigmas(sigmas: readonly number[]): { up: number[]; down: number[] } {
  const up = sigmas.map((s, k) => {
    const next = k + 1 < sigmas.length ? sigmas[k + 1]! : 0;
    const n2 = f32(next * next);
    const s2 = f32(s * s);
    return f32(Math.sqrt(f32(f32(n2 * f32(s2 - n2)) / s2)));
  });
  const down = sigmas.map((_, k) => {
    const next = k + 1 < sigmas.length ? sigmas[k + 1]! : 0;
    return k === sigmas.length - 1 ? 0 : f32(Math.sqrt(f32(f32(next * next) - f32(up[k]! * up[k]!))));
  });
  return { up, down };
}

/** DPM-Solver-2 ancestral sampler (diffusers' KDPM2AncestralDiscreteScheduler, 0.24.0). */
export class KDPM2AncestralDiscreteScheduler implements Scheduler {
  readonly config: Readonly<Record<string, unknown>>;
  readonly order = 2;
  #c: Kdpm2Config;
  #alphasCumprod: Float32Array;
  #timesteps: number[] = [];
  #sigmas: number[] = [];
  #sigmasInterpol: number[] = [];
  #sigmasUp: number[] = [];
  #sigmasDown: number[] = [];
  #sample: Float32Array | null = null;
  #counter = new Map<number, number>();
  #stepIndex: number | null = null;

  constructor(given: SchedulerConfig = {}) {
    this.#c = solverConfig('KDPM2AncestralDiscreteScheduler', kdpm2AncestralDefaults, given);
    this.config = this.#c;
    this.#alphasCumprod = alphasCumprodOf(this.#c);
    // Diffusers' constructor prepares a full-length schedule, so `initNoiseSigma` is defined before setTimesteps.
    this.setTimesteps(this.#c.num_train_timesteps);
  }

  get timesteps(): readonly number[] {
    return this.#timesteps;
  }

  get sigmas(): readonly number[] {
    return this.#sigmas;
  }

  get initNoiseSigma(): number {
    const max = Math.max(...this.#sigmas);
    return ['linspace', 'trailing'].includes(this.#c.timestep_spacing) ? max : f32(Math.sqrt(f32(f32(max * max) + 1)));
  }

  setTimesteps(numInferenceSteps: number): void {
    checkSteps(numInferenceSteps, this.#c.num_train_timesteps, 'KDPM2AncestralDiscreteScheduler');
    const { timesteps, sigmas, logSigmas: logs } = kdpm2Schedule(this.#c, this.#alphasCumprod, numInferenceSteps);
    const { up, down } = ancestralSigmas(sigmas);
    // Geometric midpoints between each sigma and its sigma_down; the last two are zero by definition.
    const interpol = sigmas.map((s, k) => (k >= sigmas.length - 2 ? 0 : geometricMidpoint(s, down[k]!)));
    this.#sigmas = interleave(sigmas);
    this.#sigmasInterpol = interleave(interpol);
    this.#sigmasUp = interleave(up);
    this.#sigmasDown = interleave(down);
    const tInterpol = interpol.map((s) => sigmaToTF32(s, logs));
    this.#timesteps = [timesteps[0]!, ...timesteps.slice(1).flatMap((t, k) => [tInterpol[k]!, f32(t)])];
    this.#sample = null;
    this.#counter = new Map();
    this.#stepIndex = null;
  }

  #index(timestep: number): number {
    checkPrepared(this.#timesteps.length > 0, 'KDPM2AncestralDiscreteScheduler');
    return (this.#stepIndex ??= initStepIndex(this.#timesteps, timestep));
  }

  scaleModelInput(sample: Float32Array, timestep: number): Float32Array {
    const i = this.#index(timestep);
    return scaleBySigma(sample, this.#sample === null ? this.#sigmas[i]! : this.#sigmasInterpol[i - 1]!);
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, generator?: TorchGenerator): Float32Array {
    checkStepLengths(modelOutput, sample);
    const i = this.#index(timestep);
    const type = this.#c.prediction_type;
    // Drawn at every call, used only by the second half, exactly as diffusers consumes the generator.
    const noise = randn(sample.length, generator);
    let prev: Float32Array;
    if (this.#sample === null) {
      const sigma = this.#sigmas[i]!;
      prev = kdpm2Move({ predictionType: type, sigma, base: sample, dt: f32(this.#sigmasInterpol[i]! - sigma) }, modelOutput, sample);
      this.#sample = sample;
    } else {
      const dt = f32(this.#sigmasDown[i - 1]! - this.#sigmas[i - 1]!);
      const move = { predictionType: type, sigma: this.#sigmasInterpol[i - 1]!, base: this.#sample, dt, noise, up: this.#sigmasUp[i - 1]! };
      prev = kdpm2Move(move, modelOutput, sample);
      this.#sample = null;
    }
    // Counted once the model output has passed the NaN check in the move.
    this.#counter.set(timestep, (this.#counter.get(timestep) ?? 0) + 1);
    this.#stepIndex = i + 1;
    return prev;
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    const index = indexWithCounter(this.#timesteps, timestep, this.#counter, 'KDPM2AncestralDiscreteScheduler');
    return addNoiseSigma(original, noise, this.#sigmas[index]!);
  }
}
