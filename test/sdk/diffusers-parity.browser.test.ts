// Same pixels as diffusers: real diffusers ONNX exports (test/fixtures/diffusers/, copied unchanged) loaded through the
// public SDK, compared with the images diffusers 0.24's PyTorch pipelines made from the same weights
// (test/fixtures/oracle/diffusers-parity-dev.json). Each network alone differs from torch by ~2e-6, so the
// tolerance is tight: at most 3 levels on any value and a mean of 0.1 of 255.
import { ok } from '../helpers/assert.ts';
import { createDiffusion, type GenerateRequest } from '../../src/sdk/index.ts';
import type { Diffusion } from '../../src/sdk/diffusion.ts';

interface OracleCase {
  readonly id: string;
  readonly model: string;
  readonly devices: readonly string[];
  readonly scheduler: { readonly sdk: GenerateRequest['scheduler'] | null };
  readonly settings: {
    readonly prompt: string; readonly negative_prompt: string | null; readonly num_inference_steps: number;
    readonly guidance_scale: number; readonly width: number; readonly height: number; readonly seed: number;
    readonly strength?: number;
  };
  readonly pixels: string;
}
interface Oracle { readonly image: { readonly rgb: string }; readonly cases: readonly OracleCase[] }

// Python's json writes -Infinity (DPM-Solver's lambda_min_clipped), which JSON.parse refuses; no compared value uses it.
const oracleText = await (await fetch('/test/fixtures/oracle/diffusers-parity-dev.json')).text();
const oracle = JSON.parse(oracleText.replace(/:\s*(-?)Infinity\b/g, ': null')) as Oracle;
const folderUrl = (name: string) => new URL(`/test/fixtures/diffusers/${name}/`, location.href).href;

/** Raw RGB bytes from the oracle's base64. */
function rgbBytes(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** The oracle's input picture as ImageData (opaque). */
function imageFrom(base64: string, width: number, height: number): ImageData {
  const rgb = rgbBytes(base64);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i += 1) data.set([rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], 255], i * 4);
  return new ImageData(data, width, height);
}

/** The web-diffusion request for an oracle case (diffusers' argument names -> the SDK's). */
function requestFor(test: OracleCase, image?: ImageData): GenerateRequest {
  const s = test.settings;
  return {
    prompt: s.prompt, negativePrompt: s.negative_prompt ?? undefined, steps: s.num_inference_steps,
    guidanceScale: s.guidance_scale, width: s.width, height: s.height, seed: s.seed,
    scheduler: test.scheduler.sdk ?? undefined,
    ...(s.strength === undefined ? {} : { strength: s.strength, image }),
  };
}

/** Largest and mean absolute difference over the RGB values. */
function pixelGap(actual: ImageData, expectedRgb: Uint8Array): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < expectedRgb.length; i += 1) {
    const gap = Math.abs(actual.data[Math.floor(i / 3) * 4 + (i % 3)] - expectedRgb[i]);
    max = Math.max(max, gap);
    sum += gap;
  }
  return { max, mean: sum / expectedRgb.length };
}

for (const device of ['wasm', 'webgpu'] as const) {
  const cases = oracle.cases.filter((test) => test.devices.includes(device));
  describe(`diffusers parity on ${device}`, function () {
    // SwiftShader compiles each model's shaders for minutes on a loaded machine; WASM needs seconds.
    this.timeout(device === 'webgpu' ? 480_000 : 120_000);
    const loaded = new Map<string, Diffusion>();
    const modelFor = async (name: string) => {
      if (!loaded.has(name)) loaded.set(name, await createDiffusion({ model: folderUrl(name), device }));
      return loaded.get(name)!;
    };
    after(() => { for (const diffusion of loaded.values()) diffusion.dispose(); });

    for (const test of cases) {
      it(`${test.id}: within 3 levels (mean 0.1) of diffusers`, async () => {
        const { width, height } = test.settings;
        const diffusion = await modelFor(test.model);
        const result = await diffusion.generate(requestFor(test, imageFrom(oracle.image.rgb, width, height)));
        const gap = pixelGap(result.image, rgbBytes(test.pixels));
        ok(gap.max <= 3 && gap.mean <= 0.1, `${test.id} on ${device}: max ${gap.max}, mean ${gap.mean.toFixed(4)}`);
      });
    }
  });
}

