/**
 * What `device: 'auto'` picks, as a pure function of what the browser offers, so the rule is tested on its own
 * (decision 0008). 'auto' means "what runs, and runs fastest here", not "WebGPU whenever it exists":
 *
 * 1. No WebGPU adapter: WASM.
 * 2. A software adapter (SwiftShader, llvmpipe, WARP; `isFallbackAdapter`): WASM. The CPU rasteriser is about
 *    100 times slower than WASM on the same cores (16-18 s against 0.2 s for the tiny model here).
 * 3. An fp16 model on an adapter without `shader-f16`: WASM. The WebGPU EP would refuse the model, and this is
 *    known before the U-Net is downloaded (a preset's `needsShaderF16`).
 * 4. Otherwise: WebGPU.
 *
 * An explicit `'webgpu'` or `'wasm'` is obeyed; only a missing adapter is an error then.
 */
import type { Device } from '../protocol/types.ts';

/** The two ONNX backends onnxruntime-web runs here. */
export type Backend = 'webgpu' | 'wasm';

/** The little of a GPUAdapter (and its GPUAdapterInfo) the choice reads. */
export interface AdapterFacts {
  readonly features: ReadonlySet<string>;
  /** Older Chromium puts it on the adapter, newer on `info`; either counts. */
  readonly isFallbackAdapter?: boolean;
  readonly info?: { readonly vendor?: string; readonly architecture?: string; readonly device?: string; readonly description?: string; readonly isFallbackAdapter?: boolean };
}

/** The backend picked and, in words, why (shown as `diffusion.info.deviceReason`). */
export interface BackendChoice {
  readonly backend: Backend;
  readonly reason: string;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

/** True when the adapter renders on the CPU. */
export function isSoftwareAdapter(adapter: AdapterFacts): boolean {
  if (adapter.isFallbackAdapter || adapter.info?.isFallbackAdapter) return true;
  const { vendor = '', architecture = '', device = '', description = '' } = adapter.info ?? {};
  return SOFTWARE.test(`${vendor} ${architecture} ${device} ${description}`);
}

/** Applies the rule above; `adapter` is null where WebGPU is missing. `null` return: an explicit 'webgpu' cannot run. */
export function chooseBackend(device: Device, adapter: AdapterFacts | null, model: { needsShaderF16?: boolean } = {}): BackendChoice | null {
  const shaderF16 = adapter?.features.has('shader-f16') ?? false;
  if (device === 'wasm') return { backend: 'wasm', reason: 'device: "wasm" was asked for.' };
  if (device === 'webgpu') return adapter ? { backend: 'webgpu', reason: 'device: "webgpu" was asked for.' } : null;
  if (!adapter) return { backend: 'wasm', reason: 'auto: this browser has no WebGPU adapter.' };
  if (isSoftwareAdapter(adapter)) {
    return { backend: 'wasm', reason: 'auto: the WebGPU adapter is a software renderer, slower than WASM.' };
  }
  if (model.needsShaderF16 && !shaderF16) {
    return { backend: 'wasm', reason: "auto: this fp16 model needs 'shader-f16', which the WebGPU adapter lacks." };
  }
  return { backend: 'webgpu', reason: 'auto: a hardware WebGPU adapter.' };
}
