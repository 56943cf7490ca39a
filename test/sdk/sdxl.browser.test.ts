// SDXL through the same SDK call: the tiny SDXL-contract fixture (tools/fixtures/sdxl.ts) is detected from its
// sessions, both encoders and the added conditioning reach the U-Net, every mode runs, fp16 VAE overflow falls
// back to the fp32 decoder, and requests the model's family cannot take are refused. WASM and WebGPU.
import { deepEqual, equal, ok, rejectsWithCode } from '../helpers/assert.ts';
import { load, modelUrl, smallRequest, varies } from '../helpers/models.ts';
import { createDiffusion } from '../../src/sdk/index.ts';
import type { Diffusion } from '../../src/sdk/diffusion.ts';
import type { ModelManifest } from '../../src/worker/protocol/types.ts';

const same = (a: ImageData, b: ImageData) => a.data.every((v, i) => v === b.data[i]);
const worst = (a: ImageData, b: ImageData) => a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i]!)), 0);

/** An explicit manifest for an SDXL fixture folder (a manifest object crosses to the worker without folder rules). */
function sdxlManifest(variant: string, extra: Partial<ModelManifest> = {}): ModelManifest {
  return {
    id: `${variant}-manifest`, baseUrl: modelUrl(variant),
    textEncoder: { url: 'text_encoder/model.onnx' }, textEncoder2: { url: 'text_encoder_2/model.onnx' },
    unet: { url: 'unet/model.onnx' }, vaeDecoder: { url: 'vae_decoder/model.onnx' }, vaeEncoder: { url: 'vae_encoder/model.onnx' },
    vocab: { url: 'tokenizer/vocab.json' }, merges: { url: 'tokenizer/merges.txt' }, specialTokensMap: { url: 'tokenizer/special_tokens_map.json' },
    vocab2: { url: 'tokenizer_2/vocab.json' }, merges2: { url: 'tokenizer_2/merges.txt' }, specialTokensMap2: { url: 'tokenizer_2/special_tokens_map.json' },
    schedulerConfig: { url: 'scheduler/scheduler_config.json' }, vaeConfig: { url: 'vae_decoder/config.json' }, modelIndex: { url: 'model_index.json' },
    ...extra,
  };
}

function square(size: number, value: number): ImageData {
  const image = new ImageData(size, size);
  for (let i = 0; i < image.data.length; i += 4) image.data.set([value, (i / 4) % 256, 255 - value, 255], i);
  return image;
}

