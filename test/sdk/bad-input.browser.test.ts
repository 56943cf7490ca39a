// Every bad input gets a DiffusionError with a specific code, and the same worker serves a good request next.
import { equal, ok, rejectsWithCode } from '../helpers/assert.ts';
import { load, modelUrl, smallRequest, varies } from '../helpers/models.ts';
import { createDiffusion, type GenerateRequest } from '../../src/sdk/index.ts';
import type { Diffusion } from '../../src/sdk/diffusion.ts';

const fixture = (variant: string, file: string) => `/test/fixtures/models/${variant}/${file}`;

describe('bad input', () => {
  let diffusion: Diffusion;
  before(async () => { diffusion = await load('web-int64'); });
  after(() => diffusion.dispose());

  const cases: [string, Partial<GenerateRequest> | Record<string, unknown>, string][] = [
    ['width not a multiple of 8', { width: 60 }, 'invalid-size'],
    ['height below 64', { height: 56 }, 'invalid-size'],
    ['width above 2048', { width: 2056 }, 'invalid-size'],
    ['steps 0', { steps: 0 }, 'invalid-steps'],
    ['steps 1001', { steps: 1001 }, 'invalid-steps'],
    ['steps 2.5', { steps: 2.5 }, 'invalid-steps'],
    ['guidance NaN', { guidanceScale: Number.NaN }, 'invalid-guidance-scale'],
    ['guidance negative', { guidanceScale: -1 }, 'invalid-guidance-scale'],
    ['a prompt that is not a string', { prompt: 42 }, 'invalid-prompt'],
    ['a negative prompt that is not a string', { negativePrompt: ['x'] }, 'invalid-prompt'],
    ['a seed that is not an integer', { seed: 1.5 }, 'invalid-seed'],
    ['an unknown scheduler', { scheduler: 'Euler b' }, 'unknown-scheduler'],
    ['a config with an unknown class', { scheduler: { _class_name: 'NoSuchScheduler' } }, 'unknown-scheduler'],
  ];
  for (const [name, change, code] of cases) {
    it(`${name} -> ${code}, then a good request works`, async () => {
      const error = await rejectsWithCode(diffusion.generate({ ...smallRequest, ...change } as GenerateRequest), code);
      ok(error.message.length > 10, 'the message says what is wrong');
      const result = await diffusion.generate({ ...smallRequest, steps: 1 });
      ok(varies(result.image));
    });
  }

  it('a size the U-Net cannot halve evenly -> invalid-size with a hint, then a good request works', async () => {
    // 72 px is a 9x9 latent: the fixture U-Net's down block gives 4x4, its up block 8x8, and the skip concat fails.
    const error = await rejectsWithCode(diffusion.generate({ ...smallRequest, width: 72 }), 'invalid-size');
    ok(/multiples of 64/.test(error.message), error.message);
    ok(varies((await diffusion.generate({ ...smallRequest, steps: 1 })).image));
  });

  it('the unknown-scheduler message lists the known names', async () => {
    const error = await rejectsWithCode(diffusion.generate({ ...smallRequest, scheduler: 'Euler b' }), 'unknown-scheduler');
    ok(/Euler a/.test(error.message) && /DPM\+\+ 2M Karras/.test(error.message), error.message);
  });

  it('a model folder that answers 404 -> model-not-found', async () => {
    await rejectsWithCode(createDiffusion({ model: modelUrl('no-such-model'), device: 'wasm' }), 'model-not-found');
  });

  it('an unknown preset name -> invalid-model', async () => {
    const error = await rejectsWithCode(createDiffusion({ model: 'sd-42', device: 'wasm' }), 'invalid-model');
    ok(/sd-turbo/.test(error.message), error.message);
  });

  it('an unknown device -> unsupported-device', async () => {
    await rejectsWithCode(createDiffusion({ model: modelUrl('web-int64'), device: 'cuda' as 'wasm' }), 'unsupported-device');
  });

  it('a U-Net without a timestep input -> model-contract, naming it', async () => {
    const error = await rejectsWithCode(load('broken-no-timestep'), 'model-contract');
    ok(/timestep/.test(error.message), error.message);
  });

  for (const [fault, name] of [['truncate-2000', 'truncated'], ['corrupt-40', 'corrupt']] as const) {
    it(`a ${name} ONNX file -> model-load-failed`, async () => {
      const base = modelUrl('web-int64');
      const manifest = {
        id: `${name}-unet`, baseUrl: base,
        textEncoder: { url: 'text_encoder/model.onnx' }, vaeDecoder: { url: 'vae_decoder/model.onnx' },
        unet: { url: new URL(`/__faults/${fault}${fixture('web-int64', 'unet/model.onnx')}`, location.href).href },
        vocab: { url: 'tokenizer/vocab.json' }, merges: { url: 'tokenizer/merges.txt' },
      };
      await rejectsWithCode(createDiffusion({ model: manifest, device: 'wasm' }), 'model-load-failed');
    });
  }

  it('a U-Net that outputs NaN -> nan-output, never a black image', async () => {
    const broken = await load('broken-nan');
    try {
      const error = await rejectsWithCode(broken.generate(smallRequest), 'nan-output');
      ok(/NaN/.test(error.message), error.message);
    } finally {
      await broken.dispose();
    }
  });

  it('fp16 on an adapter without shader-f16 -> fp16-unsupported', async () => {
    await rejectsWithCode(load('olive-fp16', { device: 'webgpu' }), 'fp16-unsupported');
  });

  it('... unless the manifest offers a fallback (an fp32 export), which is loaded instead', async () => {
    const file = (path: string) => ({ url: fixture('olive-fp16', path) });
    const model = {
      id: 'fp16-with-fallback', textEncoder: file('text_encoder/model.onnx'), unet: file('unet/model.onnx'),
      vaeDecoder: file('vae_decoder/model.onnx'), vocab: file('tokenizer/vocab.json'), merges: file('tokenizer/merges.txt'),
      fallback: modelUrl('web-int64'),
    };
    const gpu = await createDiffusion({ model, device: 'webgpu' });
    try {
      equal(gpu.model.dtype, 'float32');
      equal(gpu.model.device, 'webgpu');
    } finally {
      await gpu.dispose();
    }
  });

  it('the same Diffusion still generates after all of that', async () => {
    const result = await diffusion.generate(smallRequest);
    equal(result.image.width, 64);
  });
});
