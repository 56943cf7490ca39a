/**
 * A loaded model, ready to generate. Requests queue and run one at a time; cancelling one rejects it with
 * an AbortError and the next runs at once. If the worker crashes, the next request starts a new one and
 * loads the model again (from the IndexedDB cache, so without downloading).
 */
import { proxy, transfer } from 'comlink';
import { abortError, DiffusionError, isDiffusionError } from '../worker/protocol/errors.ts';
import { toImageData, type ImageSource } from './image-input.ts';
import { rankByPrompt, type ClipRanker } from './clip-rank.ts';
import { toGenerateResult, type GenerateResult } from './result.ts';
import { randomSeed, validateRequest } from '../worker/protocol/validate.ts';
import { WorkerClient, type WorkerFactory } from './worker-client.ts';
import { prepareInvertRequest, type InvertInput } from './invert.ts';
import type { InvertResult } from '../worker/protocol/invert-types.ts';
import { validateInvertRequest } from '../worker/protocol/validate-invert.ts';
import type { Device, GenerateRequest, LoadedModelInfo, ModelSource, Progress } from '../worker/protocol/types.ts';

/** How to run one call: cancellation and progress, as `fetch(input, init)` separates them. */
export interface RunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: Progress) => void;
}

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

let nextRequestId = 1;

/** The most images one `generateBatch` call makes. */
const BATCH_LIMIT = 100;

/** A request whose `image` and `mask` may be any {@link ImageSource}. */
export type GenerateInput = Omit<GenerateRequest, 'image' | 'mask'> & { readonly image?: ImageSource; readonly mask?: ImageSource };

/** Converts image inputs to ImageData (transferable) and leaves everything else as given. */
async function prepareRequest(request: GenerateInput): Promise<GenerateRequest> {
  if (typeof request !== 'object' || request === null) throw new DiffusionError('invalid-argument', 'generate() takes a request object.');
  const image = request.image === undefined ? undefined : await toImageData(request.image, 'image');
  const mask = request.mask === undefined ? undefined : await toImageData(request.mask, 'mask');
  return { ...request, image, mask };
}

