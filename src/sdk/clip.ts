/**
 * CLIP on the main thread: `createClip({ model })` loads a CLIP export in a worker; the instance embeds texts and
 * images, scores them against each other (cosine) and classifies zero-shot (softmax of logit scale x cosine).
 * Calls queue and run one at a time; a crashed worker is replaced on the next call, as `Diffusion` does.
 */
import { proxy, transfer, type Remote } from 'comlink';
import { abortError, DiffusionError, isDiffusionError } from '../worker/protocol/errors.ts';
import type { ClipEmbeddings, ClipModelInfo, ClipProgress, ClipSource } from '../worker/protocol/clip-types.ts';
import type { Device } from '../worker/protocol/types.ts';
import type { ClipWorkerApi } from '../worker/clip/clip-api.ts';
import type { WorkerApi } from '../worker/api.ts';
import { toImageData, type ImageSource } from './image-input.ts';
import { defaultWorkerFactory, WorkerClient, type WorkerFactory } from './worker-client.ts';
import { checkImages, checkLabels, checkTemplate, checkTexts, cosineMatrix, rows, softmax } from './clip-math.ts';

/** How to run one CLIP call. */
export interface ClipRunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ClipProgress) => void;
}

/** Options for `createClip`. */
export interface ClipOptions extends ClipRunOptions {
  /** A preset (`'clip-vit-b32'`, `'clip-vit-large-patch14'`), a folder URL (transformers.js layout) or a manifest. */
  readonly model: ClipSource;
  /** `'auto'` (default): WebGPU when an adapter exists, else WASM. */
  readonly device?: Device;
  readonly wasmPaths?: string;
  readonly numThreads?: number;
  readonly workerFactory?: WorkerFactory;
  /**
   * A `Diffusion` whose worker CLIP should run in, instead of a worker of its own: one runtime and one copy of ORT's
   * WASM in memory, and CLIP calls queue with the Diffusion's requests (decision 0009).
   */
  readonly share?: WorkerHost;
}

/** What sharing needs from a `Diffusion`: its worker, reached through its request queue. */
export interface WorkerHost {
  runShared<T>(options: { readonly signal?: AbortSignal }, task: (client: WorkerClient) => Promise<T>): Promise<T>;
}

/** One zero-shot classification: labels in the order given, with their probabilities and cosines. */
export interface ClipClassification {
  readonly labels: readonly string[];
  /** Softmax of logitScale x cosine over the labels; sums to 1. */
  readonly probabilities: readonly number[];
  /** Cosine similarity of the image to each (templated) label. */
  readonly scores: readonly number[];
  /** The most probable label. */
  readonly best: { readonly label: string; readonly index: number; readonly probability: number };
  /** Per label: true where its templated text had more than 75 tokens and was cut as CLIP cuts it. */
  readonly truncated: readonly boolean[];
}

const DEVICES = ['auto', 'webgpu', 'wasm'] as const;
let nextRequestId = 1;

interface ClipSetup {
  readonly model: ClipSource;
  readonly device: Device;
  readonly origin: string;
  readonly wasmPaths?: string;
  readonly numThreads?: number;
  readonly workerFactory: WorkerFactory;
  readonly share?: WorkerHost;
}

/**
 * The worker's `clip` object. Comlink forwards nested calls (`clipOf(api).load(...)` sends the path `clip.load`), but
 * its types promise only a property read for a non-function member, hence the cast.
 */
const clipOf = (api: Remote<WorkerApi>) => api.clip as unknown as Remote<ClipWorkerApi>;

