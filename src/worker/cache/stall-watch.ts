/**
 * Aborts a download attempt that waits longer than a limit for bytes: a server that never answers, or one that
 * stops mid-body without closing, would otherwise leave the load pending forever. The clock runs only while the
 * download waits on the network (for the response or the next piece), never while it writes to IndexedDB, whose
 * commits can take many seconds on a loaded machine (decision 0004, Hazards).
 */
export class StallWatch {
  readonly #controller = new AbortController();
  readonly #timer = { id: undefined as ReturnType<typeof setTimeout> | undefined };
  readonly ms: number;
  /** The attempt's signal: the caller's (if any) and this watch's. */
  readonly signal: AbortSignal;

  constructor(ms: number, outer: AbortSignal | undefined) {
    this.ms = ms;
    this.signal = outer ? AbortSignal.any([outer, this.#controller.signal]) : this.#controller.signal;
    this.waiting();
  }

  /** True once the limit passed with no bytes. */
  get stalled(): boolean {
    return this.#controller.signal.aborted;
  }

  /** The download now waits for the network: start the clock again. */
  waiting(): void {
    this.stop();
    if (this.stalled) return;
    this.#timer.id = setTimeout(() => this.#controller.abort(new Error(`no bytes for ${this.ms} ms`)), this.ms);
  }

  /** The download is busy with bytes it has (or done): stop the clock. */
  stop(): void {
    clearTimeout(this.#timer.id);
  }
}