describe('SDXL (tiny SDXL-contract fixture)', () => {
  let diffusion: Diffusion;
  before(async () => { diffusion = await load('sdxl-tiny'); });
  after(() => diffusion.dispose());

  it("is detected as SDXL from its sessions and takes diffusers' 1024x1024 default", async () => {
    equal(diffusion.model.family, 'sdxl');
    deepEqual(diffusion.model.defaults, { width: 1024, height: 1024 });
    const result = await diffusion.generate({ ...smallRequest, guidanceScale: 5 });
    equal(result.scheduler._class_name, 'EulerDiscreteScheduler');
    ok(varies(result.image), 'the image varies');
  });

  it('time_ids reach the U-Net: originalSize, cropsCoordsTopLeft and targetSize each change the image', async () => {
    const base = await diffusion.generate(smallRequest);
    // The defaults are the generated size, as in diffusers: spelling them out changes nothing.
    const spelled = await diffusion.generate({ ...smallRequest, originalSize: { width: 64, height: 64 }, cropsCoordsTopLeft: { top: 0, left: 0 }, targetSize: { width: 64, height: 64 } });
    ok(same(base.image, spelled.image), 'explicit defaults give the same image');
    for (const option of [{ originalSize: { width: 1024, height: 512 } }, { cropsCoordsTopLeft: { top: 32, left: 0 } }, { targetSize: { width: 64, height: 128 } }]) {
      ok(!same(base.image, (await diffusion.generate({ ...smallRequest, ...option })).image), `${Object.keys(option)[0]} changes the image`);
    }
  });

  it('both text encoders condition the image: prompt2 goes to text_encoder_2 only', async () => {
    const base = await diffusion.generate(smallRequest);
    const samePrompt2 = await diffusion.generate({ ...smallRequest, prompt2: smallRequest.prompt });
    const other = await diffusion.generate({ ...smallRequest, prompt2: 'a blue whale at night' });
    ok(same(base.image, samePrompt2.image), 'prompt2 defaults to the prompt');
    ok(!same(base.image, other.image), 'another prompt2 changes the image');
  });

  it('guidance runs batch 2; an empty negative prompt is zeros (force_zeros_for_empty_prompt), not an encoded ""', async () => {
    const empty = await diffusion.generate({ ...smallRequest, guidanceScale: 7 });
    const space = await diffusion.generate({ ...smallRequest, guidanceScale: 7, negativePrompt: ' ' });
    const negative = await diffusion.generate({ ...smallRequest, guidanceScale: 7, negativePrompt: 'grey, blurry' });
    ok(!same(empty.image, negative.image), 'a negative prompt changes the image');
    // ' ' tokenizes as "" does: the same ids, so any difference comes from the zeros.
    ok(!same(empty.image, space.image), 'the empty negative branch is zeros, not the encoding of ""');
  });

  it('image-to-image and 4-channel inpainting run through the same recipe; unmasked pixels come back unchanged', async () => {
    const image = square(64, 200);
    const img2img = await diffusion.generate({ ...smallRequest, image, strength: 0.6 });
    equal(img2img.mode, 'image-to-image');
    ok(varies(img2img.image));
    const mask = new ImageData(64, 64);
    for (let y = 0; y < 64; y += 1) for (let x = 32; x < 64; x += 1) mask.data.set([255, 255, 255, 255], (y * 64 + x) * 4);
    const inpainted = await diffusion.generate({ ...smallRequest, image, mask });
    equal(inpainted.mode, 'inpainting');
    let unchanged = true;
    for (let y = 0; y < 64; y += 1) for (let x = 0; x < 24; x += 1) for (let c = 0; c < 4; c += 1) {
      const i = (y * 64 + x) * 4 + c;
      unchanged &&= inpainted.image.data[i] === image.data[i];
    }
    ok(unchanged, 'pixels beyond the feather are the original');
  });

  it('the 9-channel SDXL inpainting U-Net inpaints', async () => {
    const nine = await load('sdxl-inpaint-9ch');
    try {
      equal(nine.model.family, 'sdxl');
      equal(nine.model.unetChannels, 9);
      const mask = new ImageData(64, 64);
      mask.data.fill(255);
      const result = await nine.generate({ ...smallRequest, image: square(64, 90), mask, guidanceScale: 4 });
      equal(result.mode, 'inpainting');
      ok(varies(result.image));
    } finally {
      await nine.dispose();
    }
  });

  it('an SD model refuses SDXL-only options, before any work', async () => {
    const sd = await load('optimum-fp32');
    try {
      equal(sd.model.family, 'sd');
      const error = await rejectsWithCode(sd.generate({ ...smallRequest, targetSize: { width: 64, height: 64 } }), 'invalid-argument');
      ok(/for SDXL models only/.test(error.message), error.message);
      await sd.generate(smallRequest);
    } finally {
      await sd.dispose();
    }
  });

  it('an SDXL U-Net without text_encoder_2 fails with model-contract listing what it found', async () => {
    const { textEncoder2, vocab2, merges2, specialTokensMap2, modelIndex, ...half } = sdxlManifest('sdxl-tiny');
    const error = await rejectsWithCode(createDiffusion({ model: { ...half, id: 'sdxl-half' }, device: 'wasm' }), 'model-contract');
    ok(/no text_encoder_2.*U-Net inputs: sample, timestep, encoder_hidden_states, text_embeds, time_ids/.test(error.message), error.message);
  });

  it('runs on WebGPU as on WASM', async () => {
    const gpu = await load('sdxl-tiny', { device: 'webgpu' });
    try {
      const request = { ...smallRequest, steps: 1, guidanceScale: 3 };
      const [a, b] = [await gpu.generate(request), await diffusion.generate(request)];
      ok(worst(a.image, b.image) <= 2, `max difference ${worst(a.image, b.image)}`);
    } finally {
      await gpu.dispose();
    }
  });
});

describe('SDXL VAE overflow in fp16', () => {
  it('without an fp32 decoder: nan-output naming the fp16-fix VAE', async () => {
    const diffusion = await load('sdxl-vae-overflow');
    try {
      const error = await rejectsWithCode(diffusion.generate(smallRequest), 'nan-output');
      ok(/VAE decoder produced NaN.*fp16-fix VAE.*vaeDecoderFp32/.test(error.message), error.message);
      equal((await diffusion.generate({ ...smallRequest, steps: 1 }).catch((e: { code: string }) => e.code)), 'nan-output', 'the worker stays usable');
    } finally {
      await diffusion.dispose();
    }
  });

  it("with the manifest's vaeDecoderFp32: decoded again in fp32, the image equals the fp32 model's", async () => {
    const fallback = await createDiffusion({ model: sdxlManifest('sdxl-vae-overflow', { vaeDecoderFp32: { url: 'vae_decoder_fp32/model.onnx' } }), device: 'wasm' });
    const reference = await load('sdxl-tiny');
    try {
      const [a, b] = [await fallback.generate(smallRequest), await reference.generate(smallRequest)];
      ok(same(a.image, b.image), `max difference ${worst(a.image, b.image)}`);
      ok(same((await fallback.generate(smallRequest)).image, b.image), 'later decodes go to the fp32 decoder directly');
    } finally {
      await Promise.all([fallback.dispose(), reference.dispose()]);
    }
  });
});
