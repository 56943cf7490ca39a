// What device: 'auto' picks for each kind of adapter (the rule of decision 0008), and what an explicit device gets.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chooseBackend, isSoftwareAdapter, type AdapterFacts } from '../../../src/worker/runtime/backend-choice.ts';
import { resolveSource } from '../../../src/worker/models/resolve-source.ts';

const adapter = (features: string[], info: AdapterFacts['info'] = {}, isFallbackAdapter?: boolean): AdapterFacts =>
  ({ features: new Set(features), info, isFallbackAdapter });
// What Chromium's SwiftShader adapter reports (headless Chromium here), and a discrete GPU with and without f16.
const swiftshader = adapter([], { vendor: 'google', architecture: 'swiftshader', device: '', description: '' });
const withF16 = adapter(['shader-f16'], { vendor: 'nvidia', architecture: 'ada-lovelace' });
const withoutF16 = adapter([], { vendor: 'intel', architecture: 'gen-9' });

describe('chooseBackend', () => {
  it('auto: WASM without an adapter', () => {
    assert.equal(chooseBackend('auto', null)?.backend, 'wasm');
  });

  it('auto: WASM on a software adapter, named by info or flagged as a fallback adapter', () => {
    for (const software of [swiftshader, adapter([], { vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }),
      adapter([], {}, true), adapter([], { isFallbackAdapter: true })]) {
      assert.ok(isSoftwareAdapter(software), JSON.stringify(software.info));
      const choice = chooseBackend('auto', software);
      assert.equal(choice?.backend, 'wasm');
      assert.match(choice!.reason, /software/);
    }
    assert.equal(isSoftwareAdapter(withoutF16), false);
  });

  it('auto: WASM for an fp16 model on an adapter without shader-f16, WebGPU where it has it', () => {
    const choice = chooseBackend('auto', withoutF16, { needsShaderF16: true });
    assert.equal(choice?.backend, 'wasm');
    assert.match(choice!.reason, /shader-f16/);
    assert.equal(chooseBackend('auto', withF16, { needsShaderF16: true })?.backend, 'webgpu');
    assert.equal(chooseBackend('auto', withoutF16)?.backend, 'webgpu', 'an fp32 model runs on any hardware adapter');
  });

  it('an explicit device is obeyed, even on a software adapter; webgpu without an adapter cannot run', () => {
    assert.equal(chooseBackend('webgpu', swiftshader)?.backend, 'webgpu');
    assert.equal(chooseBackend('wasm', withF16)?.backend, 'wasm');
    assert.equal(chooseBackend('webgpu', null), null);
  });

  it("the fp16 presets say so before anything is downloaded", () => {
    assert.equal(resolveSource('sd-turbo').needsShaderF16, true);
    assert.equal(resolveSource('sd-2-inpainting').needsShaderF16, true);
    assert.equal(resolveSource('sd-1.5').needsShaderF16, false);
  });
});
