// Model sources: presets, folder URLs (absolute or relative to the page) and manifests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolveSource } from '../../../src/worker/models/resolve-source.ts';
import { resolveClipSource } from '../../../src/worker/clip/clip-source.ts';

describe('resolveSource', () => {
  it('expands a folder URL into the diffusers-ONNX layout, relative to the page', () => {
    const manifest = resolveSource('models/tiny', 'https://example.org/app/index.html');
    assert.equal(manifest.unet.url, 'https://example.org/app/models/tiny/unet/model.onnx');
    assert.equal(manifest.vocab.url, 'https://example.org/app/models/tiny/tokenizer/vocab.json');
    assert.equal(manifest.vaeEncoder?.url, 'https://example.org/app/models/tiny/vae_encoder/model.onnx');
  });

  it('resolves presets to public repositories with absolute URLs', () => {
    const turbo = resolveSource('sd-turbo');
    assert.match(turbo.unet.url, /^https:\/\/.+\/unet\/model\.onnx$/);
    assert.equal(turbo.padTokenId, 0);
    const sd15 = resolveSource('sd-1.5');
    assert.match(sd15.textEncoder.url, /^https:\/\/.+stable-diffusion-v1-5-ONNX.+text_encoder\/model\.onnx$/);
  });

  it('resolves the shapes presets to the shipped src/models/ folders, every file they name present', () => {
    const shapes = resolveSource('shapes');
    const inpainting = resolveSource('shapes-inpainting');
    const clip = resolveClipSource('shapes');
    assert.match(shapes.unet.url, /\/src\/models\/shapes\/unet\/model\.onnx$/);
    assert.match(inpainting.unet.url, /\/src\/models\/shapes-inpainting\/unet\/model\.onnx$/);
    assert.equal(inpainting.textEncoder.url, shapes.textEncoder.url, 'one text encoder for both');
    // The scoring CLIP has its own text tower (decision 0011): the U-Nets' conditioning is the first CLIP.
    assert.match(clip.textModel?.url ?? '', /\/src\/models\/shapes\/clip\/onnx\/text_model\.onnx$/);
    const exported = JSON.parse(readFileSync(fileURLToPath(new URL('config.json', clip.preprocessorConfig!.url)), 'utf8')) as { logit_scale: number };
    assert.equal(clip.logitScale, exported.logit_scale, "the preset's logit scale is the one tools/train/export.py wrote");
    const refs = [shapes, inpainting].flatMap((m) => [m.textEncoder, m.unet, m.vaeDecoder, m.vaeEncoder, m.vocab, m.merges, m.vaeConfig, m.modelIndex, m.schedulerConfig, m.specialTokensMap]);
    for (const ref of [...refs, clip.textModel, clip.visionModel, clip.preprocessorConfig]) {
      const url = (ref as { url?: string } | undefined)?.url;
      assert.ok(url && existsSync(fileURLToPath(url)), `${url} exists`);
    }
  });

  it('resolves a manifest relative to its baseUrl', () => {
    const manifest = resolveSource({
      id: 'm', baseUrl: 'https://cdn.example/m/',
      textEncoder: { url: 'te.onnx' }, unet: { url: 'u.onnx', externalData: [{ path: 'weights.pb', url: 'w.pb' }] },
      vaeDecoder: { url: 'https://other.example/vd.onnx' }, vocab: { url: 'v.json' }, merges: { url: 'm.txt' },
    });
    assert.equal(manifest.unet.externalData?.[0].url, 'https://cdn.example/m/w.pb');
    assert.equal(manifest.vaeDecoder.url, 'https://other.example/vd.onnx');
  });

  it('rejects unknown names and incomplete manifests with invalid-model', () => {
    assert.throws(() => resolveSource('sd-42'), { code: 'invalid-model' });
    assert.throws(() => resolveSource(''), { code: 'invalid-model' });
    assert.throws(() => resolveSource({ id: 'x' } as never), { code: 'invalid-model' });
  });
});