/** Runs `task` with a fresh request id, bridging `signal` to the worker's cancel. */
async function cancellable<T>(client: WorkerClient, signal: AbortSignal | undefined, task: (id: number) => Promise<T>): Promise<T> {
  signal?.throwIfAborted();
  const id = nextRequestId++;
  const onAbort = () => void clipOf(client.api).cancel(id).catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await task(id);
  } catch (error) {
    if (signal?.aborted) throw abortError(signal.reason);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Loads the CLIP model in `client`'s worker. */
function loadIn(client: WorkerClient, setup: ClipSetup, run: ClipRunOptions): Promise<ClipModelInfo> {
  const options = { device: setup.device, origin: setup.origin, wasmPaths: setup.wasmPaths, numThreads: setup.numThreads };
  const onProgress = run.onProgress ? proxy(run.onProgress) : undefined;
  return cancellable(client, run.signal, (id) => client.call((api) => clipOf(api).load(id, setup.model, options, onProgress)));
}

/** Starts a worker of its own (or takes the shared one) and loads the CLIP model in it. */
async function startClipWorker(setup: ClipSetup, run: ClipRunOptions): Promise<{ client: WorkerClient; info: ClipModelInfo }> {
  if (setup.share) return setup.share.runShared({ signal: run.signal }, async (client) => ({ client, info: await loadIn(client, setup, run) }));
  const client = new WorkerClient(setup.workerFactory, () => undefined);
  try {
    return { client, info: await loadIn(client, setup, run) };
  } catch (error) {
    client.terminate(error as Error);
    throw error;
  }
}

/** Loads a CLIP model in its own worker; resolves once its sessions exist. */
export async function createClip(options: ClipOptions): Promise<Clip> {
  if (typeof options !== 'object' || options === null) throw new DiffusionError('invalid-argument', 'createClip() takes an options object.');
  const device = options.device ?? 'auto';
  if (!DEVICES.includes(device)) throw new DiffusionError('unsupported-device', `device must be one of ${DEVICES.join(', ')}; got '${String(device)}'.`);
  if (options.model === undefined || options.model === null || options.model === '') {
    throw new DiffusionError('invalid-model', 'createClip() needs a `model`: a preset name, a folder URL or a manifest.');
  }
  const origin = typeof document !== 'undefined' ? document.baseURI : globalThis.location?.href ?? '';
  if (options.share !== undefined && typeof options.share?.runShared !== 'function') {
    throw new DiffusionError('invalid-argument', 'createClip(): `share` must be a Diffusion.');
  }
  const setup: ClipSetup = {
    model: options.model, device, origin, wasmPaths: options.wasmPaths, numThreads: options.numThreads,
    workerFactory: options.workerFactory ?? defaultWorkerFactory, share: options.share,
  };
  const { client, info } = await startClipWorker(setup, options);
  return new Clip(setup, client, info);
}

/** A loaded CLIP model. Create one with `createClip`. */
export class Clip {
  readonly #setup: ClipSetup;
  #client: WorkerClient | undefined;
  #info: ClipModelInfo;
  #queue: Promise<unknown> = Promise.resolve();
  #disposed = false;

  /** @internal Use `createClip`. */
  constructor(setup: ClipSetup, client: WorkerClient, info: ClipModelInfo) {
    this.#setup = setup;
    this.#client = client;
    this.#info = info;
  }

  /** What was loaded: layout, towers, embedding width, logit scale, device. */
  get model(): ClipModelInfo {
    return this.#info;
  }

  /** L2-normalised embeddings of one text or a batch, one Float32Array row each. */
  async embedText(texts: string | readonly string[], options: ClipRunOptions = {}): Promise<Float32Array[]> {
    return rows(await this.#embedText(checkTexts(texts), options));
  }

  /** L2-normalised embeddings of one image or a batch (any `ImageSource`), one row each. One vision run per image. */
  async embedImage(images: ImageSource | readonly ImageSource[], options: ClipRunOptions = {}): Promise<Float32Array[]> {
    return rows(await this.#embedImage(images, options));
  }

  /** Cosine similarities, `[image][text]`. */
  async similarity(images: ImageSource | readonly ImageSource[], texts: string | readonly string[], options: ClipRunOptions = {}): Promise<number[][]> {
    const checked = checkTexts(texts);
    const imageRows = await this.#embedImage(images, options);
    return cosineMatrix(imageRows, await this.#embedText(checked, options));
  }

  /** Zero-shot classification: softmax over `labels` of logitScale x cosine; `template` ('a photo of a {}') wraps each label. */
  async classify(image: ImageSource, labels: readonly string[], options: ClipRunOptions & { readonly template?: string } = {}): Promise<ClipClassification> {
    const names = checkLabels(labels);
    const template = checkTemplate(options.template);
    const texts = await this.#embedText(names.map((label) => template.replaceAll('{}', label)), options);
    const scores = cosineMatrix(await this.#embedImage(image, options), texts)[0];
    const probabilities = softmax(scores.map((s) => s * this.#info.logitScale));
    const index = probabilities.indexOf(Math.max(...probabilities));
    return { labels: names, probabilities, scores, best: { label: names[index], index, probability: probabilities[index] }, truncated: texts.truncated };
  }

  /** Ends the worker and rejects anything pending or queued; a shared worker only drops the CLIP sessions. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const client = this.#client;
    this.#client = undefined;
    if (!this.#setup.share) {
      client?.terminate(new DiffusionError('disposed', 'This Clip was disposed.'));
      return;
    }
    if (client && !client.dead) await client.call((api) => clipOf(api).dispose()).catch(() => undefined);
  }

  async #embedText(texts: string[], options: ClipRunOptions): Promise<ClipEmbeddings> {
    return this.#enqueue(options, (client, id, onProgress) => client.call((api) => clipOf(api).embedText(id, texts, onProgress)));
  }

  async #embedImage(images: ImageSource | readonly ImageSource[], options: ClipRunOptions): Promise<ClipEmbeddings> {
    if (this.#disposed) throw new DiffusionError('disposed', 'This Clip was disposed.');
    const data = await Promise.all(checkImages(images).map((image) => toImageData(image, 'image')));
    const buffers = data.map((image) => image.data.buffer as ArrayBuffer);
    return this.#enqueue(options, (client, id, onProgress) => client.call((api) => clipOf(api).embedImage(id, transfer(data, buffers), onProgress)));
  }

  #enqueue<T>(options: ClipRunOptions, task: (client: WorkerClient, id: number, onProgress?: (p: ClipProgress) => void) => Promise<T>): Promise<T> {
    if (this.#disposed) return Promise.reject(new DiffusionError('disposed', 'This Clip was disposed.'));
    const attempt = async (shared?: WorkerClient) => {
      if (this.#disposed) throw new DiffusionError('disposed', 'This Clip was disposed.');
      options.signal?.throwIfAborted();
      const client = await this.#ensureWorker(options, shared);
      const onProgress = options.onProgress ? proxy(options.onProgress) : undefined;
      try {
        return await cancellable(client, options.signal, (id) => task(client, id, onProgress));
      } catch (error) {
        if (isDiffusionError(error, 'device-lost') && !shared) client.terminate(error);
        throw error;
      }
    };
    const share = this.#setup.share;
    const run = this.#queue.then(() => (share ? share.runShared({ signal: options.signal }, attempt) : attempt()));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The worker to run on: our own (restarted after a crash), or the shared one, where CLIP is loaded again after the Diffusion replaced a crashed worker. */
  async #ensureWorker(options: ClipRunOptions, shared?: WorkerClient): Promise<WorkerClient> {
    if (shared) {
      if (shared !== this.#client) this.#info = await loadIn(shared, this.#setup, options);
      this.#client = shared;
      return shared;
    }
    if (this.#client && !this.#client.dead) return this.#client;
    const { client, info } = await startClipWorker(this.#setup, options);
    this.#client = client;
    this.#info = info;
    return client;
  }
}
