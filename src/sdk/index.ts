/** web-diffusion: Stable Diffusion in the browser, on the visitor's GPU. The headless SDK. */
export { createDiffusion, type DiffusionOptions } from './create-diffusion.ts';
export { createClip } from './create-clip.ts';
export type { Clip, ClipClassification, ClipOptions, ClipRunOptions, WorkerHost } from './clip.ts';
export type { ClipRanker, RankedResult } from './clip-rank.ts';
export type { ClipManifest, ClipModelInfo, ClipProgress, ClipSource } from '../worker/protocol/clip-types.ts';
export { Diffusion, type GenerateInput, type RunOptions } from './diffusion.ts';
export { type ImageSource } from './image-input.ts';
export type { InvertInput } from './invert.ts';
export type { InvertRequest, InvertResult } from '../worker/protocol/invert-types.ts';
export {
  cacheUsage, deleteCachedModel, listCachedModels, prefetchModel, requestPersistentStorage,
  type CachedModel, type CacheOptions, type CacheUsage,
} from './model-cache.ts';
export { outpaint, type OutpaintCanvas, type OutpaintMargins } from './outpaint.ts';
export { DiffusionError, ErrorCodes, isAbortError, isDiffusionError, type ErrorCode } from '../worker/protocol/errors.ts';
export { type GenerateResult } from './result.ts';
export { SIZE_LIMITS, STEP_LIMITS } from '../worker/protocol/validate.ts';
export { SAMPLER_NAMES } from '../worker/protocol/sampler-names.ts';
export type { WorkerFactory } from './worker-client.ts';
export type {
  Device, FileRef, GenerateRequest, LoadedModelInfo, ModelManifest, ModelSource, OnnxFileRef, Progress, Timings,
} from '../worker/protocol/types.ts';
export type { SchedulerConfig } from '../worker/schedulers/scheduler.ts';
