/**
 * Inversion, image -> noise (Mokady et al.'s DDIM inversion, as diffusers' StableDiffusionDiffEditPipeline.invert
 * runs it): encode the image, then walk the inverse sampler's ascending timesteps, each U-Net noise estimate
 * carrying the latents one step noisier. Generating from the result with the matching forward sampler, the same
 * prompt, guidance and step count walks the same path back to (nearly) the image; a changed prompt edits it.
 */
import { checkSizeFor, sizeErrorFrom } from '../models/contract.ts';
import type { LoadedModel } from '../models/load-model.ts';
import { DiffusionError } from '../protocol/errors.ts';
import type { InvertResult } from '../protocol/invert-types.ts';
import type { ValidInvertRequest } from '../protocol/validate-invert.ts';
import { resolveSampler } from '../schedulers/names.ts';
import { createScheduler } from '../schedulers/registry.ts';
import type { SchedulerConfig } from '../schedulers/scheduler.ts';
import { TorchGenerator } from '../tensor/random.ts';
import { resizeImageData } from '../tensor/resize.ts';
import { denoise } from './denoise.ts';
import { encodeImage } from './encode-image.ts';
import { encodePrompt } from './encode-prompt.ts';
import type { RunContext } from './run-context.ts';
import { Stopwatch } from './stopwatch.ts';

/** The inverse class of each forward sampler that has one, so a request may name the sampler it will generate with. */
const INVERSE_OF: Readonly<Record<string, string>> = {
  DDIMScheduler: 'DDIMInverseScheduler',
  DPMSolverMultistepScheduler: 'DPMSolverMultistepInverseScheduler',
};
const INVERSE_CLASSES = Object.values(INVERSE_OF);

/**
 * The inverse sampler's config over the model's own (so the betas stay the model's). A forward name or config
 * (`'DDIM'`, `'DPM++ 2M Karras'`) becomes its inverse with the same options; a sampler without one is refused.
 */
export function inverseSampler(sampler: string | SchedulerConfig | undefined, modelSchedulerConfig: SchedulerConfig): SchedulerConfig {
  const config = resolveSampler(sampler ?? 'DDIMInverseScheduler', modelSchedulerConfig);
  const className = INVERSE_OF[String(config._class_name)] ?? String(config._class_name);
  if (!INVERSE_CLASSES.includes(className)) {
    throw new DiffusionError('invalid-argument', `invert() runs ${INVERSE_CLASSES.join(' or ')} (or 'DDIM', 'DPM++ 2M'); ${className} has no inverse.`,
      { details: { key: 'scheduler', className, known: INVERSE_CLASSES } });
  }
  return resolveSampler({ ...config, _class_name: className }, modelSchedulerConfig);
}

/** Inverts a validated request: checks what only the model can tell first, before any network runs. */
export async function invert(model: LoadedModel, request: ValidInvertRequest, context: RunContext): Promise<InvertResult> {
  // 1. Check inputs: a 4-channel U-Net (an inpainting one needs a mask at every step), the sampler, the size.
  if (model.unet.contract.channels !== 4) {
    throw new DiffusionError('invalid-model', `invert() needs a 4-channel U-Net; this model's takes ${model.unet.contract.channels} (an inpainting model).`,
      { details: { unetChannels: model.unet.contract.channels } });
  }
  const schedulerConfig = inverseSampler(request.scheduler, model.schedulerConfig);
  checkSizeFor(model.unet.contract, request.width, request.height);
  try {
    return await runInversion(model, request, schedulerConfig, context);
  } catch (error) {
    throw sizeErrorFrom(error, request.width, request.height);
  }
}

async function runInversion(model: LoadedModel, request: ValidInvertRequest, schedulerConfig: SchedulerConfig, context: RunContext): Promise<InvertResult> {
  const stopwatch = new Stopwatch();
  const { width, height, steps, guidanceScale, seed } = request;
  // 2. The image at the requested size, and the inverse timesteps (ascending).
  const image = await resizeImageData(request.image, width, height);
  const scheduler = createScheduler(schedulerConfig);
  scheduler.setTimesteps(steps);

  // 3. Encode the prompt, then the image (its posterior draw from the seeded generator, as diffusers).
  context.progress({ phase: 'encode' });
  const text = await encodePrompt(model, request.prompt, request.negativePrompt, guidanceScale);
  const generator = new TorchGenerator(seed);
  const imageLatents = await encodeImage(model, image, generator, context.load);
  stopwatch.encoded();
  await context.checkpoint();

  // 4. The loop of generate, on ascending timesteps: each step makes the latents noisier.
  const latentShape = [4, height / 8, width / 8] as const;
  const latents = await denoise(model, imageLatents, {
    scheduler, timesteps: scheduler.timesteps, text, guidanceScale, generator, latentShape,
    beforeStep: () => context.checkpoint(),
    onStep: stopwatch.stepReporter(context),
  });
  const timings = { ...stopwatch.finish(), decode: 0 };
  return { latents, width, height, steps, seed, timesteps: [...scheduler.timesteps], scheduler: scheduler.config, timings };
}
