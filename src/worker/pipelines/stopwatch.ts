/** Collects a generation's timings (encode, each step and its JavaScript overhead, decode) and reports steps. */
import type { Timings } from '../protocol/types.ts';
import type { RunContext } from './run-context.ts';

/** A stopwatch for one generation; stages are timed from the previous mark. */
export class Stopwatch {
  readonly #started = performance.now();
  #mark = this.#started;
  #encode = 0;
  #decode = 0;
  readonly #steps: number[] = [];
  readonly #overhead: number[] = [];

  /** Ends the encode stage (prompt, and image when there is one). */
  encoded(): void {
    this.#encode = this.#lap();
  }

  /** The `onStep` callback for `denoise`: records the step and reports progress (with a preview when asked). */
  stepReporter(context: RunContext): (step: number, totalSteps: number, ms: number, overheadMs: number, preview?: () => ImageData) => void {
    return (step, totalSteps, ms, overheadMs, preview) => {
      this.#steps.push(ms);
      this.#overhead.push(overheadMs);
      context.progress(context.previews && preview ? { phase: 'denoise', step, totalSteps, preview: preview() } : { phase: 'denoise', step, totalSteps });
    };
  }

  /** Starts the decode stage. */
  decoding(context: RunContext): void {
    context.progress({ phase: 'decode' });
    this.#lap();
  }

  /** Ends the decode stage and returns every timing. */
  finish(): Timings {
    this.#decode = this.#lap();
    return { encode: this.#encode, denoise: this.#steps, stepOverhead: this.#overhead, decode: this.#decode, total: performance.now() - this.#started };
  }

  #lap(): number {
    const now = performance.now();
    const lap = now - this.#mark;
    this.#mark = now;
    return lap;
  }
}
