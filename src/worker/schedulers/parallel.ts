/**
 * DDPMParallelScheduler and DDIMParallelScheduler (diffusers 0.24): DDPM and DDIM whose `step` is the same, plus
 * `batchStepNoNoise`, the noise-free step at many timesteps at once that ParaDiGMS (parallel sampling by Picard
 * iteration, arXiv 2305.16317) needs. diffusers' batch step takes `alphas_cumprod` before the first timestep as 1
 * in both classes (DDIM's `set_alpha_to_one` does not apply there); that quirk is kept.
 */
import { DiffusionError } from '../protocol/errors.ts';
import { DDIMScheduler } from './ddim.ts';
import { DDPMScheduler } from './ddpm.ts';
import type { SchedulerConfig } from './scheduler.ts';
import { checkPrepared, checkStepLengths } from './tensor-ops.ts';

/** One entry of a batch: the model output and the sample at `timestep`. */
export interface BatchEntry {
  readonly modelOutput: Float32Array;
  readonly timestep: number;
  readonly sample: Float32Array;
}

function checkBatch(entries: readonly BatchEntry[], className: string): void {
  if (!Array.isArray(entries)) throw new DiffusionError('invalid-argument', `${className}.batchStepNoNoise takes an array of entries.`);
  for (const e of entries) checkStepLengths(e.modelOutput, e.sample);
}

/** DDPM with diffusers' parallel batch step. */
export class DDPMParallelScheduler extends DDPMScheduler {
  constructor(given: SchedulerConfig = {}) {
    super(given, 'DDPMParallelScheduler');
  }

  /** The posterior mean of each entry (no noise): the previous sample of each, in order. */
  batchStepNoNoise(entries: readonly BatchEntry[]): Float32Array[] {
    checkPrepared(this.numInferenceSteps > 0, 'DDPMParallelScheduler');
    checkBatch(entries, 'DDPMParallelScheduler');
    return entries.map((e) => this.ddpmUpdate(e.modelOutput, e.timestep, e.sample, false).prevSample);
  }
}

/** DDIM with diffusers' parallel batch step (eta and use_clipped_model_output from the config). */
export class DDIMParallelScheduler extends DDIMScheduler {
  constructor(given: SchedulerConfig = {}) {
    super(given, 'DDIMParallelScheduler');
  }

  /** The deterministic part of each entry's DDIM step, in order. */
  batchStepNoNoise(entries: readonly BatchEntry[]): Float32Array[] {
    checkPrepared(this.numInferenceSteps > 0, 'DDIMParallelScheduler');
    checkBatch(entries, 'DDIMParallelScheduler');
    const stride = Math.floor((this.config.num_train_timesteps as number) / this.numInferenceSteps);
    return entries.map((e) => {
      const prevT = e.timestep - stride;
      return this.ddimUpdate(e.modelOutput, e.timestep, e.sample, prevT < 0 ? 1 : this.alphaAt(prevT), false).prevSample;
    });
  }
}
