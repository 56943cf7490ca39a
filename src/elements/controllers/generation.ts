/**
 * Owns the element's model and its runs, as `@lit/task` does: `(args, { signal })`, latest run wins (a new run
 * cancels the one before), and everything is cancelled when the element leaves the document. The model loads
 * on the first run, not on connect, so a page with the element costs nothing until someone generates.
 * It also owns what a run shows: the progress summary, the failure, the status line and the run's events.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  createDiffusion, DiffusionError, isAbortError, type ClipRanker, type Device, type Diffusion, type GenerateInput,
  type GenerateResult, type Progress,
} from '../../sdk/index.ts';
import { untilAborted } from '../../sdk/worker-session.ts';
import { DiffusionCompleteEvent, DiffusionErrorEvent, DiffusionProgressEvent } from '../events.ts';
import { ProgressTracker, type ProgressSummary } from '../lib/progress-summary.ts';

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

/** What the element does for a run: its status line and its drawing. */
export interface GenerationView {
  /** Sets the polite live region's text. */
  readonly announce: (status: string) => void;
  /** Draws a step's latent preview over the image. */
  readonly preview: (image: ImageData) => void;
  /** Shows the finished image; resolves once it is on screen. */
  readonly show: (result: GenerateResult) => Promise<void>;
  /** Puts the image back after a failed or cancelled run (a step preview may be on screen). */
  readonly restore: () => void;
}

/** Runs generations for one element. */
export class GenerationController implements ReactiveController {
  readonly #host: ReactiveControllerHost & Element;
  readonly #view: GenerationView;
  readonly #tracker = new ProgressTracker();
  readonly #onProgress = (progress: Progress) => this.#progress(progress);
  #owned: { key: string; diffusion: Promise<Diffusion> } | undefined;
  #run: AbortController | undefined;
  #failure: Error | undefined;
  /** The last best-of run's results, best first (empty after a single-image run). */
  candidates: readonly GenerateResult[] = [];

  constructor(host: ReactiveControllerHost & Element, view: GenerationView) {
    this.#host = host;
    this.#view = view;
    host.addController(this);
  }

  /** The latest progress of the current (or last) run. */
  get summary(): ProgressSummary {
    return this.#tracker.summary;
  }

  /** The last failure shown, until the next run or {@link clearFailure}. */
  get failure(): (Error & { code?: string }) | undefined {
    return this.#failure;
  }

  /** Forgets the failure (a new model or device gets a fresh start). */
  clearFailure(): void {
    this.#failure = undefined;
    this.#host.requestUpdate();
  }

  /** Shows a failure that happened outside a run (a dropped file that does not decode) and fires `diffusion-error`. */
  fail(error: Error): void {
    this.#failure = error;
    this.#host.requestUpdate();
    this.#host.dispatchEvent(new DiffusionErrorEvent(error));
  }

  /**
   * One run as the user sees it: status and progress while it goes, then the image and `diffusion-complete`, or the
   * image put back and `diffusion-error` (a cancelled run fires nothing and says "Cancelled").
   */
  async run(choice: ModelChoice, input: GenerateInput): Promise<GenerateResult> {
    this.#failure = undefined;
    this.#tracker.reset();
    this.#view.announce('Starting');
    try {
      const result = await this.generate(choice, input);
      await this.#view.show(result);
      this.#view.announce(`Image ready (seed ${result.seed})`);
      const candidates = (choice.bestOf ?? 1) > 1 ? { candidates: this.candidates } : {};
      this.#host.dispatchEvent(new DiffusionCompleteEvent({ result, request: input, mode: result.mode, ...candidates }));
      return result;
    } catch (error) {
      this.#view.restore();
      if (isAbortError(error)) {
        if (!this.busy) this.#view.announce('Cancelled');
      } else {
        this.#view.announce(`Error: ${(error as Error).message}`);
        this.fail(error as Error);
      }
      throw error;
    }
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

  #progress(progress: Progress): void {
    const summary = this.#tracker.add(progress);
    if (summary.label) this.#view.announce(summary.label);
    const preview = (progress as { preview?: unknown }).preview;
    if (preview instanceof ImageData) this.#view.preview(preview);
    this.#host.dispatchEvent(new DiffusionProgressEvent(progress));
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
    return untilAborted(this.#owned!.diffusion, signal);
  }
}
