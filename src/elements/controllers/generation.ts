/**
 * Owns the element's model and its runs, as `@lit/task` does: `(args, { signal })`, latest run wins (a new run
 * cancels the one before), and everything is cancelled when the element leaves the document. The model loads
 * on the first run, not on connect, so a page with the element costs nothing until someone generates.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { createDiffusion, DiffusionError, type ClipRanker, type Device, type Diffusion, type GenerateInput, type GenerateResult, type Progress } from '../../sdk/index.ts';

/** What a run needs to know about the model. */
export interface ModelChoice {
  readonly model: string;
  readonly device: Device;
  /** A shared instance set by the page; used as is and never disposed here. */
  readonly shared?: Diffusion;
  /** `best-of`: make this many and keep the best by `clip`'s score to the prompt. */
  readonly bestOf?: number;
  readonly clip?: ClipRanker;
}

/** Runs generations for one element. */
export class GenerationController implements ReactiveController {
  readonly #host: ReactiveControllerHost & Element;
  readonly #onProgress: (progress: Progress) => void;
  #owned: { key: string; diffusion: Promise<Diffusion> } | undefined;
  #run: AbortController | undefined;
  /** The last best-of run's results, best first (empty after a single-image run). */
  candidates: readonly GenerateResult[] = [];

  constructor(host: ReactiveControllerHost & Element, onProgress: (progress: Progress) => void) {
    this.#host = host;
    this.#onProgress = onProgress;
    host.addController(this);
  }

  /** True while a run (including its model load) is in progress. */
  get busy(): boolean {
    return this.#run !== undefined;
  }

  /** Nothing to do until the first run. */
  hostConnected(): void {}

  /** Cancels and frees the model, unless the element was only moved (disconnected and reconnected in one task). */
  hostDisconnected(): void {
    queueMicrotask(() => {
      if (this.#host.isConnected) return;
      this.cancel();
      void this.release();
    });
  }

  /** Loads the model if needed and generates; rejects with an AbortError if cancelled or superseded. */
  async generate(choice: ModelChoice, request: GenerateInput): Promise<GenerateResult> {
    this.#run?.abort();
    const run = new AbortController();
    this.#run = run;
    this.#host.requestUpdate();
    try {
      const diffusion = await this.#diffusion(choice, run.signal);
      run.signal.throwIfAborted();
      // The element draws each step's latent preview; a caller's `previews: false` turns them off.
      const options = { signal: run.signal, onProgress: this.#onProgress };
      if ((choice.bestOf ?? 1) === 1) return await diffusion.generate({ previews: true, ...request }, options).finally(() => { this.candidates = []; });
      if (!choice.clip) throw new DiffusionError('invalid-argument', 'best-of needs a `clip` property: a Clip (createClip) to score the images.');
      this.candidates = await diffusion.generateBatch({ previews: true, ...request }, choice.bestOf!, { ...options, rankWith: choice.clip });
      return this.candidates[0];
    } finally {
      if (this.#run === run) {
        this.#run = undefined;
        this.#host.requestUpdate();
      }
    }
  }

  /** Cancels the run in progress, if any. */
  cancel(): void {
    this.#run?.abort(new DOMException('Cancelled', 'AbortError'));
  }

  /** Disposes the model this controller loaded (a shared one is the page's to dispose). */
  async release(): Promise<void> {
    const owned = this.#owned;
    this.#owned = undefined;
    if (owned) await owned.diffusion.then((d) => d.dispose(), () => undefined);
  }

  async #diffusion(choice: ModelChoice, signal: AbortSignal): Promise<Diffusion> {
    if (choice.shared) return choice.shared;
    const key = `${choice.device}\n${choice.model}`;
    if (this.#owned?.key !== key) {
      await this.release();
      // The load is not tied to this run's signal: cancelling a run must not throw away a half-loaded model
      // that the next run will want, so a cancelled run simply stops waiting for it.
      const diffusion = createDiffusion({ model: choice.model, device: choice.device, onProgress: this.#onProgress });
      this.#owned = { key, diffusion };
      diffusion.catch(() => {
        if (this.#owned?.diffusion === diffusion) this.#owned = undefined;
      });
    }
    return abortable(this.#owned!.diffusion, signal);
  }
}

/** `promise`, or an AbortError as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new DOMException('Cancelled', 'AbortError'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
