/** Picks the pipeline for a request: text-to-image, image-to-image, or inpainting. */
import type { ValidRequest } from '../../sdk/validate.ts';
import type { LoadedModel } from '../models/load-model.ts';
import type { WorkerResult } from '../protocol.ts';
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
  // Resolve the sampler first: an unknown name fails before any GPU work.
  const schedulerConfig = resolveSampler(request.scheduler ?? model.schedulerConfig, model.schedulerConfig);
  const resolved = { ...request, schedulerConfig };
  if (request.mask) return inpaint(model, resolved, context);
  if (request.image) return imageToImage(model, resolved, context);
  return textToImage(model, resolved, context);
}
