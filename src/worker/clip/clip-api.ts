/**
 * The CLIP half of the worker's API, reached over Comlink as `api.clip.*` (decision 0009). It holds at most one
 * CLIP model beside the worker's diffusion model, shares the ONNX runtime, cache and error transfer with it,
 * and has its own cancellation ids.
 */
import { transfer } from 'comlink';
import { DiffusionError, isDiffusionError } from '../protocol/errors.ts';
import type { ClipEmbeddings, ClipModelInfo, ClipProgress, ClipSource } from '../protocol/clip-types.ts';
import type { LoadOptions } from '../protocol/types.ts';
import { checkpointFor } from '../pipelines/run-context.ts';
import { configureRuntime, resolveBackend } from '../runtime/ort.ts';
import { clipCandidates } from './clip-source.ts';
import { embedImages, embedTexts, findLogitScale, type EmbedContext } from './embed.ts';
import { loadClip, type ClipLoadContext, type LoadedClip } from './load-clip.ts';

/** A progress callback proxied from the main thread. */
export type ClipProgressCallback = (progress: ClipProgress) => void;

/** Loads and runs a CLIP model in the worker. */
export class ClipWorkerApi {
  #clip: LoadedClip | undefined;
  #info: ClipModelInfo | undefined;
  #controllers = new Map<number, AbortController>();

  /** Loads a CLIP model (replacing any loaded one) and says how it runs. */
  async load(id: number, source: ClipSource, options: LoadOptions & { origin?: string }, onProgress?: ClipProgressCallback): Promise<ClipModelInfo> {
    return this.#tracked(id, async (signal) => {
      await configureRuntime(options);
      const { backend } = await resolveBackend(options.device);
      await this.dispose();
      const clip = await loadFirst(clipCandidates(source, options.origin), { backend, signal, onProgress: (p) => onProgress?.(p) });
      try {
        this.#info = await describe(clip);
      } catch (error) {
        await clip.release();
        throw error;
      }
      this.#clip = clip;
      onProgress?.({ phase: 'ready', device: backend });
      return this.#info;
    });
  }

  /** L2-normalised embeddings of `texts`, one row each. */
  async embedText(id: number, texts: string[], onProgress?: ClipProgressCallback): Promise<ClipEmbeddings> {
    return this.#tracked(id, async (signal) => {
      const result = await embedTexts(this.#loaded(), texts, this.#context(signal, onProgress));
      return transfer(result, [result.data.buffer]);
    });
  }

  /** L2-normalised embeddings of `images`, one row each. */
  async embedImage(id: number, images: ImageData[], onProgress?: ClipProgressCallback): Promise<ClipEmbeddings> {
    return this.#tracked(id, async (signal) => {
      const result = await embedImages(this.#loaded(), images, this.#context(signal, onProgress));
      return transfer(result, [result.data.buffer]);
    });
  }

  /** Cancels request `id` at its next checkpoint (between chunks); unknown ids are ignored. */
  cancel(id: number): void {
    this.#controllers.get(id)?.abort();
  }

  /** Releases the CLIP sessions (the worker's diffusion model, if any, stays). */
  async dispose(): Promise<void> {
    const clip = this.#clip;
    this.#clip = undefined;
    this.#info = undefined;
    await clip?.release();
  }

  #loaded(): LoadedClip {
    if (!this.#clip) throw new DiffusionError('invalid-argument', 'No CLIP model is loaded in this worker.');
    return this.#clip;
  }

  #context(signal: AbortSignal, onProgress: ClipProgressCallback | undefined): EmbedContext {
    return {
      progress: (p) => onProgress?.(p),
      checkpoint: checkpointFor(signal),
    };
  }

  async #tracked<T>(id: number, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.#controllers.set(id, controller);
    try {
      return await task(controller.signal);
    } finally {
      this.#controllers.delete(id);
    }
  }
}

/** Loads the first candidate whose files exist (a folder URL may hold either export layout). */
async function loadFirst(candidates: ReturnType<typeof clipCandidates>, context: ClipLoadContext): Promise<LoadedClip> {
  for (let i = 0; ; i += 1) {
    try {
      return await loadClip(candidates[i], context);
    } catch (error) {
      if (i === candidates.length - 1 || !isDiffusionError(error, 'model-not-found')) throw error;
    }
  }
}

async function describe(clip: LoadedClip): Promise<ClipModelInfo> {
  const contract = clip.text?.contract ?? clip.vision!.contract;
  return {
    id: clip.manifest.id, device: clip.backend, layout: clip.layout,
    hasText: Boolean(clip.text), hasVision: Boolean(clip.vision),
    projectionDim: contract.projectionDim ?? 0,
    logitScale: await findLogitScale(clip),
    contextLength: 77,
    imageSize: { width: clip.image.cropWidth, height: clip.image.cropHeight },
  };
}
