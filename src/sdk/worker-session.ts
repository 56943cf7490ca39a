/**
 * What `Diffusion` and `Clip` share: one model in one worker, calls queued and run one at a time, a crashed worker
 * replaced on the next call (the model loads again, from the cache), and request ids with cancellation bridged to
 * the worker, since an AbortSignal cannot cross threads.
 */
import { proxy } from 'comlink';
import { abortError, DiffusionError, isDiffusionError } from '../worker/protocol/errors.ts';
import type { WorkerClient } from './worker-client.ts';
import type { Device } from '../worker/protocol/types.ts';

/** How to run one call: cancellation and progress, as `fetch(input, init)` separates them. */
export interface CallOptions<P> {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: P) => void;
}

/** A worker with the model loaded in it, and what the model says about itself. */
export interface Started<Info> {
  readonly client: WorkerClient;
  readonly info: Info;
}

/** How a session makes its worker and loads its model. */
export interface SessionModel<Info, P> {
  /** Who owns the session, for the `disposed` message: `Diffusion` or `Clip`. */
  readonly name: string;
  /** A new worker, not yet running. */
  newWorker(): WorkerClient;
  /** Loads the model in `client`'s worker. */
  load(client: WorkerClient, options: CallOptions<P>): Promise<Info>;
}

const DEVICES = ['auto', 'webgpu', 'wasm'] as const;

// One counter for every call of the page: a Clip that shares a Diffusion's worker gets ids of its own.
let nextRequestId = 1;

/** The document's URL (or the worker's), against which model URLs resolve. */
export const pageOrigin = (): string | undefined => (typeof document !== 'undefined' ? document.baseURI : globalThis.location?.href);

/** The checks `createDiffusion` and `createClip` share (`fn` names the caller); returns the device. */
export function checkModelOptions(fn: string, options: { readonly model?: unknown; readonly device?: Device }): Device {
  if (typeof options !== 'object' || options === null) throw new DiffusionError('invalid-argument', `${fn}() takes an options object.`);
  const device = options.device ?? 'auto';
  if (!DEVICES.includes(device)) throw new DiffusionError('unsupported-device', `device must be one of ${DEVICES.join(', ')}; got '${String(device)}'.`);
  if (options.model === undefined || options.model === null || options.model === '') {
    throw new DiffusionError('invalid-model', `${fn}() needs a \`model\`: a preset name, a folder URL or a manifest.`);
  }
  return device;
}

/** An AbortSignal from any realm (an iframe's fails `instanceof`): what `cancellable` uses of it. */
function isAbortSignal(value: unknown): value is AbortSignal {
  const signal = value as AbortSignal | null;
  return typeof signal === 'object' && signal !== null && typeof signal.aborted === 'boolean'
    && typeof signal.addEventListener === 'function' && typeof signal.throwIfAborted === 'function';
}

/** Checks `signal` and `onProgress` where they enter, so a wrong one is a DiffusionError and not a TypeError later. */
export function checkRunOptions(options: CallOptions<never>): void {
  if (typeof options !== 'object' || options === null) throw new DiffusionError('invalid-argument', 'The options must be an object.');
  if (options.signal !== undefined && !isAbortSignal(options.signal)) {
    throw new DiffusionError('invalid-argument', `signal must be an AbortSignal; got ${Object.prototype.toString.call(options.signal)}.`);
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new DiffusionError('invalid-argument', 'onProgress must be a function.');
  }
}

/** What an aborted call rejects with: the signal's reason, as `fetch` does (an AbortError DOMException by default). */
function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? abortError();
}

/**
 * `promise`, or at once the signal's reason when it aborts first: a request still waiting in the queue rejects
 * when cancelled, not when the one ahead of it ends (its turn then finds the signal aborted and skips the work).
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    if (signal.aborted) onAbort(); // aborted while the images were being read: 'abort' has fired already
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Runs `task` with a fresh request id, bridging `options.signal` to `cancel(id)`. The task gets the caller's progress
 * callback proxied for the worker, and it drops reports once the call has failed or its signal aborted: a cancelled
 * call rejects at once while the worker may still be finishing a step, and no report may arrive after that. (After a
 * success they still arrive: a load's `ready` report may come after the load resolves.)
 */
export async function cancellable<T, P>(
  cancel: (id: number) => Promise<unknown>, options: CallOptions<P>, task: (id: number, onProgress?: (progress: P) => void) => Promise<T>,
): Promise<T> {
  const { signal, onProgress: user } = options;
  signal?.throwIfAborted();
  const id = nextRequestId++;
  let failed = false;
  const onProgress = user && proxy((progress: P) => { if (!failed && !signal?.aborted) user(progress); });
  const onAbort = () => void cancel(id).catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await task(id, onProgress);
  } catch (error) {
    failed = true;
    if (signal?.aborted) throw abortReason(signal);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Starts a worker and loads the model in it; a worker that fails to load is ended. Cancelling rejects at once, like
 * a queued call: the worker may be inside a step that cannot stop (ORT creating a session), and ending it stops that.
 */
export async function startSession<Info, P>(model: SessionModel<Info, P>, options: CallOptions<P>): Promise<Started<Info>> {
  const client = model.newWorker();
  try {
    return { client, info: await untilAborted(model.load(client, options), options.signal) };
  } catch (error) {
    client.terminate(error as Error);
    throw error;
  }
}

/** The queue, the worker and the disposed state of one `Diffusion` or `Clip`. */
export class WorkerSession<Info, P> {
  readonly #model: SessionModel<Info, P>;
  #client: WorkerClient | undefined;
  #info: Info;
  #queue: Promise<unknown> = Promise.resolve();
  #disposed = false;

  constructor(model: SessionModel<Info, P>, started: Started<Info>) {
    this.#model = model;
    this.#client = started.client;
    this.#info = started.info;
  }

  /** What the loaded model says about itself (again after a restart). */
  get info(): Info {
    return this.#info;
  }

  /** True once disposed. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** The error calls reject with once the session is disposed. */
  disposedError(message = `This ${this.#model.name} was disposed.`): DiffusionError {
    return new DiffusionError('disposed', message);
  }

  /** Runs `task` after everything queued before it; a failed task does not stop the queue. */
  enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The worker to run on: the live one, or a new one after a crash. A `shared` worker (a Clip's host Diffusion) is
   * taken as it is, and the model loaded in it again when the host has replaced a crashed worker.
   */
  async worker(options: CallOptions<P>, shared?: WorkerClient): Promise<WorkerClient> {
    if (shared) {
      if (shared !== this.#client) this.#info = await this.#model.load(shared, options);
      this.#client = shared;
      return shared;
    }
    if (this.#client && !this.#client.dead) return this.#client;
    const { client, info } = await startSession(this.#model, options);
    this.#client = client;
    this.#info = info;
    return client;
  }

  /** Runs `task` on the worker (call it from the queue); a worker of its own that lost its GPU device is ended. */
  async run<T>(options: CallOptions<P>, task: (client: WorkerClient) => Promise<T>, shared?: WorkerClient): Promise<T> {
    if (this.#disposed) throw this.disposedError();
    options.signal?.throwIfAborted();
    const client = await this.worker(options, shared);
    try {
      return await task(client);
    } catch (error) {
      // A lost device cannot be revived inside the same worker: the next call starts afresh.
      if (isDiffusionError(error, 'device-lost') && !shared) client.terminate(error);
      throw error;
    }
  }

  /** Marks the session disposed and hands back its worker, if any, for the owner to end or clean. */
  dispose(): WorkerClient | undefined {
    const client = this.#client;
    this.#disposed = true;
    this.#client = undefined;
    return client;
  }
}
