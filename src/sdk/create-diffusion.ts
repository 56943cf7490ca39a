/** The SDK's front door: `createDiffusion({ model })` loads a model in a worker and resolves when it is ready. */
import { DiffusionError } from '../worker/protocol/errors.ts';
import { Diffusion, diffusionModel, type RunOptions } from './diffusion.ts';
import { defaultWorkerFactory, type WorkerFactory } from './worker-client.ts';
import { checkModelOptions, checkRunOptions, pageOrigin, startSession, WorkerSession } from './worker-session.ts';
import type { Device, ModelSource } from '../worker/protocol/types.ts';

/** Options for `createDiffusion`. */
export interface DiffusionOptions extends RunOptions {
  /** A preset name (`'sd-turbo'`, `'sd-1.5'`), a folder URL in the diffusers-ONNX layout, or a manifest. */
  readonly model: ModelSource;
  /** `'auto'` (default): WebGPU when an adapter exists, else WASM. */
  readonly device?: Device;
  /** Folder URL of onnxruntime-web's `.wasm` files when they are not next to the worker bundle. */
  readonly wasmPaths?: string;
  /** WASM threads (cross-origin isolated pages only); default half the cores, at most 4, as onnxruntime-web chooses. */
  readonly numThreads?: number;
  /** Makes the worker; for bundlers or CSP setups that need their own `new Worker(...)`. */
  readonly workerFactory?: WorkerFactory;
  /**
   * A model file download that receives no bytes for this many milliseconds (no answer, or a body that stops)
   * fails with `download-failed`, keeping what was stored for a resume. Default 30 000 (30 s).
   */
  readonly stallTimeoutMs?: number;
  /** A worker whose script has not run after this many milliseconds fails with `worker-crashed`. Default 60 000. */
  readonly startTimeoutMs?: number;
}

/** A timeout option: undefined, or a positive number of milliseconds. */
function checkTimeout(name: 'stallTimeoutMs' | 'startTimeoutMs', value: unknown): void {
  if (value === undefined || (typeof value === 'number' && value > 0 && Number.isFinite(value))) return;
  throw new DiffusionError('invalid-argument', `${name} must be a positive number of milliseconds; got ${String(value)}.`, { details: { option: name } });
}

/** Loads `options.model` in a new worker; resolves once every session is created. */
export async function createDiffusion(options: DiffusionOptions): Promise<Diffusion> {
  const device = checkModelOptions('createDiffusion', options);
  checkRunOptions(options);
  checkTimeout('stallTimeoutMs', options.stallTimeoutMs);
  checkTimeout('startTimeoutMs', options.startTimeoutMs);
  const model = diffusionModel({
    model: options.model, device, origin: pageOrigin() ?? '', wasmPaths: options.wasmPaths, numThreads: options.numThreads,
    stallTimeoutMs: options.stallTimeoutMs, startTimeoutMs: options.startTimeoutMs,
    workerFactory: options.workerFactory ?? defaultWorkerFactory,
  });
  return new Diffusion(new WorkerSession(model, await startSession(model, options)));
}
