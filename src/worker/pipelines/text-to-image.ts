/**
 * Text-to-image, as a numbered recipe (the shape of diffusers' StableDiffusionPipeline.__call__).
 */
import type { LoadedModel } from '../models/load-model.ts';
import type { WorkerResult } from '../protocol/types.ts';
import { createScheduler } from '../schedulers/registry.ts';
import { TorchGenerator } from '../tensor/random.ts';
import { decodeLatents } from './decode-latents.ts';
import { denoise } from './denoise.ts';
import { encodePrompt } from './encode-prompt.ts';
import type { PipelineRequest } from './generate.ts';
import type { RunContext } from './run-context.ts';
import { Stopwatch } from './stopwatch.ts';

/** Generates one image from text. */
export async function textToImage(model: LoadedModel, request: PipelineRequest, context: RunContext): Promise<WorkerResult> {
  const stopwatch = new Stopwatch();
  const { width, height, guidanceScale, seed } = request;

  // 1. Scheduler: the requested sampler over the model's own config (betas etc. stay the model's).
  const scheduler = createScheduler(request.schedulerConfig);
  scheduler.setTimesteps(request.steps);

  // 2. Encode the prompt (and the negative prompt when guidance is on).
  context.progress({ phase: 'encode' });
  const text = await encodePrompt(model, request.prompt, request.negativePrompt, guidanceScale);
  stopwatch.encoded();
  await context.checkpoint();

  // 3. Initial latents: torch.randn from the seed, as diffusers does with a CPU generator, times initNoiseSigma.
  const latentShape = [4, height / 8, width / 8] as const;
  const generator = new TorchGenerator(seed);
  const latents = generator.randn(latentShape[0] * latentShape[1] * latentShape[2]);
  for (let i = 0; i < latents.length; i += 1) latents[i] *= scheduler.initNoiseSigma;

  // 4. Denoise.
  const denoised = await denoise(model, latents, {
    scheduler, timesteps: scheduler.timesteps, text, guidanceScale, generator, latentShape,
    beforeStep: () => context.checkpoint(),
    onStep: stopwatch.stepReporter(context),
  });

  // 5. Decode to pixels.
  stopwatch.decoding(context);
  const image = await decodeLatents(model, denoised, width, height);
  return { image, seed, timings: stopwatch.finish(), scheduler: scheduler.config };
}