/** The buffers of a request's images, moved (not copied) to the worker. */
function transferables(request: GenerateRequest): Transferable[] {
  return [request.image?.data.buffer, request.mask?.data.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

/** An AbortSignal from any realm (an iframe's fails `instanceof`): what `cancellable` uses of it. */
function isAbortSignal(value: unknown): value is AbortSignal {
  const signal = value as AbortSignal | null;
  return typeof signal === 'object' && signal !== null && typeof signal.aborted === 'boolean'
    && typeof signal.addEventListener === 'function' && typeof signal.throwIfAborted === 'function';
}

/** Checks `signal` and `onProgress` where they enter, so a wrong one is a DiffusionError and not a TypeError later. */
export function checkRunOptions(options: RunOptions): void {
  if (typeof options !== 'object' || options === null) throw new DiffusionError('invalid-argument', 'The options must be an object.');
  if (options.signal !== undefined && !isAbortSignal(options.signal)) {
    throw new DiffusionError('invalid-argument', `signal must be an AbortSignal; got ${Object.prototype.toString.call(options.signal)}.`);
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new DiffusionError('invalid-argument', 'onProgress must be a function.');
  }
}

/**
 * `promise`, or at once the signal's reason when it aborts first: a request still waiting in the queue rejects
 * when cancelled, not when the one ahead of it ends (its turn then finds the signal aborted and skips the work).
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    if (signal.aborted) onAbort(); // aborted while the images were being read: 'abort' has fired already
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** What an aborted call rejects with: the signal's reason, as `fetch` does (an AbortError DOMException by default). */
function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? abortError();
}

/** Runs `task` on `client`, bridging `signal` to the worker's cancel (an AbortSignal cannot cross threads). */
async function cancellable<T>(client: WorkerClient, signal: AbortSignal | undefined, task: (id: number) => Promise<T>): Promise<T> {
  signal?.throwIfAborted();
  const id = nextRequestId++;
  const onAbort = () => void client.api.cancel(id).catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await task(id);
  } catch (error) {
    if (signal?.aborted) throw abortReason(signal);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Starts a worker and loads the model in it. */
export async function startWorker(setup: DiffusionSetup, run: RunOptions, onCrash: () => void): Promise<{ client: WorkerClient; info: LoadedModelInfo }> {
  const client = new WorkerClient(setup.workerFactory, onCrash);
  const options = { device: setup.device, origin: setup.origin, wasmPaths: setup.wasmPaths, numThreads: setup.numThreads, stallTimeoutMs: setup.stallTimeoutMs };
  const onProgress = run.onProgress ? proxy(run.onProgress) : undefined;
  try {
    await client.started(setup.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    const info = await cancellable(client, run.signal, (id) => client.call((api) => api.load(id, setup.model, options, onProgress)));
    return { client, info };
  } catch (error) {
    client.terminate(error as Error);
    throw error;
  }
}

/** A model loaded in its own worker. Create one with `createDiffusion`. */
export class Diffusion {
  readonly #setup: DiffusionSetup;
  #client: WorkerClient | undefined;
  #info: LoadedModelInfo;
  #queue: Promise<unknown> = Promise.resolve();
  #disposed = false;

  /** @internal Use `createDiffusion`. */
  constructor(setup: DiffusionSetup, client: WorkerClient, info: LoadedModelInfo) {
    this.#setup = setup;
    this.#client = client;
    this.#info = info;
  }

  /** What was loaded and how it runs (device, dtype, inpainting support, defaults). */
  get model(): LoadedModelInfo {
    return this.#info;
  }

  /** Generates an image. Bad requests reject with a DiffusionError before anything is queued. */
  async generate(request: GenerateInput, options: RunOptions = {}): Promise<GenerateResult> {
    if (this.#disposed) throw new DiffusionError('disposed', 'This Diffusion was disposed.');
    checkRunOptions(options);
    const prepared = await prepareRequest(request);
    // A missing seed is drawn once, here: the worker keeps the one this validation drew.
    const { seed } = validateRequest(prepared, this.#info.defaults, this.#info.family);
    const run = this.#queue.then(() => this.#run({ ...prepared, seed }, options));
    this.#queue = run.catch(() => undefined);
    return untilAborted(run, options.signal);
  }

  /**
   * Generates `count` images one after another, image i with seed `seed + i` (AUTOMATIC1111's batch count;
   * one random seed is drawn when the request gives none), so any image of a batch can be made again alone.
   * `onImage` sees each result as it is ready; cancelling rejects the whole batch with an AbortError.
   */
  async generateBatch(request: GenerateInput, count: number, options: RunOptions & { readonly onImage?: (result: GenerateResult, index: number) => void; readonly rankWith?: ClipRanker } = {}): Promise<GenerateResult[]> {
    if (!Number.isInteger(count) || count < 1 || count > BATCH_LIMIT) {
      throw new DiffusionError('invalid-argument', `count must be an integer from 1 to ${BATCH_LIMIT}; got ${String(count)}.`, { details: { count } });
    }
    checkRunOptions(options);
    const first = request?.seed ?? randomSeed();
    // Checked here, not per image: `first + i` would otherwise wrap a seed such as 2**53 silently.
    if (typeof first !== 'number' || !Number.isSafeInteger(first) || first < 0 || first > 0xffffffff) {
      throw new DiffusionError('invalid-seed', `seed must be an integer from 0 to 4294967295; got ${String(first)}.`, { details: { seed: first } });
    }
    const results: GenerateResult[] = [];
    for (let i = 0; i < count; i += 1) {
      // Seeds wrap at 2^32 as torch's manual_seed keeps the low 32 bits.
      const result = await this.generate({ ...request, seed: (first + i) % 2 ** 32 }, options);
      results.push(result);
      options.onImage?.(result, i);
    }
    // rankWith (a Clip): each result gains `clipScore`, the cosine to its prompt, and the batch is sorted best first.
    return options.rankWith ? rankByPrompt(results, request.prompt, options.rankWith, options) : results;
  }

  /**
   * Inverts an image into the noise latents that the matching sampler denoises back into it (image -> noise, for
   * editing by inversion): `generate({ prompt, latents, steps, scheduler: 'DDIM', guidanceScale: 1 })` with the
   * same prompt and steps reconstructs it. Bad requests reject with a DiffusionError before anything is queued.
   */
  async invert(request: InvertInput, options: RunOptions = {}): Promise<InvertResult> {
    if (this.#disposed) throw new DiffusionError('disposed', 'This Diffusion was disposed.');
    checkRunOptions(options);
    const prepared = await prepareInvertRequest(request);
    const { seed } = validateInvertRequest(prepared, this.#info.defaults);
    const user = options.onProgress;
    // As in #run: a cancelled call's late reports are dropped.
    const onProgress = user ? proxy((p: Progress) => { if (!options.signal?.aborted) user(p); }) : undefined;
    const run = this.runShared(options, (client) => cancellable(client, options.signal, (id) =>
      client.call((api) => api.invert(id, transfer({ ...prepared, seed }, [prepared.image.data.buffer]), onProgress))));
    return untilAborted(run, options.signal);
  }

  /** @internal Runs `task` on this Diffusion's worker in its queue, for a Clip that shares the worker (decision 0009). */
  runShared<T>(options: RunOptions, task: (client: WorkerClient) => Promise<T>): Promise<T> {
    if (this.#disposed) return Promise.reject(new DiffusionError('disposed', 'The Diffusion this Clip shares was disposed.'));
    const run = this.#queue.then(async () => task(await this.#ensureWorker(options)));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Ends the worker and rejects anything pending or queued. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#client?.terminate(new DiffusionError('disposed', 'This Diffusion was disposed.'));
    this.#client = undefined;
  }

  async #run(request: GenerateRequest, options: RunOptions): Promise<GenerateResult> {
    if (this.#disposed) throw new DiffusionError('disposed', 'This Diffusion was disposed.');
    options.signal?.throwIfAborted();
    const client = await this.#ensureWorker(options);
    // A cancelled run rejects at once, while the worker may still be finishing a step: its late reports are dropped,
    // so no progress arrives after the promise settles.
    let settled = false;
    const user = options.onProgress;
    const onProgress = user ? proxy((p: Progress) => { if (!settled && !options.signal?.aborted) user(p); }) : undefined;
    try {
      const result = await cancellable(client, options.signal, (id) => client.call((api) => api.generate(id, transfer(request, transferables(request)), onProgress)));
      return toGenerateResult(result);
    } catch (error) {
      settled = true;
      // A lost GPU device cannot be revived inside the same worker: start afresh on the next request.
      if (isDiffusionError(error, 'device-lost')) client.terminate(error);
      throw error;
    }
  }

  async #ensureWorker(options: RunOptions): Promise<WorkerClient> {
    if (this.#client && !this.#client.dead) return this.#client;
    const { client, info } = await startWorker(this.#setup, options, () => undefined);
    this.#client = client;
    this.#info = info;
    return client;
  }
}
