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
  const origin = typeof document !== 'undefined' ? document.baseURI : globalThis.location?.href ?? '';
  const setup = {
    model: options.model, device, origin, wasmPaths: options.wasmPaths, numThreads: options.numThreads,
    workerFactory: options.workerFactory ?? defaultWorkerFactory,
  };
  const { client, info } = await startWorker(setup, options, () => undefined);
  return new Diffusion(setup, client, info);
}
