/**
 * A loaded model, ready to generate. Requests queue and run one at a time; cancelling one rejects it with
 * an AbortError and the next runs at once. If the worker crashes, the next request starts a new one and
 * loads the model again (from the IndexedDB cache, so without downloading).
 */
import { transfer } from 'comlink';
import { toImageData, type ImageSource } from './image-input.ts';
import type { BatchOptions } from './batch.ts';
import { toGenerateResult, type GenerateResult } from './result.ts';
import { checkRequestObject, validateRequest } from '../worker/protocol/validate.ts';
import { WorkerClient, type WorkerFactory } from './worker-client.ts';
import type { InvertInput } from './invert.ts';
import { lazyModule } from './lazy-module.ts';
import type { InvertResult } from '../worker/protocol/invert-types.ts';
import { cancellable, checkRunOptions, untilAborted, WorkerSession, type CallOptions, type SessionModel } from './worker-session.ts';
import type { Device, GenerateRequest, LoadedModelInfo, ModelSource, Progress } from '../worker/protocol/types.ts';

/** How to run one call: cancellation and progress, as `fetch(input, init)` separates them. */
export interface RunOptions extends CallOptions<Progress> {}

/** Everything needed to (re)start the worker and load the model. */
export interface DiffusionSetup {
  readonly model: ModelSource;
  readonly device: Device;
  readonly origin: string;
  readonly wasmPaths?: string;
  readonly numThreads?: number;
  readonly stallTimeoutMs?: number;
  readonly startTimeoutMs?: number;
  readonly workerFactory: WorkerFactory;
}

/** How long a new worker may take to run its script before `worker-crashed`. */
const DEFAULT_START_TIMEOUT_MS = 60_000;

/** A request whose `image` and `mask` may be any {@link ImageSource}. */
export type GenerateInput = Omit<GenerateRequest, 'image' | 'mask'> & { readonly image?: ImageSource; readonly mask?: ImageSource };

/** Converts image inputs to ImageData (transferable) and leaves everything else as given. */
async function prepareRequest(request: GenerateInput): Promise<GenerateRequest> {
  checkRequestObject('generate()', request);
  const image = request.image === undefined ? undefined : await toImageData(request.image, 'image');
  const mask = request.mask === undefined ? undefined : await toImageData(request.mask, 'mask');
  return { ...request, image, mask };
}

/** The buffers of a request's images, moved (not copied) to the worker. */
function transferables(request: GenerateRequest): Transferable[] {
  return [request.image?.data.buffer, request.mask?.data.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

/** How a Diffusion starts its worker (after a crash too) and loads the model in it. */
export function diffusionModel(setup: DiffusionSetup): SessionModel<LoadedModelInfo, Progress> {
  const options = { device: setup.device, origin: setup.origin, wasmPaths: setup.wasmPaths, numThreads: setup.numThreads, stallTimeoutMs: setup.stallTimeoutMs };
  return {
    name: 'Diffusion',
    newWorker: () => new WorkerClient(setup.workerFactory, () => undefined),
    async load(client, run) {
      await client.started(setup.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
      return cancellable((id) => client.api.cancel(id), run, (id, onProgress) => client.call((api) => api.load(id, setup.model, options, onProgress)));
    },
  };
}

/** A model loaded in its own worker. Create one with `createDiffusion`. */
export class Diffusion {
  readonly #session: WorkerSession<LoadedModelInfo, Progress>;

  /** @internal Use `createDiffusion`. */
  constructor(session: WorkerSession<LoadedModelInfo, Progress>) {
    this.#session = session;
  }

  /** What was loaded and how it runs (device, dtype, inpainting support, defaults). */
  get model(): LoadedModelInfo {
    return this.#session.info;
  }

  /** Generates an image. Bad requests reject with a DiffusionError before anything is queued. */
  async generate(request: GenerateInput, options: RunOptions = {}): Promise<GenerateResult> {
    if (this.#session.disposed) throw this.#session.disposedError();
    checkRunOptions(options);
    const prepared = await prepareRequest(request);
    // A missing seed is drawn once, here: the worker keeps the one this validation drew.
    const { seed } = validateRequest(prepared, this.#session.info.defaults, this.#session.info.family);
    return untilAborted(this.#session.enqueue(() => this.#run({ ...prepared, seed }, options)), options.signal);
  }

  /**
   * Generates `count` images one after another, image i with seed `seed + i` (AUTOMATIC1111's batch count;
   * one random seed is drawn when the request gives none), so any image of a batch can be made again alone.
   * `onImage` sees each result as it is ready; cancelling rejects the whole batch with an AbortError.
   */
  async generateBatch(request: GenerateInput, count: number, options: BatchOptions = {}): Promise<GenerateResult[]> {
    // Its half loads on the first call (decision 0013), and checks count and seed before the first image.
    const { generateBatch } = await lazyModule('generateBatch()', () => import('./batch.ts'));
    return generateBatch(this, request, count, options);
  }

  /**
   * Inverts an image into the noise latents that the matching sampler denoises back into it (image -> noise, for
   * editing by inversion): `generate({ prompt, latents, steps, scheduler: 'DDIM', guidanceScale: 1 })` with the
   * same prompt and steps reconstructs it. Bad requests reject with a DiffusionError before anything is queued.
   */
  async invert(request: InvertInput, options: RunOptions = {}): Promise<InvertResult> {
    if (this.#session.disposed) throw this.#session.disposedError();
    checkRunOptions(options);
    // Few pages invert: its half loads on the first call (decision 0013), and still checks before queueing.
    const { invertIn } = await lazyModule('invert()', () => import('./invert.ts'));
    return invertIn(this.#session, request, options);
  }

  /** @internal Runs `task` on this Diffusion's worker in its queue, for a Clip that shares the worker (decision 0009). */
  runShared<T>(options: RunOptions, task: (client: WorkerClient) => Promise<T>): Promise<T> {
    const session = this.#session;
    if (session.disposed) return Promise.reject(session.disposedError('The Diffusion this Clip shares was disposed.'));
    return session.enqueue(async () => task(await session.worker(options)));
  }

  /** Ends the worker and rejects anything pending or queued. */
  async dispose(): Promise<void> {
    if (this.#session.disposed) return;
    this.#session.dispose()?.terminate(this.#session.disposedError());
  }

  #run(request: GenerateRequest, options: RunOptions): Promise<GenerateResult> {
    return this.#session.run(options, async (client) => toGenerateResult(await cancellable((id) => client.api.cancel(id), options,
      (id, onProgress) => client.call((api) => api.generate(id, transfer(request, transferables(request)), onProgress)))));
  }
}
