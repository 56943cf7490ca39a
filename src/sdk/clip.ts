/**
 * CLIP on the main thread: `createClip({ model })` loads a CLIP export in a worker; the instance embeds texts and
 * images, scores them against each other (cosine) and classifies zero-shot (softmax of logit scale x cosine).
 * Calls queue and run one at a time; a crashed worker is replaced on the next call, as `Diffusion` does.
 */
import { transfer, type Remote } from 'comlink';
import { DiffusionError } from '../worker/protocol/errors.ts';
import type { ClipEmbeddings, ClipModelInfo, ClipProgress, ClipSource } from '../worker/protocol/clip-types.ts';
import type { Device } from '../worker/protocol/types.ts';
import type { ClipWorkerApi } from '../worker/clip/clip-api.ts';
import type { WorkerApi } from '../worker/api.ts';
import { toImageData, type ImageSource } from './image-input.ts';
import { defaultWorkerFactory, WorkerClient, type WorkerFactory } from './worker-client.ts';
import { cancellable, checkModelOptions, pageOrigin, startSession, WorkerSession, type CallOptions, type SessionModel } from './worker-session.ts';
import { checkImages, checkLabels, checkTemplate, checkTexts, cosineMatrix, rows, softmax } from './clip-math.ts';

/** How to run one CLIP call. */
export interface ClipRunOptions extends CallOptions<ClipProgress> {}

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

interface ClipSetup {
  readonly model: ClipSource;
  readonly device: Device;
  readonly origin: string;
  readonly wasmPaths?: string;
  readonly numThreads?: number;
  readonly workerFactory: WorkerFactory;
}

/**
 * The worker's `clip` object. Comlink forwards nested calls (`clipOf(api).load(...)` sends the path `clip.load`), but
 * its types promise only a property read for a non-function member, hence the cast.
 */
const clipOf = (api: Remote<WorkerApi>) => api.clip as unknown as Remote<ClipWorkerApi>;

/** Runs one call of the worker's `clip` object with a fresh request id, bridging `options.signal` to its cancel. */
function clipCall<T>(client: WorkerClient, options: ClipRunOptions, task: (clip: Remote<ClipWorkerApi>, id: number, onProgress?: (p: ClipProgress) => void) => Promise<T>): Promise<T> {
  return cancellable((id) => clipOf(client.api).cancel(id), options, (id, onProgress) => client.call((api) => task(clipOf(api), id, onProgress)));
}

/** How a Clip starts a worker of its own (after a crash too) and loads the CLIP model in a worker. */
function clipModel(setup: ClipSetup): SessionModel<ClipModelInfo, ClipProgress> {
  const options = { device: setup.device, origin: setup.origin, wasmPaths: setup.wasmPaths, numThreads: setup.numThreads };
  return {
    name: 'Clip',
    newWorker: () => new WorkerClient(setup.workerFactory, () => undefined),
    load: (client, run) => clipCall(client, run, (clip, id, onProgress) => clip.load(id, setup.model, options, onProgress)),
  };
}

/** Loads a CLIP model in its own worker (or in `share`'s); resolves once its sessions exist. `createClip` calls it. */
export async function openClip(options: ClipOptions): Promise<Clip> {
  const device = checkModelOptions('createClip', options);
  const share = options.share;
  if (share !== undefined && typeof share?.runShared !== 'function') {
    throw new DiffusionError('invalid-argument', 'createClip(): `share` must be a Diffusion.');
  }
  const model = clipModel({
    model: options.model, device, origin: pageOrigin() ?? '', wasmPaths: options.wasmPaths, numThreads: options.numThreads,
    workerFactory: options.workerFactory ?? defaultWorkerFactory,
  });
  const started = share
    ? await share.runShared({ signal: options.signal }, async (client) => ({ client, info: await model.load(client, options) }))
    : await startSession(model, options);
  return new Clip(new WorkerSession(model, started), share);
}

/** A loaded CLIP model. Create one with `createClip`. */
export class Clip {
  readonly #session: WorkerSession<ClipModelInfo, ClipProgress>;
  readonly #share: WorkerHost | undefined;

  /** @internal Use `createClip`. */
  constructor(session: WorkerSession<ClipModelInfo, ClipProgress>, share?: WorkerHost) {
    this.#session = session;
    this.#share = share;
  }

  /** What was loaded: layout, towers, embedding width, logit scale, device. */
  get model(): ClipModelInfo {
    return this.#session.info;
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
    const probabilities = softmax(scores.map((s) => s * this.#session.info.logitScale));
    const index = probabilities.indexOf(Math.max(...probabilities));
    return { labels: names, probabilities, scores, best: { label: names[index], index, probability: probabilities[index] }, truncated: texts.truncated };
  }

  /** Ends the worker and rejects anything pending or queued; a shared worker only drops the CLIP sessions. */
  async dispose(): Promise<void> {
    if (this.#session.disposed) return;
    const client = this.#session.dispose();
    if (!this.#share) {
      client?.terminate(this.#session.disposedError());
      return;
    }
    if (client && !client.dead) await client.call((api) => clipOf(api).dispose()).catch(() => undefined);
  }

  async #embedText(texts: string[], options: ClipRunOptions): Promise<ClipEmbeddings> {
    return this.#enqueue(options, (clip, id, onProgress) => clip.embedText(id, texts, onProgress));
  }

  async #embedImage(images: ImageSource | readonly ImageSource[], options: ClipRunOptions): Promise<ClipEmbeddings> {
    if (this.#session.disposed) throw this.#session.disposedError();
    const data = await Promise.all(checkImages(images).map((image) => toImageData(image, 'image')));
    const buffers = data.map((image) => image.data.buffer as ArrayBuffer);
    return this.#enqueue(options, (clip, id, onProgress) => clip.embedImage(id, transfer(data, buffers), onProgress));
  }

  /** Queues one call; with `share`, it then waits its turn in the Diffusion's queue too and runs on its worker. */
  #enqueue<T>(options: ClipRunOptions, task: (clip: Remote<ClipWorkerApi>, id: number, onProgress?: (p: ClipProgress) => void) => Promise<T>): Promise<T> {
    const session = this.#session;
    if (session.disposed) return Promise.reject(session.disposedError());
    const attempt = (shared?: WorkerClient) => session.run(options, (client) => clipCall(client, options, task), shared);
    const share = this.#share;
    return session.enqueue(() => (share ? share.runShared({ signal: options.signal }, attempt) : attempt()));
  }
}
