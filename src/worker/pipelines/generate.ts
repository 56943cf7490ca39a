/** Picks the pipeline for a request: text-to-image, image-to-image, or inpainting. */
import type { ValidRequest } from '../protocol/validate.ts';
import { checkSizeFor, sizeErrorFrom } from '../models/contract.ts';
import type { LoadedModel } from '../models/load-model.ts';
import type { WorkerResult } from '../protocol/types.ts';
import { resolveSampler } from '../schedulers/names.ts';
import type { SchedulerConfig } from '../schedulers/scheduler.ts';
import { imageToImage } from './image-to-image.ts';
import { inpaint } from './inpaint.ts';
import type { RunContext } from './run-context.ts';
import { textToImage } from './text-to-image.ts';

/** A validated request with its sampler resolved against the model's scheduler config. */
export type PipelineRequest = ValidRequest & { readonly schedulerConfig: SchedulerConfig };

/** Runs the pipeline a validated request asks for. */
export async function generate(model: LoadedModel, request: ValidRequest, context: RunContext): Promise<WorkerResult> {
  // Resolve the sampler and check the size first: both fail before any GPU work.
  const schedulerConfig = resolveSampler(request.scheduler ?? model.schedulerConfig, model.schedulerConfig);
  checkSizeFor(model.unet.contract, request.width, request.height);
  const resolved = { ...request, schedulerConfig };
  const pipeline = request.mask ? inpaint : request.image ? imageToImage : textToImage;
  try {
    return await pipeline(model, resolved, context);
  } catch (error) {
    throw sizeErrorFrom(error, request.width, request.height);
  }
}
