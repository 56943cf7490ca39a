/**
 * The only module that imports onnxruntime-web. Everything else talks to ONNX through these few functions,
 * so the backend choice, its settings and its error messages are handled in one place.
 *
 * Both builds we load carry the native WebGPU EP (it refuses fp16 models clearly on adapters without
 * `shader-f16`; the default JSEP build silently returns zeros) and the WASM EP. Engines with JSPI get the JSPI
 * build: 16 MB of .wasm instead of 27, and external data given as a Blob is streamed into the session instead of
 * held whole in memory. Others (no `WebAssembly.Suspending`) get the asyncify build. Decision record: 0001.
 */
import type * as Ort from 'onnxruntime-web/webgpu';
import { DiffusionError } from '../protocol/errors.ts';
import type { Device } from '../protocol/types.ts';
import { chooseBackend, type AdapterFacts, type Backend, type BackendChoice } from './backend-choice.ts';
import { widenFloat16 } from '../tensor/float16.ts';

/** True where ORT runs its JSPI build, which streams Blob external data (see `createSession`). */
export const streamsBlobs = typeof WebAssembly === 'object' && 'Suspending' in WebAssembly;

let ort: typeof Ort | undefined;
let loading: Promise<typeof Ort> | undefined;

/** Imports the build for this engine once; only its own .wasm is ever fetched. */
function loadOrt(): Promise<typeof Ort> {
  loading ??= (streamsBlobs ? import('onnxruntime-web/jspi') : import('onnxruntime-web/webgpu')).then((module) => (ort = module));
  return loading;
}

/** ORT, for the synchronous helpers, which only run once a session exists. */
function loaded(): typeof Ort {
  if (!ort) throw new Error('onnxruntime-web is not loaded yet: create a session first.');
  return ort;
}

/** A created ONNX session (opaque outside this module). */
export type Session = Ort.InferenceSession;
/** An ONNX tensor (opaque outside this module). */
export type OrtTensor = Ort.Tensor;
/** The element types the pipeline feeds. */
export type TensorType = 'float32' | 'float16' | 'int32' | 'int64';

/** One input or output as the session declares it. */
export interface ValueInfo {
  readonly name: string;
  readonly type: string;
  /** Dimensions: numbers when fixed, strings for symbolic ones. Empty for a scalar. */
  readonly shape: readonly (number | string)[];
}

/** The backend a session runs on. */
export type { Backend } from './backend-choice.ts';

let configured = false;

/** Sets ORT's global options once per worker (threads, where the .wasm lives). */
export async function configureRuntime(options: { wasmPaths?: string; numThreads?: number }): Promise<void> {
  const ort = await loadOrt();
  if (configured) return;
  configured = true;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = (globalThis.navigator as Navigator | undefined)?.hardwareConcurrency ?? 1;
  // Threads need SharedArrayBuffer, which only cross-origin isolated pages have. By default we take ORT's own
  // choice, half the cores (at most 4): the rest serve the browser itself. On 2 cores, a second ORT thread kept
  // the page's IndexedDB commits waiting 20-75 s while ORT started up (decision 0004, Hazards).
  const threads = options.numThreads ?? Math.min(4, Math.ceil(cores / 2));
  ort.env.wasm.numThreads = isolated ? Math.max(1, Math.min(threads, 4)) : 1;
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  ort.env.logLevel = 'error';
}

/** The little of WebGPU we call (declared here so the package needs no @webgpu/types). */
interface Gpu { requestAdapter(options?: { powerPreference?: string }): Promise<AdapterFacts | null> }

/** The adapter WebGPU would use, or null where WebGPU is missing. */
export async function requestAdapter(): Promise<AdapterFacts | null> {
  const gpu = (globalThis.navigator as (Navigator & { gpu?: Gpu }) | undefined)?.gpu;
  if (!gpu) return null;
  return gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
}

/** Picks the backend by the rule in backend-choice.ts; an explicit, unavailable 'webgpu' fails. */
export async function resolveBackend(device: Device, model: { needsShaderF16?: boolean } = {}): Promise<BackendChoice> {
  const adapter = device === 'wasm' ? null : await requestAdapter();
  const choice = chooseBackend(device, adapter, model);
  if (!choice) throw new DiffusionError('unsupported-device', 'WebGPU is not available in this browser (no adapter). Use device: "wasm" or "auto".');
  return choice;
}

/** What a lost device reported (its `reason` and `message`), or undefined while ORT's device is alive. */
interface LostInfo { readonly reason?: string; readonly message?: string }
interface WatchedDevice { readonly lost: Promise<LostInfo> }

/**
 * A destroyed or reset device makes ORT's `session.run` wait forever instead of failing, so we watch the
 * device ORT created and fail the runs in flight ourselves when it is lost (and every run after that).
 */
let lostInfo: LostInfo | undefined;
let watchedDevice: WatchedDevice | undefined;
let watchedLoss: Promise<unknown> | undefined;
const runsInFlight = new Set<(info: LostInfo) => void>();

