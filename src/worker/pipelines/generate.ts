/** Picks the pipeline for a request: text-to-image now; image-to-image and inpainting join here. */
import type { ValidRequest } from '../../sdk/validate.ts';
import type { LoadedModel } from '../models/load-model.ts';
import type { WorkerResult } from '../protocol.ts';
import { resolveSampler } from '../schedulers/names.ts';
import type { RunContext } from './run-context.ts';
import { textToImage } from './text-to-image.ts';

/** Runs the pipeline a validated request asks for. */
export async function generate(model: LoadedModel, request: ValidRequest, context: RunContext): Promise<WorkerResult> {
  // Resolve the sampler first: an unknown name fails before any GPU work.
  const schedulerConfig = resolveSampler(request.scheduler ?? model.schedulerConfig, model.schedulerConfig);
  return textToImage(model, { ...request, schedulerConfig }, context);
}
