/**
 * The denoising loop: for each timestep, scale the input, predict noise with the U-Net (both guidance
 * branches in one batch where the model allows), mix them, and let the scheduler step.
 */
import { DiffusionError } from '../protocol/errors.ts';
import type { LoadedModel } from '../models/load-model.ts';
import { floatData, runSession } from '../runtime/ort.ts';
import type { Scheduler } from '../schedulers/scheduler.ts';
import { stepPreview } from '../tensor/latent-preview.ts';
import type { TorchGenerator } from '../tensor/random.ts';
import type { Feeds, PromptEmbeddings } from './encode-prompt.ts';
import { guide } from '../tensor/guidance.ts';
import { floatTensor, guidanceCondTensor, hasNonFinite, timestepTensor } from './feeds.ts';

/** What the loop needs besides the model. */
export interface DenoiseOptions {
  readonly scheduler: Scheduler;
  readonly timesteps: readonly number[];
  readonly text: PromptEmbeddings;
  readonly guidanceScale: number;
  /** diffusers' `guidance_rescale` (0 = plain classifier-free guidance). */
  readonly guidanceRescale?: number;
  readonly generator: TorchGenerator;
  /** [channels, h, w] of the latents. */
  readonly latentShape: readonly [number, number, number];
  /** Channels appended to the scaled latents (inpainting U-Nets: mask + masked-image latents). */
  readonly extraChannels?: Float32Array;
  /** Called after each step (inpainting with a 4-channel U-Net puts the known region back here). */
  readonly afterStep?: (latents: Float32Array, index: number) => Float32Array;
  /** Checked between steps; throws to cancel. */
  readonly beforeStep: (index: number) => Promise<void>;
  /**
   * After each step: its wall time, the part of it spent outside `session.run` (our JavaScript), and a
   * preview of the latents that costs nothing unless called.
   */
  readonly onStep: (step: number, totalSteps: number, ms: number, overheadMs: number, preview: () => ImageData) => void;
}

function withExtraChannels(input: Float32Array, extra: Float32Array | undefined): Float32Array {
  if (!extra) return input;
  const joined = new Float32Array(input.length + extra.length);
  joined.set(input, 0);
  joined.set(extra, input.length);
  return joined;
}

async function predictNoise(model: LoadedModel, input: Float32Array, t: number, options: DenoiseOptions, clock: { runMs: number }): Promise<Float32Array> {
  const { session, contract } = model.unet;
  const [, h, w] = options.latentShape;
  const channels = input.length / (h * w);
  const run = async (sample: Float32Array, batch: number, hidden: ReturnType<typeof floatTensor>, added?: Feeds) => {
    const feeds = {
      ...added,
      [contract.sample.name]: floatTensor(sample, [batch, channels, h, w], contract.sample.type),
      [contract.timestep.name]: timestepTensor(t, contract.timestep, batch),
      [contract.hidden.name]: hidden,
      ...(contract.timestepCond && { [contract.timestepCond.name]: guidanceCondTensor(options.guidanceScale, contract.timestepCond, batch) }),
    };
    const runStart = performance.now();
    const outputs = await runSession(session, feeds, 'U-Net');
    clock.runMs += performance.now() - runStart;
    return floatData(outputs[contract.output.name]);
  };
  const { text, guidanceScale, guidanceRescale } = options;
  const added = text.added;
  if (!text.guided) return run(input, 1, text.single[0], added?.single[0]);
  let uncond: Float32Array;
  let cond: Float32Array;
  if (text.batched) {
    const both = new Float32Array(input.length * 2);
    both.set(input, 0);
    both.set(input, input.length);
    const out = await run(both, 2, text.batched, added?.batched);
    const size = out.length / 2;
    uncond = out.subarray(0, size);
    cond = out.subarray(size);
  } else {
    uncond = await run(input, 1, text.single[0], added?.single[0]);
    cond = await run(input, 1, text.single[1], added?.single[1]);
  }
  return guide(uncond, cond, guidanceScale, guidanceRescale);
}

/** Runs the loop from `latents` and returns the denoised latents. */
export async function denoise(model: LoadedModel, latents: Float32Array, options: DenoiseOptions): Promise<Float32Array> {
  const { scheduler, timesteps } = options;
  for (let i = 0; i < timesteps.length; i += 1) {
    await options.beforeStep(i);
    const started = performance.now();
    const clock = { runMs: 0 };
    const t = timesteps[i];
    const input = withExtraChannels(scheduler.scaleModelInput(latents, t), options.extraChannels);
    const noise = await predictNoise(model, input, t, options, clock);
    if (hasNonFinite(noise)) {
      throw new DiffusionError('nan-output', `The U-Net produced NaN or infinite values at step ${i + 1} (timestep ${t}). fp16 models on some GPUs do this; try an fp32 variant or device: "wasm".`, { details: { step: i + 1, timestep: t } });
    }
    const { prevSample, predOriginalSample } = scheduler.step(noise, t, latents, options.generator);
    latents = options.afterStep ? options.afterStep(prevSample, i) : prevSample;
    const ms = performance.now() - started;
    options.onStep(i + 1, timesteps.length, ms, ms - clock.runMs, () => stepPreview(predOriginalSample, options.latentShape));
  }
  return latents;
}