/** The GPUDevice ORT created, once a WebGPU session exists (tests destroy it to simulate a lost device). */
export async function ortGpuDevice(): Promise<(WatchedDevice & { destroy(): void }) | undefined> {
  if (!ort) return undefined;
  return (await Promise.resolve(ort.env.webgpu.device).catch(() => undefined)) as (WatchedDevice & { destroy(): void }) | undefined;
}

async function watchDevice(): Promise<void> {
  const device = await ortGpuDevice();
  if (!device || device === watchedDevice) return;
  watchedDevice = device;
  lostInfo = undefined;
  watchedLoss = device.lost.then((info) => {
    lostInfo = { reason: info?.reason, message: info?.message };
    for (const fail of runsInFlight) fail(lostInfo);
    runsInFlight.clear();
  });
}

function deviceLostError(info: LostInfo, label: string, cause?: unknown): DiffusionError {
  const why = info.message || info.reason || 'unknown reason';
  return new DiffusionError('device-lost', `The GPU device was lost while running ${label} (${why}). The next request starts a new one.`, { cause, details: { model: label } });
}

/** Creates a session from model bytes (plus external data files by their recorded names). */
export async function createSession(
  bytes: Uint8Array,
  // A Blob is streamed in by the JSPI build (`streamsBlobs`); the asyncify build would read it whole first.
  options: { backend: Backend; label: string; externalData?: { path: string; data: Uint8Array | Blob }[] },
): Promise<Session> {
  try {
    const ort = await loadOrt();
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: [options.backend],
      graphOptimizationLevel: 'all',
      externalData: options.externalData,
    });
    if (options.backend === 'webgpu') await watchDevice();
    return session;
  } catch (cause) {
    if (lostInfo) throw deviceLostError(lostInfo, options.label, cause);
    const text = String((cause as Error)?.message ?? cause);
    if (/f16|float16|shader-f16/i.test(text) && options.backend === 'webgpu') {
      throw new DiffusionError('fp16-unsupported', `${options.label} is a float16 model, and this GPU adapter lacks 'shader-f16'. Use an fp32 variant or device: "wasm".`, { cause });
    }
    throw new DiffusionError('model-load-failed', `Could not load ${options.label}: ${text}`, { cause, details: { model: options.label } });
  }
}

/** The declared inputs of a session, in order. */
export function inputsOf(session: Session): ValueInfo[] {
  return describe(session.inputNames, session.inputMetadata);
}

/** The declared outputs of a session, in order. */
export function outputsOf(session: Session): ValueInfo[] {
  return describe(session.outputNames, session.outputMetadata);
}

function describe(names: readonly string[], metadata: readonly Ort.InferenceSession.ValueMetadata[]): ValueInfo[] {
  return names.map((name, i) => {
    const meta = metadata?.[i];
    return meta?.isTensor ? { name, type: meta.type, shape: [...meta.shape] } : { name, type: 'unknown', shape: [] };
  });
}

/** Makes a tensor of `type` from plain numbers or a matching typed array. */
export function makeTensor(type: TensorType, data: Float32Array | Uint16Array | Int32Array | BigInt64Array, dims: readonly number[]): OrtTensor {
  return new (loaded().Tensor)(type, data, dims);
}

/** Runs a session; failures become DiffusionErrors (`device-lost` when the GPU went away). */
export async function runSession(session: Session, feeds: Record<string, OrtTensor>, label: string): Promise<Record<string, OrtTensor>> {
  if (lostInfo) throw deviceLostError(lostInfo, label);
  let fail: (info: LostInfo) => void = () => undefined;
  try {
    return await new Promise<Record<string, OrtTensor>>((resolve, reject) => {
      fail = (info) => reject(deviceLostError(info, label));
      runsInFlight.add(fail);
      session.run(feeds).then(resolve, reject);
    });
  } catch (cause) {
    if (cause instanceof DiffusionError) throw cause;
    // A run cut short by the loss can fail (a buffer unmapped mid-read) a moment before `lost` settles.
    if (watchedLoss) await Promise.race([watchedLoss, new Promise((resolve) => setTimeout(resolve, 250))]);
    if (lostInfo) throw deviceLostError(lostInfo, label, cause);
    const text = String((cause as Error)?.message ?? cause);
    const code = /device (was )?lost|destroyed|GPUDevice/i.test(text) ? 'device-lost' : 'inference-failed';
    throw new DiffusionError(code, `${label} failed: ${text}`, { cause, details: { model: label } });
  } finally {
    runsInFlight.delete(fail);
  }
}

/** The values of a float tensor as float32 (float16 outputs are widened). */
export function floatData(tensor: OrtTensor): Float32Array {
  const data = tensor.data as unknown;
  if (data instanceof Float32Array) return data;
  if (tensor.type === 'float16') return widenFloat16(data as Uint16Array);
  if (ArrayBuffer.isView(data)) return Float32Array.from(data as unknown as ArrayLike<number>);
  throw new DiffusionError('model-contract', `Expected a float tensor, got ${tensor.type}.`);
}

/** Releases a session's native memory. */
export async function releaseSession(session: Session | undefined): Promise<void> {
  await session?.release().catch(() => undefined);
}
