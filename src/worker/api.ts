/**
 * What the worker offers the SDK over Comlink. One model per worker; requests run one at a time, and a
 * cancelled or failed request leaves the worker ready for the next one.
 */
import { transfer } from 'comlink';
import { DiffusionError, isDiffusionError } from './protocol/errors.ts';
import { validateRequest } from './protocol/validate.ts';
import { cacheUsage, deleteCachedModel, listCachedModels, type CachedModel, type CacheUsage } from './cache/model-cache.ts';
import { loadModel, prefetchModel, type LoadContext, type LoadedModel } from './models/load-model.ts';
import { resolveSource } from './models/resolve-source.ts';
import type { GenerateRequest, LoadedModelInfo, LoadOptions, ModelManifest, ModelSource, Progress, WorkerResult } from './protocol/types.ts';
import { generate } from './pipelines/generate.ts';
import { invert } from './pipelines/invert.ts';
import { runContextFor } from './pipelines/run-context.ts';
import type { InvertRequest, InvertResult } from './protocol/invert-types.ts';
import { validateInvertRequest } from './protocol/validate-invert.ts';
import { configureRuntime, resolveBackend } from './runtime/ort.ts';
import { ClipWorkerApi } from './clip/clip-api.ts';

/**
 * Loads `manifest`, or its `fallback` where an fp16 model meets an adapter without `shader-f16`. With no fallback
 * and `device: 'auto'`, it runs on WASM instead: a folder model's precision shows only when its first session (the
 * text encoder) is created, which is still before the U-Net is downloaded.
 */
async function loadWithFallback(manifest: ModelManifest, context: LoadContext, choice: Choice, origin: string | undefined): Promise<LoadedModel> {
  try {
    return await loadModel(manifest, context);
  } catch (error) {
    if (!isDiffusionError(error, 'fp16-unsupported')) throw error;
    if (manifest.fallback) return loadModel(resolveSource(manifest.fallback, origin), context);
    if (choice.device !== 'auto') throw error;
    choice.reason = "auto: this fp16 model needs 'shader-f16', which the WebGPU adapter lacks.";
    return loadModel(manifest, { ...context, backend: 'wasm' });
  }
}

/** The device asked for and, once loaded, why the backend in use was picked. */
interface Choice { readonly device: LoadOptions['device']; reason: string }

/**
 * The request defaults: the manifest's, else, for an LCM U-Net that takes its guidance as `timestep_cond`,
 * what diffusers' LatentConsistencyModelPipeline uses (4 steps, guidance 8.5); for SDXL, diffusers' 1024x1024
 * (its U-Net's sample_size x 8) unless the export fixed another size.
 */
function defaultsOf(model: LoadedModel): NonNullable<ModelManifest['defaults']> {
  if (model.manifest.defaults) return model.manifest.defaults;
  if (model.unet.contract.timestepCond) return { steps: 4, guidanceScale: 8.5 };
  return model.family === 'sdxl' && !model.unet.contract.fixedLatentSize ? { width: 1024, height: 1024 } : {};
}

/** A progress callback proxied from the main thread. */
export type ProgressCallback = (progress: Progress) => void;

/** The API object `worker.ts` exposes. */
export class WorkerApi {
  /** CLIP, beside the diffusion model in the same worker (decision 0009). */
  readonly clip = new ClipWorkerApi();
  #model: LoadedModel | undefined;
  #deviceReason = '';
  #controllers = new Map<number, AbortController>();

  /** Answers as soon as the worker runs: the SDK's start timeout waits for this. */
  ready(): boolean {
    return true;
  }

