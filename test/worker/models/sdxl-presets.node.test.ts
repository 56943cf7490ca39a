// The SDXL-Turbo, SD 2.1 (768, v-prediction) and LCM-Dreamshaper presets (issue 16.5, 16.3): what they resolve to, without downloading.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presets } from '../../../src/worker/models/presets.ts';
import { resolveSource } from '../../../src/worker/models/resolve-source.ts';

describe('sdxl-turbo preset', () => {
  it('names both text encoders and tokenizers, the 0.13025 VAE, and 512x512 at 1 step without guidance', () => {
    const turbo = resolveSource('sdxl-turbo');
    assert.match(turbo.textEncoder2?.url ?? '', /^https:\/\/.+webnn\/sdxl-turbo\/.+text_encoder_2_model_q4f16\.onnx$/);
    assert.match(turbo.vocab2?.url ?? '', /sdxl-turbo\/resolve\/main\/tokenizer_2\/vocab\.json$/);
    assert.deepEqual([turbo.padTokenId, turbo.padTokenId2, turbo.scalingFactor], [49407, 0, 0.13025]);
    assert.deepEqual(turbo.defaults, { steps: 1, guidanceScale: 0, width: 512, height: 512, scheduler: 'EulerAncestralDiscreteScheduler' });
    const scheduler = turbo.schedulerConfig as { _class_name: string; timestep_spacing: string };
    assert.deepEqual([scheduler._class_name, scheduler.timestep_spacing], ['EulerAncestralDiscreteScheduler', 'trailing']);
    assert.equal(turbo.needsShaderF16, true);
    assert.equal(turbo.vaeEncoder, undefined, 'the WebNN export has no VAE encoder: image-to-image says so');
  });
});

describe('sd-2.1 preset', () => {
  it("defaults to 768x768 and reads v_prediction from stabilityai/stable-diffusion-2-1's own scheduler config", () => {
    const sd21 = resolveSource('sd-2.1');
    assert.deepEqual([sd21.defaults?.width, sd21.defaults?.height], [768, 768]);
    assert.match((sd21.schedulerConfig as { url: string }).url, /stabilityai\/stable-diffusion-2-1\/resolve\/main\/scheduler\/scheduler_config\.json$/);
    assert.match(sd21.unet.url, /julienkay\/stable-diffusion-2-1\/resolve\/main\/unet\/model\.onnx$/);
    assert.equal(sd21.padTokenId, 0);
    assert.equal(presets['sd-2.1'].needsShaderF16, false);
  });
});

describe('lcm-dreamshaper-v7 preset', () => {
  it("reads the folder's own LCMScheduler config and defaults to 4 steps at guidance 8.5 (diffusers' LCM pipeline)", () => {
    const lcm = resolveSource('lcm-dreamshaper-v7');
    assert.match(lcm.unet.url, /aislamov\/lcm-dreamshaper-v7-onnx\/resolve\/main\/unet\/model\.onnx$/);
    assert.match((lcm.schedulerConfig as { url: string }).url, /lcm-dreamshaper-v7-onnx\/resolve\/main\/scheduler\/scheduler_config\.json$/);
    assert.deepEqual(lcm.defaults, { steps: 4, guidanceScale: 8.5, width: 512, height: 512 });
    assert.deepEqual([lcm.padTokenId, lcm.scalingFactor], [49407, 0.18215]);
    assert.equal(presets['lcm-dreamshaper-v7'].needsShaderF16, true);
  });
});
