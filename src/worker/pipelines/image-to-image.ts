/**
 * Image-to-image (SDEdit), as diffusers' StableDiffusionImg2ImgPipeline: encode the image, noise it to the
 * timestep that `strength` selects, and denoise only the remaining steps.
 */
import type { LoadedModel } from '../models/load-model.ts';
import type { WorkerResult } from '../protocol/types.ts';
import { createScheduler } from '../schedulers/registry.ts';
import type { Scheduler } from '../schedulers/scheduler.ts';
import { TorchGenerator } from '../tensor/random.ts';
import { resizeImageData } from '../tensor/resize.ts';
import { decodeLatents } from './decode-latents.ts';
import { denoise } from './denoise.ts';
import { encodeImage } from './encode-image.ts';
import { encodePrompt } from './encode-prompt.ts';
import type { PipelineRequest } from './generate.ts';
import type { RunContext } from './run-context.ts';
import { Stopwatch } from './stopwatch.ts';

/** The timesteps `strength` keeps (diffusers' `get_timesteps`): the last `floor(steps x strength)` of them. */
export function strengthTimesteps(scheduler: Scheduler, steps: number, strength: number): readonly number[] {
  const initTimestep = Math.min(Math.floor(steps * strength), steps);
  const start = Math.max(steps - initTimestep, 0);
  return scheduler.timesteps.slice(start * scheduler.order);
}

/** Generates from an image and a prompt; `strength` 0 returns the image through the VAE, 1 noises it at the first timestep. */
export async function imageToImage(model: LoadedModel, request: PipelineRequest, context: RunContext): Promise<WorkerResult> {
  const stopwatch = new Stopwatch();
  const { width, height, guidanceScale, seed } = request;

  // 1. Scheduler, and the timesteps that strength keeps.
  const scheduler = createScheduler(request.schedulerConfig);
  scheduler.setTimesteps(request.steps);
  const timesteps = strengthTimesteps(scheduler, request.steps, request.strength);

  // 2. Encode the prompt.
  context.progress({ phase: 'encode' });
  const text = await encodePrompt(model, request.prompt, request.negativePrompt, guidanceScale);

  // 3. Encode the image (one posterior draw from the seeded generator, as diffusers does). Strength 1 encodes it
  //    too: StableDiffusionImg2ImgPipeline noises the image latents at the first timestep, not pure noise.
  const generator = new TorchGenerator(seed);
  const latentShape = [4, height / 8, width / 8] as const;
  const size = latentShape[0] * latentShape[1] * latentShape[2];
  const image = await resizeImageData(request.image!, width, height);
  const imageLatents = await encodeImage(model, image, generator, context.load);
  stopwatch.encoded();
  await context.checkpoint();

  // 4. Noise the image latents to the first kept timestep (strength 0 keeps none: the VAE round trip).
  const latents = timesteps.length ? scheduler.addNoise(imageLatents, generator.randn(size), timesteps[0]) : imageLatents;

  // 5. Denoise the remaining steps.
  const denoised = await denoise(model, latents, {
    scheduler, timesteps, text, guidanceScale, generator, latentShape,
    beforeStep: () => context.checkpoint(),
    onStep: stopwatch.stepReporter(context),
  });

  // 6. Decode.
  stopwatch.decoding(context);
  const result = await decodeLatents(model, denoised, width, height);
  return { image: result, seed, timings: stopwatch.finish(), scheduler: scheduler.config };
}
