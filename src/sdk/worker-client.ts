/**
 * Owns one worker: starts it, wraps it with Comlink, notices when it dies, and rejects whatever was
 * waiting on it (Comlink leaves pending calls unresolved when a worker ends, so we do it ourselves).
 */
import { wrap, releaseProxy, type Remote } from 'comlink';
import { installErrorTransfer } from '../worker/protocol/error-transfer.ts';
import { DiffusionError } from '../worker/protocol/errors.ts';
import type { WorkerApi } from '../worker/api.ts';

/** Makes the worker; the default works unbundled and in Vite/webpack, which recognise this exact form. */
export type WorkerFactory = () => Worker;

/** The default worker, next to this module (dist/worker.js after the build). */
export const defaultWorkerFactory: WorkerFactory = () =>
  new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'web-diffusion' });

/** Calls `factory`, so that a factory that throws, or gives no Worker, is a DiffusionError with the cause. */
function startWorker(factory: WorkerFactory): Worker {
  let worker: unknown;
  try {
    worker = factory();
  } catch (cause) {
    throw new DiffusionError('worker-crashed', `The workerFactory threw: ${cause instanceof Error ? cause.message : String(cause)}.`, { cause });
  }
  const looksLikeWorker = typeof worker === 'object' && worker !== null && typeof (worker as Worker).postMessage === 'function'
    && typeof (worker as Worker).terminate === 'function';
  if (!looksLikeWorker) throw new DiffusionError('worker-crashed', `The workerFactory must return a Worker; got ${String(worker)}.`);
  return worker as Worker;
}

/** A live worker and its Comlink proxy. */
export class WorkerClient {
  readonly api: Remote<WorkerApi>;
  readonly #worker: Worker;
  readonly #pending = new Set<(error: Error) => void>();
  #dead: Error | undefined;

  constructor(factory: WorkerFactory, onCrash: (error: Error) => void) {
    installErrorTransfer();
    this.#worker = startWorker(factory);
    this.api = wrap<WorkerApi>(this.#worker);
    const crash = (event: Event) => {
      // Handled here: without this the worker's uncaught error would also surface as the page's error.
      event.preventDefault();
      const message = (event as ErrorEvent).message || 'the worker stopped unexpectedly';
      this.#fail(new DiffusionError('worker-crashed', `The diffusion worker crashed: ${message}. The next request starts a new one.`));
      onCrash(this.#dead!);
    };
    this.#worker.addEventListener('error', crash);
    this.#worker.addEventListener('messageerror', crash);
  }

  /** True once the worker crashed or was terminated. */
  get dead(): boolean {
    return this.#dead !== undefined;
  }

  /**
   * Resolves once the worker answers; a worker script that never runs (a hung import, a host that never sends it)
   * fails with `worker-crashed` after `timeoutMs` instead of leaving every call pending.
   */
  async started(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.#fail(new DiffusionError('worker-crashed', `The diffusion worker did not start within ${timeoutMs / 1000} s: its script never ran. Check that the worker bundle is served (see workerFactory).`, { details: { startTimeoutMs: timeoutMs } }));
        reject(this.#dead);
      }, timeoutMs);
    });
    try {
      await Promise.race([this.call((api) => api.ready()), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs `call` on the worker, rejecting at once if the worker dies meanwhile. */
  call<T>(call: (api: Remote<WorkerApi>) => Promise<T>): Promise<T> {
    if (this.#dead) return Promise.reject(this.#dead);
    return new Promise<T>((resolve, reject) => {
      this.#pending.add(reject);
      call(this.api).then(resolve, reject).finally(() => this.#pending.delete(reject));
    });
  }

  /** Ends the worker and rejects everything pending with `reason`. */
  terminate(reason: Error): void {
    if (this.#dead) return;
    this.#fail(reason);
    this.api[releaseProxy]();
  }

  #fail(reason: Error): void {
    if (this.#dead) return;
    this.#dead = reason;
    this.#worker.terminate();
    for (const reject of this.#pending) reject(reason);
    this.#pending.clear();
  }
}
