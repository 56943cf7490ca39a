/**
 * KDPM2DiscreteScheduler of diffusers 0.24.0: k-diffusion's DPM-Solver-2 (order 2). Every step but the first is
 * evaluated twice, at an interpolated sigma and at the next one, so timesteps and sigmas are interleaved.
 *
 * The schedule, the step's two Euler moves and the contract's plumbing live in kdpm2-common.ts and
 * kdpm2-scheduler.ts, shared with KDPM2AncestralDiscreteScheduler. Arithmetic follows torch's float32.
 */
import { geometricMidpoint, interleave, kdpm2Defaults, sigmaToTF32 } from './kdpm2-common.ts';
import { Kdpm2Scheduler, type Kdpm2Half } from './kdpm2-scheduler.ts';
import { solverConfig } from './multistep-common.ts';
import type { SchedulerConfig } from './scheduler.ts';

const f32 = Math.fround;

/** DPM-Solver-2 sampler (diffusers' KDPM2DiscreteScheduler, 0.24.0). */
export class KDPM2DiscreteScheduler extends Kdpm2Scheduler {
  #sigmasInterpol: number[] = [];

  constructor(given: SchedulerConfig = {}) {
    super(solverConfig('KDPM2DiscreteScheduler', kdpm2Defaults, given));
    // Diffusers' constructor prepares a full-length schedule, so `initNoiseSigma` is defined before setTimesteps.
    this.setTimesteps(this.config.num_train_timesteps);
  }

  setTimesteps(numInferenceSteps: number): void {
    const { timesteps, sigmas, logSigmas: logs } = this.baseSchedule(numInferenceSteps);
    // Geometric midpoints between each sigma and the one before it (index 0 is never read).
    const interpol = sigmas.map((s, k) => (k === 0 ? Number.NaN : geometricMidpoint(s, sigmas[k - 1]!)));
    this.#sigmasInterpol = interleave(interpol);
    const tInterpol = interpol.map((s) => sigmaToTF32(s, logs));
    this.startRun([timesteps[0]!, ...timesteps.slice(1).flatMap((t, k) => [tInterpol[k + 1]!, f32(t)])], interleave(sigmas));
  }

  protected interpolatedSigma(i: number): number {
    return this.#sigmasInterpol[i]!;
  }

  /** First call: Euler to the interpolated sigma. Second: from the first call's sample to the next sigma. */
  protected half(i: number, first: boolean): Kdpm2Half {
    if (first) return { sigma: this.sigmas[i]!, dt: f32(this.#sigmasInterpol[i + 1]! - this.sigmas[i]!) };
    return { sigma: this.#sigmasInterpol[i]!, dt: f32(this.sigmas[i]! - this.sigmas[i - 1]!) };
  }
}