  /** Loads a model (replacing any loaded one) and says how it runs. */
  async load(id: number, source: ModelSource, options: LoadOptions & { origin?: string }, onProgress?: ProgressCallback): Promise<LoadedModelInfo> {
    const controller = this.#track(id);
    try {
      await configureRuntime(options);
      const manifest = resolveSource(source, options.origin);
      // A model with an fp32 fallback still prefers WebGPU: the fallback runs there.
      const { backend, reason } = await resolveBackend(options.device, { needsShaderF16: manifest.needsShaderF16 && !manifest.fallback });
      await this.#model?.release();
      this.#model = undefined;
      const context = { backend, signal: controller.signal, stallTimeoutMs: options.stallTimeoutMs, onProgress: (p: Progress) => onProgress?.(p) };
      const choice: Choice = { device: options.device, reason };
      this.#model = await loadWithFallback(manifest, context, choice, options.origin);
      this.#deviceReason = choice.reason;
      onProgress?.({ phase: 'ready', device: this.#model.backend });
      return this.#info(this.#model);
    } finally {
      this.#controllers.delete(id);
    }
  }

  /** Generates one image; request `id` is what `cancel` names. */
  async generate(id: number, request: GenerateRequest, onProgress?: ProgressCallback): Promise<WorkerResult> {
    const controller = this.#track(id);
    // As in prefetch: the callback's calls travel in order on their own channel, so awaiting the last one before
    // settling means every progress report has run on the caller's side before generate() resolves or rejects.
    let last: unknown;
    const report = (p: Progress) => { last = onProgress?.(p); };
    try {
      const model = this.#model;
      if (!model) throw new DiffusionError('invalid-argument', 'No model is loaded.');
      const valid = validateRequest(request, defaultsOf(model), model.family);
      const context = runContextFor(controller.signal, report, { backend: model.backend }, valid.previews && onProgress !== undefined);
      const result = await generate(model, valid, context);
      return transfer(result, [result.image.data.buffer]);
    } finally {
      await Promise.resolve(last).catch(() => undefined);
      this.#controllers.delete(id);
    }
  }

  /** Inverts an image into noise latents (pipelines/invert.ts); request `id` is what `cancel` names. */
  async invert(id: number, request: InvertRequest, onProgress?: ProgressCallback): Promise<InvertResult> {
    const controller = this.#track(id);
    let last: unknown;
    const report = (p: Progress) => { last = onProgress?.(p); };
    try {
      const model = this.#model;
      if (!model) throw new DiffusionError('invalid-argument', 'No model is loaded.');
      const valid = validateInvertRequest(request, defaultsOf(model));
      const result = await invert(model, valid, runContextFor(controller.signal, report, { backend: model.backend }));
      return transfer(result, [result.latents.buffer]);
    } finally {
      // As in generate: every progress report has run on the caller's side before this settles.
      await Promise.resolve(last).catch(() => undefined);
      this.#controllers.delete(id);
    }
  }

  /** Downloads every file of a model into the cache without creating sessions. */
  async prefetch(id: number, source: ModelSource, origin: string | undefined, onProgress?: ProgressCallback): Promise<void> {
    const controller = this.#track(id);
    try {
      let last: unknown;
      await prefetchModel(resolveSource(source, origin), { signal: controller.signal, onProgress: (p) => { last = onProgress?.(p); } });
      // The callback's calls travel on their own channel, in order: once the last has run, every earlier one has,
      // so the caller sees all progress before prefetch resolves (and before its worker is terminated).
      await last;
    } finally {
      this.#controllers.delete(id);
    }
  }

  /** The cached models, most recently used first. */
  listCachedModels(): Promise<CachedModel[]> {
    return listCachedModels();
  }

  /** Deletes a cached model by its id (as listed) or by the source it was loaded from; resolves to the bytes freed. */
  async deleteCachedModel(idOrSource: ModelSource, origin: string | undefined): Promise<number> {
    if (typeof idOrSource === 'string' && (await listCachedModels()).some((m) => m.modelId === idOrSource)) return deleteCachedModel(idOrSource);
    return deleteCachedModel(resolveSource(idOrSource, origin).id);
  }

  /** Bytes, files and models in the cache, with the origin's storage estimate. */
  cacheUsage(): Promise<CacheUsage> {
    return cacheUsage();
  }

  /** Cancels request `id` at its next checkpoint (between U-Net steps); unknown ids are ignored. */
  cancel(id: number): void {
    this.#controllers.get(id)?.abort();
  }

  /** Releases the model's sessions. */
  async dispose(): Promise<void> {
    await this.#model?.release();
    this.#model = undefined;
  }

  #track(id: number): AbortController {
    const controller = new AbortController();
    this.#controllers.set(id, controller);
    return controller;
  }

  #info(model: LoadedModel): LoadedModelInfo {
    return {
      id: model.manifest.id,
      device: model.backend,
      deviceReason: this.#deviceReason,
      dtype: model.unet.contract.sample.type,
      family: model.family,
      unetChannels: model.unet.contract.channels,
      canEncodeImages: Boolean(model.manifest.vaeEncoder),
      defaults: defaultsOf(model),
    };
  }
}
