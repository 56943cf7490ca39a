/** The SDK's front door: `createDiffusion({ model })` loads a model in a worker and resolves when it is ready. */
import { DiffusionError } from '../worker/protocol/errors.ts';
import { checkRunOptions, Diffusion, startWorker, type RunOptions } from './diffusion.ts';
import { defaultWorkerFactory, type WorkerFactory } from './worker-client.ts';
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

const DEVICES = ['auto', 'webgpu', 'wasm'] as const;

/** Loads `options.model` in a new worker; resolves once every session is created. */
export async function createDiffusion(options: DiffusionOptions): Promise<Diffusion> {
  if (typeof options !== 'object' || options === null) throw new DiffusionError('invalid-argument', 'createDiffusion() takes an options object.');
  checkRunOptions(options);
  const device = options.device ?? 'auto';
  if (!DEVICES.includes(device)) {
    throw new DiffusionError('unsupported-device', `device must be one of ${DEVICES.join(', ')}; got '${String(device)}'.`);
  }
  if (options.model === undefined || options.model === null || options.model === '') {
    throw new DiffusionError('invalid-model', 'createDiffusion() needs a `model`: a preset name, a folder URL or a manifest.');
  }
  checkTimeout('stallTimeoutMs', options.stallTimeoutMs);
  checkTimeout('startTimeoutMs', options.startTimeoutMs);
  const origin = typeof document !== 'undefined' ? document.baseURI : globalThis.location?.href ?? '';
  const setup = {
    model: options.model, device, origin, wasmPaths: options.wasmPaths, numThreads: options.numThreads,
    stallTimeoutMs: options.stallTimeoutMs, startTimeoutMs: options.startTimeoutMs,
    workerFactory: options.workerFactory ?? defaultWorkerFactory,
  };
  const { client, info } = await startWorker(setup, options, () => undefined);
  return new Diffusion(setup, client, info);
}
