/**
 * KDPM2AncestralDiscreteScheduler of diffusers 0.24.0: DPM-Solver-2 with ancestral sampling. Each step splits the
 * next sigma into a deterministic `sigma_down` and fresh noise of size `sigma_up`; like diffusers it draws one
 * noise tensor from the generator at every `step` call (both halves), and adds it only in the second half.
 */
import type { TorchGenerator } from '../tensor/random.ts';
import { geometricMidpoint, interleave, kdpm2Defaults, sigmaToTF32 } from './kdpm2-common.ts';
import { Kdpm2Scheduler, type Kdpm2Half } from './kdpm2-scheduler.ts';
import { solverConfig } from './multistep-common.ts';
import type { SchedulerConfig } from './scheduler.ts';
import { randn } from './tensor-ops.ts';

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
export class KDPM2AncestralDiscreteScheduler extends Kdpm2Scheduler {
  #sigmasInterpol: number[] = [];
  #sigmasUp: number[] = [];
  #sigmasDown: number[] = [];

  constructor(given: SchedulerConfig = {}) {
    super(solverConfig('KDPM2AncestralDiscreteScheduler', kdpm2AncestralDefaults, given));
    // Diffusers' constructor prepares a full-length schedule, so `initNoiseSigma` is defined before setTimesteps.
    this.setTimesteps(this.config.num_train_timesteps);
  }

  setTimesteps(numInferenceSteps: number): void {
    const { timesteps, sigmas, logSigmas: logs } = this.baseSchedule(numInferenceSteps);
    const { up, down } = ancestralSigmas(sigmas);
    // Geometric midpoints between each sigma and its sigma_down; the last two are zero by definition.
    const interpol = sigmas.map((s, k) => (k >= sigmas.length - 2 ? 0 : geometricMidpoint(s, down[k]!)));
    this.#sigmasInterpol = interleave(interpol);
    this.#sigmasUp = interleave(up);
    this.#sigmasDown = interleave(down);
    const tInterpol = interpol.map((s) => sigmaToTF32(s, logs));
    this.startRun([timesteps[0]!, ...timesteps.slice(1).flatMap((t, k) => [tInterpol[k]!, f32(t)])], interleave(sigmas));
  }

  protected interpolatedSigma(i: number): number {
    return this.#sigmasInterpol[i - 1]!;
  }

  /** First call: Euler to the interpolated sigma. Second: to `sigma_down`, then noise of size `sigma_up`. */
  protected half(i: number, first: boolean, size: number, generator?: TorchGenerator): Kdpm2Half {
    // Drawn at every call, used only by the second half, exactly as diffusers consumes the generator.
    const noise = randn(size, generator);
    if (first) return { sigma: this.sigmas[i]!, dt: f32(this.#sigmasInterpol[i]! - this.sigmas[i]!) };
    const dt = f32(this.#sigmasDown[i - 1]! - this.sigmas[i - 1]!);
    return { sigma: this.#sigmasInterpol[i - 1]!, dt, noise, up: this.#sigmasUp[i - 1]! };
  }
}
