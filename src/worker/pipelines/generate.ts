/**
 * The one recipe every request runs, numbered as diffusers' pipelines are. The mode (text-to-image,
 * image-to-image, inpainting) is decided once, here, and returned in the result; each mode supplies only what
 * differs (mode.ts): its initial latents, its extra U-Net channels, its after-step hook.
 */
import { checkSizeFor, sizeErrorFrom } from '../models/contract.ts';
import { DiffusionError } from '../protocol/errors.ts';
import type { LoadedModel } from '../models/load-model.ts';
import type { GenerationMode, WorkerResult } from '../protocol/types.ts';
import type { ValidRequest } from '../protocol/validate.ts';
import { resolveSampler } from '../schedulers/names.ts';
import { createScheduler } from '../schedulers/registry.ts';
import { TorchGenerator } from '../tensor/random.ts';
import { decodeLatents } from './decode-latents.ts';
import { denoise } from './denoise.ts';
import { encodePrompt } from './encode-prompt.ts';
import { encodeSdxlPrompt } from './encode-prompt-sdxl.ts';
import { imageMode } from './image-to-image.ts';
import { inpaintMode } from './inpaint.ts';
import type { Mode, PipelineRequest } from './mode.ts';
import type { RunContext } from './run-context.ts';
import { Stopwatch } from './stopwatch.ts';
import { textMode } from './text-to-image.ts';

export type { PipelineRequest } from './mode.ts';

/** What the request asks for: a mask means inpainting, an image image-to-image, else text-to-image. */
export function generationMode(request: ValidRequest): GenerationMode {
  return request.mask ? 'inpainting' : request.image ? 'image-to-image' : 'text-to-image';
}

/**
 * How a mode runs on this model. An inpainting (9-channel) U-Net always needs its mask and masked-image
 * channels, so it runs every mode as inpainting with a full mask (as AUTOMATIC1111 does).
 */
function modeFor(model: LoadedModel, mode: GenerationMode): Mode {
  if (mode === 'inpainting' || model.unet.contract.channels === 9) return inpaintMode;
  return mode === 'image-to-image' ? imageMode : textMode;
}

/** Runs a validated request (validated once, its seed drawn once, by the worker API). */
export async function generate(model: LoadedModel, request: ValidRequest, context: RunContext): Promise<WorkerResult> {
  // Resolve the sampler and check the size first: both fail before any GPU work.
  const schedulerConfig = resolveSampler(request.scheduler ?? model.schedulerConfig, model.schedulerConfig);
  checkSizeFor(model.unet.contract, request.width, request.height);
  const mode = generationMode(request);
  if (request.latents && modeFor(model, mode) !== textMode) {
    throw new DiffusionError('invalid-model', 'latents are for text-to-image on a 4-channel U-Net; this inpainting model starts from its own latents.', { details: { key: 'latents' } });
  }
  try {
    return await runRecipe(model, { ...request, schedulerConfig }, context, mode);
  } catch (error) {
    throw sizeErrorFrom(error, request.width, request.height);
  }
}

/** Step 3's text conditioning: SD's one encoder, or SDXL's two with text_embeds and time_ids. */
function encodeText(model: LoadedModel, request: PipelineRequest) {
  const { guidanceScale } = request;
  return model.sdxl
    ? encodeSdxlPrompt(model, model.sdxl, request, guidanceScale > 1 && !model.unet.contract.timestepCond)
    : encodePrompt(model, request.prompt, request.negativePrompt, guidanceScale);
}

async function runRecipe(model: LoadedModel, request: PipelineRequest, context: RunContext, mode: GenerationMode): Promise<WorkerResult> {
  const stopwatch = new Stopwatch();
  const { width, height, guidanceScale, seed } = request;
  const scheduler = createScheduler(request.schedulerConfig);
  const result = (image: ImageData): WorkerResult => ({
    image, seed, mode, timings: stopwatch.finish(), scheduler: scheduler.config as WorkerResult['scheduler'],
  });

  // 1. The mode's inputs at the generation size; nothing to repaint means nothing to run.
  const prepared = await modeFor(model, mode)(request);
  if (prepared.unchanged) return result(prepared.unchanged);

  // 2. Scheduler: the requested sampler over the model's own config (betas etc. stay the model's).
  scheduler.setTimesteps(request.steps);

  // 3. Encode the prompt (and the negative prompt when guidance is on); SDXL: both encoders, text_embeds, time_ids.
  context.progress({ phase: 'encode' });
  const text = await encodeText(model, request);

  // 4. The mode's initial latents (and extra channels, after-step hook), drawn from the seed in diffusers' order.
  const generator = new TorchGenerator(seed);
  const latentShape = [4, height / 8, width / 8] as const;
  const start = await prepared.start({ model, request, scheduler, generator, latentShape, load: context.load });
  stopwatch.encoded();
  await context.checkpoint();

  // 5. Denoise.
  const denoised = await denoise(model, start.latents, {
    scheduler, timesteps: start.timesteps, text, guidanceScale, guidanceRescale: request.guidanceRescale, generator, latentShape,
    extraChannels: start.extraChannels, afterStep: start.afterStep,
    beforeStep: () => context.checkpoint(),
    onStep: stopwatch.stepReporter(context),
  });

  // 6. Decode, and let the mode finish the picture (inpainting composites it with the original).
  stopwatch.decoding(context);
  const decoded = await decodeLatents(model, denoised, width, height, context.load);
  return result(start.finish ? start.finish(decoded) : decoded);
}
